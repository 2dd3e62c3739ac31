"""The full HTML document every page is: language, a title that says where you are, a skip
link, a header with the way home, one main landmark, and the course's own CSS inline (the
Voila apps' ``odp.css`` and the pages' ``pages.css``), so a page needs nothing else fetched."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "share" / "jupyter" / "voila" / "templates" / "odp" / "static"
SITE = "ODP course"


@cache
def stylesheet() -> str:
    return "\n".join((STATIC / name).read_text(encoding="utf-8") for name in ("odp.css", "pages.css"))


def page_title(where: str) -> str:
    """"My team – ODP course"."""
    return f"{where} – {SITE}"


def document(where: str, body: str, *, home: str, nav: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(page_title(where))}</title>"
        '<link rel="icon" href="data:,">'
        f"<style>{stylesheet()}</style></head>"
        '<body class="odp-page">'
        '<a class="odp-skip-link" href="#odp-main">Skip to main content</a>'
        f'<header class="odp-header"><a href="{escape(home)}">Operational Delivery Profession '
        f"courses</a></header>{nav}"
        f'<main id="odp-main" tabindex="-1">{body}</main></body></html>')
