"""Exporting a project notebook as a report: HTML without code, keeping charts and captions.

Charts made with the toolkit are HTML ``<figure>`` outputs (image, alt text, caption), so they
survive the export unchanged. The notebook is run in a fresh kernel first if it has no outputs
(the course keeps notebooks without outputs), in a copy: the learner's file is not changed.

Widgets need a live kernel, so a widget output that also carries HTML (the PESTLE, SWOT and
stakeholder map widgets carry their entries as tables) is exported as that HTML. Those tables
are redrawn from the learner's response record beside the notebook, so entries added after the
cell last ran are in the report too.

PDF: made with Debian's Chromium (``/usr/bin/chromium --headless``) when it is installed;
otherwise ``pdf`` is ``None``. Nothing is downloaded.

Example::

    from course.analysis.report import export_report
    files = export_report("strategic-project.ipynb", "report/")
    files.html   # report/strategic-project.html
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from course.analysis.errors import AnalysisError
from course.exceptions import RecordError
from course.record import RECORD_FILE, read_record
from course.widgets.analysis_tables import REPORT_METADATA, TABLES, analysis_html

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None
    note: str = ""


def _has_outputs(nb: nbformat.NotebookNode) -> bool:
    return any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def execute(nb: nbformat.NotebookNode, folder: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run every cell in a fresh python3 kernel with ``folder`` as the working folder."""
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def latest_answers(folder: Path) -> dict[str, object]:
    """The last saved answer per item in the record beside the notebook ({} if none or unreadable)."""
    try:
        _, entries = read_record(folder / RECORD_FILE)
    except RecordError:
        return {}
    return {e.item: e.response for e in entries if e.kind == "answer"}


def static_outputs(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """Show widgets that carry HTML as that HTML: a report has no kernel to draw widgets.

    nbconvert prefers the widget view over HTML, so the widget view is dropped. A strategic
    analysis is redrawn from the record, as the HTML saved with the output may be older."""
    answers = latest_answers(folder)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data or "text/html" not in data:
                continue
            meta = output.get("metadata", {}).get(REPORT_METADATA) or {}
            if meta.get("kind") in TABLES and meta.get("item") in answers:
                data["text/html"] = analysis_html(meta["kind"], answers[meta["item"]], meta.get("label", ""))
            del data[WIDGET_VIEW]
    return nb


def _chromium() -> str | None:
    for path in CHROMIUM_CANDIDATES:
        if Path(path).exists():
            return path
    return shutil.which("chromium")


def html_to_pdf(html: Path, pdf: Path, timeout: int = 120) -> Path | None:
    """Print an HTML file to PDF with headless Chromium, if installed. Returns None if not."""
    browser = _chromium()
    if browser is None:
        return None
    cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
           f"--print-to-pdf={pdf}", html.resolve().as_uri()]
    subprocess.run(cmd, check=False, capture_output=True, timeout=timeout)
    return pdf if pdf.exists() and pdf.stat().st_size > 0 else None


def export_report(notebook_path: str | Path, out_dir: str | Path, execute_first: bool | None = None,
                  pdf: bool = False, timeout: int = 300) -> ReportFiles:
    """Write ``<notebook name>.html`` (and ``.pdf`` if asked and possible) into ``out_dir``.

    Code cells and prompts are left out; markdown, tables, charts and captions stay, and the
    strategic analysis widgets become tables of the learner's entries.
    ``execute_first``: None runs the notebook only if it has no outputs yet.
    """
    path = Path(notebook_path)
    if not path.is_file():
        raise AnalysisError(f"there is no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    if execute_first or (execute_first is None and not _has_outputs(nb)):
        execute(nb, path.parent.resolve(), timeout)
    static_outputs(nb, path.parent)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html = out / f"{path.stem}.html"
    html.write_text(body, encoding="utf-8")
    pdf_path, note = None, ""
    if pdf:
        pdf_path = html_to_pdf(html, out / f"{path.stem}.pdf")
        if pdf_path is None:
            note = "PDF not made: Chromium is not installed here; print the HTML to PDF from your browser instead."
    return ReportFiles(html=html, pdf=pdf_path, note=note)
