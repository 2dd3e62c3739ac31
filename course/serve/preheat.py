"""Preheated unit apps that never show a stale record.

Voila's kernel pools run a notebook *before* anyone asks for it. A unit app reads the learner's
record when it opens, so a page run ahead of time would show the answers as they were when
the kernel was heated, not as the learner left them. The released copy of each unit notebook
therefore starts with one extra cell (:data:`CELL`) that imports the slow modules and then
waits for the real request (``voila.utils.wait_for_request``); everything after it, including
opening the record, runs when the page is asked for. Outside a preheated kernel (JupyterLab,
plain Voila) the cell only imports.
"""

from __future__ import annotations

import nbformat

TAG = "odp-preheat"
CELL = "from course.serve.preheat import ready\nready()"


def ready() -> None:
    """Import what every unit app needs, then wait for the page request if pooled."""
    import course.notebook  # noqa: F401  (widgets, content model, record: the slow part)

    from voila.utils import wait_for_request

    wait_for_request()  # returns at once unless this kernel was started for a pool


def with_preheat_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with the waiting cell first (once), hidden from Voila's output by having none."""
    cells = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
    cell = nbformat.v4.new_code_cell(CELL, metadata={"tags": [TAG]})
    if nb.get("nbformat_minor", 0) >= 5:
        cell["id"] = TAG  # stable, so re-releasing leaves the copy unchanged
    else:
        cell.pop("id", None)  # cell ids came in nbformat 4.5
    nb.cells = [cell, *cells]
    return nb
