"""The board report made from the worked example's project: A4, titled with the project's own
title, executive summary first, formatted numbers, headings kept with their charts, no workbook
machinery, nothing fetched from the internet; HTML, PDF and a .docx that python-docx opens."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.shared import Mm

from course.analysis.board_report import board_report
from course.analysis.report import _chromium
from tests.level7.worked_example import worked_example

pytestmark = pytest.mark.slow
TITLE = "Recovering more legal aid debt, 2026 to 2029"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = worked_example(tmp_path_factory.mktemp("report") / "strategic-project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ODP_LEARNER", "amy")   # the report's kernel opens amy's record
        report = board_report(folder, "report", learner="amy")
    return report, report.html.read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", html)).split())


def test_titled_with_the_projects_own_title_and_summary_first(made):
    report, html = made
    assert f"<title>{TITLE}</title>" in html and f"<h1>{TITLE}</h1>" in html
    assert report.html.name == "recovering-more-legal-aid-debt-2026-to-2029.html"
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == ["Executive summary", "1. Project proposal", "2. Research, analysis and synthesis",
                        "3. Options, conclusions and recommendations", "4. Implementation plan and review",
                        "Appendix: methodology and sources"]
    assert report.notes == ()


def test_everything_the_board_needs_and_nothing_of_the_workbook(made):
    _, html = made
    text = text_of(html)
    for wanted in ("We recommend automated reminders", "Spending review expects the agency",
                   "Keep satisfied", "Rising demand while budgets fall", "Methods", "Frameworks, guidance and standards",
                   "HM Treasury, The Green Book", "Automated reminders: net present value £", "NPV is zero at"):
        assert wanted in text, wanted
    assert len(re.findall(r"<figure", html)) == 7
    for machinery in ("YOUR ANSWER HERE", "Write your answer", "What your assessor looks for", "examiner",
                      "Traceback", "Error", "unit.show", "show_", "Replace the example figures", "Make my report",
                      "Press the button", "AC 1.1", "Criterion 1", "Your assessor reads", "&amp;"):
        assert machinery not in text, machinery


def test_headings_are_kept_with_their_charts(made):
    _, html = made
    for block in re.findall(r'<section class="keep">(.*?)</section>', html, re.S):
        if "<figure" in block:
            assert block.startswith("<h3>"), block[:80]
    assert ".keep { break-inside: avoid" in html and "break-after: avoid" in html


def test_numbers_are_formatted_for_a_board(made):
    _, html = made
    text = text_of(html)
    assert not re.search(r"\d\.\d+e[+-]\d", text)           # no 1.612e+05
    assert not re.search(r"(?<![\w.,£-])-0(?![\d.,])", text)  # no -0
    assert "rate 0.035" not in text and "green_book" not in text
    assert "Rate: 3.5%" in text or "Rate: Green Book: 3.5% to year 30" in text
    npv = re.search(r"<caption>Options compared by net present value.*?</table>", html, re.S).group(0)
    assert "Net present value (£)" in npv and re.search(r"\d{2,3},\d{3}", npv)


def test_nothing_is_fetched_from_the_internet(made):
    _, html = made
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "@page { size: A4" in html


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed")
def test_pdf_is_a4(made):
    report, _ = made
    pdf = report.pdf.read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)


def test_docx_opens_with_python_docx_and_is_a4(made):
    report, _ = made
    doc = Document(str(report.docx))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == TITLE and "Executive summary" in paragraphs
    assert len(doc.inline_shapes) == 7          # every chart
    tables = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["Factor", "What you found", "Impact"] in tables
    assert any("Net present value (£)" in row for row in tables)
