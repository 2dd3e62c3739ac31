"""The one error a page raises: a request it cannot answer as asked (shown as a 400)."""


class PageError(ValueError):
    """Bad input in the query string, with a message that says which value and why."""
