"""Charts are accessible (caption, alt text, palette, markers) and reports drop the code."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from matplotlib.colors import to_hex
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.analysis import Chart, control_chart, figure_html, kpi_chart, pareto, pareto_chart, xmr
from course.analysis import style
from course.analysis.report import _chromium, export_report


def test_figure_html_has_alt_text_and_visible_caption():
    chart = control_chart(xmr([5, 6, 5, 7, 6, 5, 6]), title="Weekly complaints")
    html = chart._repr_html_()
    assert html.startswith("<figure") and 'alt="Weekly complaints: no special-cause signals' in html
    assert "<figcaption" in html and "Weekly complaints: no special-cause signals" in html
    assert 'src="data:image/png;base64,' in html
    assert figure_html(chart.figure, 'A "quoted" caption').count('alt="A &quot;quoted&quot; caption"') == 1


def test_lines_use_okabe_ito_colours_and_markers():
    chart = control_chart(xmr([5, 6, 5, 7, 6, 5, 30]), title="x")
    ax = chart.figure.axes[0]
    okabe = {c.lower() for c in style.OKABE_ITO.values()}
    for line in ax.get_lines():
        assert to_hex(line.get_color()) in okabe
    value_line = [l for l in ax.get_lines() if l.get_label() == "Value"][0]
    signal = [l for l in ax.get_lines() if l.get_label() == "Special-cause signal"][0]
    assert value_line.get_marker() == "o" and signal.get_marker() == "X"  # not colour alone
    assert [l.get_linestyle() for l in ax.get_lines() if "limit" in l.get_label().lower()] == ["--", "--"]


def test_pareto_chart_hatches_the_rest():
    chart = pareto_chart(pareto({"a": 80, "b": 15, "c": 5}))
    hatches = [p.get_hatch() for p in chart.figure.axes[0].patches]
    assert hatches[0] in (None, "") and hatches[-1] == "//"


def make_notebook(folder: Path) -> Path:
    nb = new_notebook(cells=[
        new_markdown_cell("# My project report\n\nIntroduction in words."),
        new_code_cell("from course.analysis import xmr, control_chart, show\n"
                      "SECRET_CODE_MARKER = 1\n"
                      "show(control_chart(xmr([5, 6, 5, 7, 6, 5, 30]), title='Weekly complaints'))"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "project.ipynb"
    nbformat.write(nb, path)
    return path


def test_export_report_html_without_code(tmp_path):
    path = make_notebook(tmp_path)
    files = export_report(path, tmp_path / "report", pdf=False)
    html = files.html.read_text(encoding="utf-8")
    assert "SECRET_CODE_MARKER" not in html and "from course.analysis" not in html
    assert "My project report" in html
    assert "<figcaption" in html and "Weekly complaints: 1 special-cause signal(s), the biggest" in html and "rule 1" in html
    assert files.pdf is None
    assert nbformat.read(path, as_version=4).cells[1].outputs == []  # the learner's file is untouched


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed: PDF export is skipped")
def test_export_report_pdf_with_chromium(tmp_path):
    files = export_report(make_notebook(tmp_path), tmp_path / "report", pdf=True)
    assert files.pdf is not None and files.pdf.read_bytes().startswith(b"%PDF")


def test_export_report_missing_notebook(tmp_path):
    from course.analysis import AnalysisError

    with pytest.raises(AnalysisError, match="there is no notebook at"):
        export_report(tmp_path / "nope.ipynb", tmp_path)


def test_results_render_as_html_tables():
    html = kpi_chart.__module__ and xmr([1, 2, 3, 2, 1])._repr_html_()
    assert "<caption" in html and "centre" in html and isinstance(control_chart(xmr([1, 2, 3])), Chart)
