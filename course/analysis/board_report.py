"""The Level 7 board report: the learner's project as a document a board can read.

Made from the learner's current work, never a stale file: the written answers, PESTLE, SWOT and
stakeholder map come from their response record, and the charts and tables from running their
workbook (as saved) in a fresh kernel. In order: the project's own title, the executive summary,
one section per task (the answer, then its tables and charts, each heading kept with its chart),
and an appendix on methodology and sources. Nothing of the workbook's machinery: no code, no
instructions, no criteria, no placeholders, no error output. Nothing is fetched from the
internet: the HTML has no scripts and its images are inline.

Three files: HTML; PDF, printed from that HTML by Debian's Chromium (``--print-to-pdf``, A4 from
the page's ``@page`` rule), which the course already uses for its browser tests, so no PDF
library is added; and .docx with python-docx (:mod:`course.analysis.report_docx`).

    from course.analysis.board_report import board_report
    made = board_report("level7/strategic-project", "report")   # or unit.report() in the workbook
    made.html, made.pdf, made.docx, made.notes
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from html import escape, unescape
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course.analysis.errors import AnalysisError
from course.analysis.report_format import REPORT_RESULT

SETUP_CELL = "from course.analysis.report_format import install as _odp_report\n_odp_report()"
FIGURE = re.compile(r"<figure.*?</figure>", re.S)
CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S)
DATA_NOTE = "odp-data-note"

CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45; color: #0b0c0c; }
body { margin: 0; }
main { max-width: 178mm; margin: 0 auto; }
h1 { font-size: 22pt; margin: 0 0 4pt; }
h2 { font-size: 15pt; margin: 18pt 0 6pt; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 6pt; }
.subtitle { color: #505a5f; margin-bottom: 14pt; }
.keep { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 6pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 10pt; color: #0b0c0c; }
table { border-collapse: collapse; margin: 4pt 0 10pt; font-size: 10pt; break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding-bottom: 3pt; }
th, td { border: 1px solid #b1b4b6; padding: 3pt 6pt; text-align: left; vertical-align: top; }
td.num { text-align: right; }
.note { font-size: 10pt; color: #505a5f; }
section.summary { border-left: 4pt solid #1d70b8; padding-left: 8pt; }
.appendix { break-before: page; page-break-before: always; }
"""


@dataclass(frozen=True)
class Block:
    kind: str              # "figure" or "table"
    html: str
    heading: str | None = None


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    summary: list[str]
    sections: list[Section]
    appendix: list[Section]


@dataclass(frozen=True)
class BoardReport:
    html: Path
    pdf: Path | None
    docx: Path | None
    notes: tuple[str, ...] = ()   # what is missing from the report and why, for the learner


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]


def _heading_of(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return None


def run_workbook(notebook: Path, timeout: int = 300) -> dict[str, list[str]]:
    """Run a copy of the workbook in a fresh kernel in its folder; each code cell's HTML outputs
    by cell id. Error outputs are dropped (the notes say which cells failed)."""
    nb = nbformat.read(notebook, as_version=4)
    setup = nbformat.v4.new_code_cell(SETUP_CELL)
    setup.id = "odp-report-setup"
    nb.cells.insert(0, setup)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(notebook.parent.resolve())}})
    client.execute()
    out: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        htmls = [o["data"]["text/html"] for o in cell.get("outputs", [])
                 if o.get("output_type") in ("display_data", "execute_result") and "text/html" in o.get("data", {})]
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            htmls.append("<error>")
        out[cell.get("id", "")] = htmls
    return out


def build(folder: Path, learner: str | None = None, timeout: int = 300) -> tuple[Report, list[str]]:
    from course.notebook import open_unit
    from course.analysis.option_figures import what_if_html
    from course.widgets.analysis_tables import analysis_html
    from course.widgets.strategy import STRATEGY_TYPES

    session = open_unit(folder, learner)
    unit = session.unit
    if unit.assignment is None:
        raise AnalysisError(f"unit {unit.id!r} has no assignment to report on")
    notebook = session.folder / f"{unit.id}.ipynb"
    if not notebook.is_file():
        raise AnalysisError(f"there is no workbook at {notebook}")
    answers = {item: e.response for item, e in session.record.latest().items()}
    outputs = run_workbook(notebook, timeout)
    notes: list[str] = []
    a = unit.assignment
    activities = {x.id: x for x in unit.activities}

    title = " ".join(str(answers.get(a.title_activity) or "").split()) if a.title_activity else ""
    if not title:
        title = a.title or unit.title
        if a.title_activity:
            notes.append(f"Your report is titled '{title}': give your project its own title in "
                         f"'{activities[a.title_activity].title}'.")
    summary = paragraphs(answers.get(a.summary_activity, "")) if a.summary_activity else []
    if a.summary_activity and not summary:
        notes.append("The report has no executive summary: write it in "
                     f"'{activities[a.summary_activity].title}'.")

    sections, methods, data_notes = [], [], []
    for n, task in enumerate(a.tasks, 1):
        section = Section(f"{n}. {task.title}", paragraphs(answers.get(task.id, "")))
        if not section.paragraphs:
            notes.append(f"Task {n} ({task.title}) has no saved answer, so its section has only its tables and charts.")
        heading = None
        for cell in task.analysis:
            if cell.kind == "guidance":
                heading = _heading_of(cell.text) or heading
                continue
            if cell.kind == "activity":
                act = activities.get(cell.text)
                if act and (act.type in STRATEGY_TYPES or act.type == "what_if"):
                    if act.id in answers:
                        table = (what_if_html(answers[act.id], act.title) if act.type == "what_if"
                                 else analysis_html(act.type, answers[act.id], act.title))
                        section.blocks.append(Block("table", table))
                    else:
                        notes.append(f"Your {act.title} is not in the report: nothing was saved in it.")
                continue
            for html in outputs.get(cell.id, []):
                if html == "<error>":
                    notes.append(f"The cell '{cell.id}' stopped with an error, so what it draws is not in the report.")
                elif DATA_NOTE in html:
                    data_notes.append(unescape(re.sub(r"<[^>]+>", "", html)).strip())
                elif "<figure" in html:
                    for fig in FIGURE.findall(html):
                        caption = CAPTION.search(fig)
                        found = unescape(re.sub(r"<[^>]+>", "", caption.group(1))) if caption else ""
                        # Every chart has a heading kept with it: the workbook's, else its own title.
                        heading = heading or found.split(": ")[0] or "Chart"
                        section.blocks.append(Block("figure", fig, heading))
                        methods.append(f"{heading}: {found}")
                        heading = None
                elif REPORT_RESULT in html:
                    section.blocks.append(Block("table", html, heading))
                    heading = None
        sections.append(section)

    appendix = [
        Section("Data", data_notes or ["The charts are drawn from the data named in the workbook."]),
        Section("Methods", ["Each chart's caption states what it shows. The charts and tables, in order:"],
                bullets=methods or ["No charts were drawn."]),
        Section("Frameworks, guidance and standards", [], bullets=list(unit.sources)),
    ]
    subtitle = f"{a.title or unit.title} · {unit.code} {unit.title} · {date.today():%-d %B %Y}"
    return Report(title, subtitle, summary, sections, appendix), notes


def _section_html(s: Section, level: int = 2) -> str:
    parts = [f"<h{level}>{escape(s.heading)}</h{level}>"]
    parts += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
    if s.bullets:
        parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in s.bullets) + "</ul>")
    for b in s.blocks:
        head = f"<h3>{escape(b.heading)}</h3>" if b.heading else ""
        parts.append(f'<section class="keep">{head}{b.html}</section>')
    return "<section>" + "".join(parts) + "</section>"


def render_html(report: Report) -> str:
    summary = "".join(f"<p>{escape(p)}</p>" for p in report.summary)
    body = [f"<header><h1>{escape(report.title)}</h1><p class=\"subtitle\">{escape(report.subtitle)}</p></header>"]
    if summary:
        body.append(f'<section class="summary"><h2>Executive summary</h2>{summary}</section>')
    body += [_section_html(s) for s in report.sections]
    body.append('<section class="appendix"><h2>Appendix: methodology and sources</h2>'
                + "".join(_section_html(s, 3) for s in report.appendix) + "</section>")
    return (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(report.title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "report"


def board_report(folder: str | Path = ".", out_dir: str | Path = "report", *, learner: str | None = None,
                 pdf: bool = True, docx: bool = True, timeout: int = 300) -> BoardReport:
    """Write the report as ``<title>.html`` (and ``.pdf``, ``.docx``) into ``out_dir``
    (relative to ``folder``)."""
    from course.analysis.report import html_to_pdf

    folder = Path(folder).resolve()
    report, notes = build(folder, learner or os.environ.get("ODP_LEARNER"), timeout)
    out = folder / out_dir if not Path(out_dir).is_absolute() else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = _slug(report.title)
    html = out / f"{name}.html"
    html.write_text(render_html(report), encoding="utf-8")
    pdf_path = docx_path = None
    if pdf:
        pdf_path = html_to_pdf(html, out / f"{name}.pdf")
        if pdf_path is None:
            notes.append("No PDF was made: Chromium is not installed here. Print the HTML to PDF from your browser.")
    if docx:
        from course.analysis.report_docx import write_docx

        docx_path = write_docx(report, out / f"{name}.docx")
    return BoardReport(html, pdf_path, docx_path, tuple(notes))
