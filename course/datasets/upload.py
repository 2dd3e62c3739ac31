"""A simple, labelled file-upload control for the Voila app.

The learner picks a CSV or Excel file; it is checked with :func:`load_user_file` in the
kernel on their machine. The outcome (rows loaded, or the problem in plain English) is written
into a region with ``role="status"``/``aria-live``, so screen readers announce it.
"""

from __future__ import annotations

from html import escape
from typing import Callable, Sequence

import ipywidgets as widgets
import pandas as pd

from course.datasets.errors import DataFileError
from course.datasets.registry import schema as schema_named
from course.datasets.userfile import load_user_file


class UploadLoader(widgets.VBox):
    """A FileUpload with a visible label and an aria-live message area. ``frame`` holds the data once loaded."""

    def __init__(self, schema: str, columns: Sequence[str] | None = None,
                 on_load: Callable[[pd.DataFrame], None] | None = None, label: str | None = None) -> None:
        self.schema_name, self.columns, self.on_load = schema, columns, on_load
        self.frame: pd.DataFrame | None = None
        title = schema_named(schema).title
        text = label or f"Upload your own {title.lower()} data (CSV UTF-8 or .xlsx)"
        # ipywidgets cannot give the upload button an id, so the label is visible text above it
        # and the same words are the button's tooltip (its accessible description).
        self.label = widgets.HTML(f'<p class="odp-upload-label"><strong>{escape(text)}</strong></p>')
        self.upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description="Choose file",
                                         tooltip=text, layout=widgets.Layout(width="auto", min_height="44px"))
        self.upload.add_class(f"odp-upload-{schema}")
        self.message = widgets.HTML(self._status("No file chosen yet. Your file stays on this computer.", error=False))
        self.upload.observe(self._changed, names="value")
        super().__init__([self.label, self.upload, self.message])

    @staticmethod
    def _status(text: str, error: bool) -> str:
        role, live = ("alert", "assertive") if error else ("status", "polite")
        prefix = "<strong>There is a problem:</strong> " if error else ""
        return f'<div role="{role}" aria-live="{live}" class="odp-upload-message">{prefix}{escape(text)}</div>'

    def load(self, content: bytes, filename: str) -> None:
        try:
            self.frame = load_user_file(content, schema=self.schema_name, columns=self.columns, filename=filename)
        except DataFileError as exc:
            self.frame = None
            self.message.value = self._status(str(exc), error=True)
            return
        self.message.value = self._status(f"Loaded {len(self.frame):,} rows from {filename}.", error=False)
        if self.on_load:
            self.on_load(self.frame)

    def _changed(self, change: dict) -> None:
        files = change["new"]
        if files:
            f = files[0]
            self.load(bytes(f["content"]), f["name"])


def upload_widget(schema: str, columns: Sequence[str] | None = None,
                  on_load: Callable[[pd.DataFrame], None] | None = None, label: str | None = None) -> UploadLoader:
    """The upload control for a named dataset schema; ``on_load(frame)`` runs once a file passes the checks."""
    return UploadLoader(schema, columns=columns, on_load=on_load, label=label)


SHARE_CHOICES = (
    ("Submit my file: my assessor's copy redraws every chart from it", "file"),
    ("Keep my file in my department: submit only its fingerprint and summary tables", "checksum"),
)


class OwnDataLoader(UploadLoader):
    """The upload control for a project's own data, with the learner's choice of what their
    assessor gets. ``store(content, filename, share)`` saves the file (see
    :mod:`course.datasets.owndata`) and raises DataFileError if it does not fit."""

    def __init__(self, schema: str, store: Callable[[bytes, str, str], object], *, share: str = "file",
                 current: str = "") -> None:
        self.store = store
        super().__init__(schema)
        self.share = widgets.RadioButtons(options=SHARE_CHOICES, value=share,
                                          description="What your assessor gets",
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="auto"))
        if current:
            self.message.value = self._status(current, error=False)
        self.children = [self.label, self.share, self.upload, self.message]

    def load(self, content: bytes, filename: str) -> None:
        try:
            self.store(content, filename, self.share.value)
        except DataFileError as exc:
            self.message.value = self._status(f"{exc}. Nothing was saved.", error=True)
            return
        where = ("saved with your workbook" if self.share.value == "file"
                 else "kept outside your submission; only its fingerprint and summary are submitted")
        self.message.value = self._status(f"Loaded {filename}: {where}. Run the cells below again to redraw "
                                          "your charts from it.", error=False)
