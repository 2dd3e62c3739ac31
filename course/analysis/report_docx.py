"""The board report as a Word document (python-docx): A4, the same headings, paragraphs,
tables and charts (with their captions) as the HTML. Tables are read from the report's own HTML
tables with the standard library's HTML parser, so there is one source for both."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.shared import Mm, Pt

if TYPE_CHECKING:
    from course.analysis.board_report import Report, Section

IMAGE = re.compile(r'src="data:image/png;base64,([^"]+)"')
CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S)
TAGS = re.compile(r"<[^>]+>")


class _Tables(HTMLParser):
    """Every <table> in some HTML as (caption, rows of cell texts); the text around them too."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.texts: list[str] = []
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._flush_text()
            self._rows, caption = [], ""
            self.tables.append((caption, self._rows))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        elif tag == "li" and self._cell is not None and self._cell:
            self._cell.append("; ")

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            caption, rows = self.tables[-1]
            self.tables[-1] = ("".join(self._caption).strip(), rows)
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()).strip("; "))
            self._cell = None
        elif tag == "table":
            self._rows = None
        elif tag == "p" and self._rows is None:
            self._flush_text()

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)
        elif self._rows is None:
            self._text.append(data)

    def _flush_text(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.texts.append(text)
        self._text = []

    def close(self) -> None:
        super().close()
        self._flush_text()


def _table(doc, caption: str, rows: list[list[str]]) -> None:
    rows = [r for r in rows if r]
    if not rows:
        return
    if caption:
        doc.add_paragraph(caption).runs[0].bold = True
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j in range(width):
            table.cell(i, j).text = row[j] if j < len(row) else ""
    doc.add_paragraph()


def _section(doc, s: "Section", level: int) -> None:
    doc.add_heading(s.heading, level=level)
    for p in s.paragraphs:
        doc.add_paragraph(p)
    for b in s.bullets:
        doc.add_paragraph(b, style="List Bullet")
    for block in s.blocks:
        if block.heading:
            doc.add_heading(block.heading, level=level + 1).paragraph_format.keep_with_next = True
        if block.kind == "figure":
            image = IMAGE.search(block.html)
            if image:
                picture = doc.add_paragraph()
                picture.paragraph_format.keep_with_next = True
                picture.add_run().add_picture(io.BytesIO(base64.b64decode(image.group(1))), width=Mm(165))
            caption = CAPTION.search(block.html)
            if caption:
                doc.add_paragraph(TAGS.sub("", caption.group(1)), style="Caption")
            continue
        parser = _Tables()
        parser.feed(block.html)
        parser.close()
        for text in parser.texts:
            doc.add_paragraph(text)
        for caption, rows in parser.tables:
            _table(doc, caption, rows)


def write_docx(report: "Report", path: Path) -> Path:
    doc = Document()
    for section in doc.sections:   # A4 portrait, the same margins as the HTML's @page
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(16)
        section.top_margin = section.bottom_margin = Mm(18)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = report.title
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle)
    if report.summary:
        doc.add_heading("Executive summary", level=1)
        for p in report.summary:
            doc.add_paragraph(p)
    for s in report.sections:
        _section(doc, s, 1)
    doc.add_page_break()
    doc.add_heading("Appendix: methodology and sources", level=1)
    for s in report.appendix:
        _section(doc, s, 2)
    doc.save(path)
    return path
