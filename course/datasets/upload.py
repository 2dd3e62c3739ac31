"""A labelled file-upload control for the Voila app, with the path that works for large files.

The learner picks a CSV or Excel file; it is checked with :func:`load_user_file` in the kernel on
their machine. The outcome (rows loaded, or the problem in plain English) is written into a
region with ``role="status"``/``aria-live``, so screen readers announce it.

A browser sends an upload to the kernel as one websocket message, and the notebook server's
Tornado refuses messages over 10 MiB: a bigger file would never arrive and nothing would say why.
So the picker checks the file's size in the browser first and, for a big file, sends only its
name and size; the learner is told how big it is and to put it in their folder, where the
"Load from your folder" list reads it straight from disk (no size limit), or to use JupyterLab.
When a column's dates could be day first or month first, the learner is asked which.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Callable, Sequence

import anywidget
import ipywidgets as widgets
import pandas as pd
import traitlets as t

from course.datasets.errors import DataFileError
from course.datasets.registry import schema as schema_named
from course.datasets.userfile import load_user_file

# Tornado's default websocket_max_message_size is 10 MiB; keep room for the message's own fields.
UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024 - 64 * 1024
DATA_SUFFIXES = (".csv", ".xlsx")

PICKER_JS = """
function render({ model, el }) {
  const id = "odp-file-" + Math.random().toString(36).slice(2, 10);
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "odp-upload-label";
  label.innerHTML = "<strong></strong>";
  label.firstChild.textContent = model.get("label");
  const input = document.createElement("input");
  input.type = "file";
  input.id = id;
  input.accept = model.get("accept");
  input.style.minHeight = "44px";
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    if (file.size > model.get("limit_bytes")) {
      // Too big for one websocket message: send only what the learner needs to be told.
      model.send({ event: "too_big", name: file.name, size: file.size });
      return;
    }
    const buffer = await file.arrayBuffer();
    model.send({ event: "file", name: file.name, size: file.size }, undefined, [buffer]);
  });
  el.append(label, document.createElement("br"), input);
  // In the app a new file is drawn from by running the page again: the kernel asks for a reload
  // (after its message has been announced), and the learner comes back to this control.
  const mark = "odp-upload-return:" + model.get("label");
  model.on("change:reload", () => {
    sessionStorage.setItem(mark, "1");
    setTimeout(() => window.location.reload(), 1500);
  });
  if (sessionStorage.getItem(mark)) {
    sessionStorage.removeItem(mark);
    const back = (tries) => {
      if (input.isConnected) { input.scrollIntoView({ block: "center" }); input.focus(); }
      else if (tries > 0) requestAnimationFrame(() => back(tries - 1));
    };
    back(120);
  }
}
export default { render };
"""


class FilePicker(anywidget.AnyWidget):
    """A native, labelled ``<input type=file>`` that refuses, in the browser, a file too big to send."""

    _esm = PICKER_JS
    label = t.Unicode("").tag(sync=True)
    accept = t.Unicode(",".join(DATA_SUFFIXES)).tag(sync=True)
    limit_bytes = t.Int(UPLOAD_LIMIT_BYTES).tag(sync=True)
    reload = t.Int(0).tag(sync=True)   # the kernel adds one to have the page run again (the app)


def in_app() -> bool:
    """True in a kernel Voila started (the browser app), where the learner cannot rerun cells."""
    # Voila gives every kernel it starts VOILA_PREHEAT ("False" unless pooled), and the request's
    # SERVER_SOFTWARE; a JupyterLab kernel has neither.
    return "VOILA_PREHEAT" in os.environ or os.environ.get("SERVER_SOFTWARE", "").startswith("voila")


def size_words(size: int) -> str:
    """File sizes as people read them: '51.2 MB', '812 KB'."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(size // 1000, 1)} KB"


class UploadLoader(widgets.VBox):
    """Upload, or load from the learner's folder; ``frame`` holds the data once loaded."""

    def __init__(self, schema: str, columns: Sequence[str] | None = None,
                 on_load: Callable[[pd.DataFrame], None] | None = None, label: str | None = None,
                 folder: str | Path | None = None) -> None:
        self.schema_name, self.columns, self.on_load = schema, columns, on_load
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.frame: pd.DataFrame | None = None
        self._pending: tuple[bytes | Path, str] | None = None
        title = schema_named(schema).title
        text = label or f"Upload your own {title.lower()} data (CSV UTF-8 or .xlsx, up to {size_words(UPLOAD_LIMIT_BYTES)})"
        self.upload = FilePicker(label=text)
        self.upload.add_class(f"odp-upload-{schema}")
        self.upload.on_msg(self._message)
        self.files = widgets.Dropdown(description="Or load a file from your folder", options=self._folder_files(),
                                      style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
        self.files.add_class("odp-folder-files")
        self.load_button = widgets.Button(description="Load this file", layout=widgets.Layout(min_height="44px"))
        self.load_button.on_click(lambda _: self._load_from_folder())
        self.date_order = widgets.RadioButtons(
            options=[("Day first, the UK way (31/03/2024)", True), ("Month first, the US way (03/31/2024)", False)],
            value=None, description="How are the dates in this file written?", style={"description_width": "initial"},
            layout=widgets.Layout(display="none", width="auto"))
        self.date_order.observe(self._date_order_chosen, names="value")
        self.message = widgets.HTML(self._status(
            f"No file chosen yet. Your file stays on this computer. A file over {size_words(UPLOAD_LIMIT_BYTES)}: "
            f"put it in your folder ({self.folder}) and load it from the list.", error=False))
        super().__init__([self.upload, widgets.HBox([self.files, self.load_button]), self.date_order, self.message])

    @staticmethod
    def _status(text: str, error: bool) -> str:
        role, live = ("alert", "assertive") if error else ("status", "polite")
        prefix = "<strong>There is a problem:</strong> " if error else ""
        return f'<div role="{role}" aria-live="{live}" class="odp-upload-message">{prefix}{escape(text)}</div>'

    def _folder_files(self) -> list[tuple[str, str]]:
        try:
            found = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in DATA_SUFFIXES and p.is_file())
        except OSError:
            found = []
        return [("Choose a file", "")] + [(f"{p.name} ({size_words(p.stat().st_size)})", p.name) for p in found]

    def refresh_files(self) -> None:
        """List the folder's CSV and .xlsx files again (after the learner copies one in)."""
        self.files.options = self._folder_files()

    def _load_from_folder(self) -> None:
        if not self.files.value:
            self.refresh_files()
            self.message.value = self._status(f"Choose a CSV or .xlsx file from {self.folder} first.", error=True)
            return
        self.load(self.folder / self.files.value, self.files.value)

    def load(self, content: bytes | Path, filename: str, dayfirst: bool | None = None) -> None:
        try:
            self.frame = load_user_file(content, schema=self.schema_name, columns=self.columns, filename=filename,
                                        dayfirst=dayfirst)
        except DataFileError as exc:
            self.frame = None
            if exc.kind == "date_order":
                self._pending = (content, filename)
                self.date_order.layout.display = "flex"
                self.message.value = self._status(
                    f"{exc} Choose how the dates are written above, and the file is read again.", error=True)
            else:
                self.message.value = self._status(str(exc), error=True)
            return
        self.message.value = self._status(f"Loaded {len(self.frame):,} rows from {filename}.", error=False)
        if self.on_load:
            self.on_load(self.frame)

    def _date_order_chosen(self, change: dict) -> None:
        if change["new"] is None or self._pending is None:
            return
        content, filename = self._pending
        self._pending = None
        self.date_order.layout.display = "none"
        self.load(content, filename, dayfirst=change["new"])
        self.date_order.value = None

    def too_big(self, name: str, size: int) -> None:
        self.frame = None
        self.message.value = self._status(
            f"{name} is {size_words(size)}, more than the {size_words(UPLOAD_LIMIT_BYTES)} the app can receive in "
            f"one upload. Copy the file into your folder ({self.folder}), then choose it under 'Or load a file from "
            f"your folder' and select 'Load this file'. In JupyterLab you can also run "
            f"load_user_file({str(self.folder / name)!r}, schema={self.schema_name!r}).", error=True)
        self.refresh_files()

    def _message(self, _widget: object, content: dict, buffers: list) -> None:
        if content.get("event") == "too_big":
            self.too_big(str(content.get("name", "The file")), int(content.get("size", 0)))
        elif content.get("event") == "file" and buffers:
            self.load(bytes(buffers[0]), str(content.get("name", "")))


def upload_widget(schema: str, columns: Sequence[str] | None = None,
                  on_load: Callable[[pd.DataFrame], None] | None = None, label: str | None = None,
                  folder: str | Path | None = None) -> UploadLoader:
    """The upload control for a named dataset schema; ``on_load(frame)`` runs once a file passes the checks.
    ``folder`` (default: the notebook's folder) is where large files are loaded from."""
    return UploadLoader(schema, columns=columns, on_load=on_load, label=label, folder=folder)


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
        self.children = [self.share, *self.children]

    def load(self, content: bytes | Path, filename: str, dayfirst: bool | None = None) -> None:
        data = content.read_bytes() if isinstance(content, Path) else content
        try:
            self.store(data, filename, self.share.value)
        except DataFileError as exc:
            self.message.value = self._status(f"{exc}. Nothing was saved.", error=True)
            return
        where = ("saved with your workbook" if self.share.value == "file"
                 else "kept outside your submission; only its fingerprint and summary are submitted")
        if in_app():
            # The charts and tables below are drawn when the page runs: run it again, from the file.
            self.message.value = self._status(f"Loaded {filename}: {where}. Redrawing your charts and tables "
                                              "from it: the page reloads and brings you back here.", error=False)
            self.upload.reload += 1
            return
        self.message.value = self._status(f"Loaded {filename}: {where}. Run the cells below again to redraw "
                                          "your charts from it.", error=False)
