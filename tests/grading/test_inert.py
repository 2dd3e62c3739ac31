"""What the assessor renders is inert: a hostile Level 4 submission (markup in its own cells, in a
written answer, and HTML and JavaScript its code displays), graded by `odp grade`, shown as
nbgrader's formgrader shows it and as its feedback, in Chromium: no script runs, the markup is
shown as text; axe finds nothing on the feedback page beyond what nbgrader's own feedback
template has on every page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from course.notebook import open_unit
from tests.browser import axe_violations, chromium
from tests.grading.course_copy import make_copy, record_key

pytestmark = [pytest.mark.slow, pytest.mark.browser]
UNIT = "managing-risk"
LEARNER = "learner-hostile"
MARKUP = ('<img src=x onerror="window.__pwned=1">\n\n<script>window.__pwned=1</script>\n\n'
          '<a href="javascript:window.__pwned=1">my link</a> <b onmouseover="window.__pwned=1">bold</b>')
ANSWER = ('<img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script> A risk is an '
          'uncertain event that would affect our objectives if it happened.')
DISPLAYS = ("from IPython.display import HTML, Javascript, display\n"
            "display(HTML('<img src=x onerror=\"window.__pwned=1\"><p>shown</p>'))\n"
            "display(Javascript('window.__pwned=1'))")
TIMESTAMP = "2026-11-23 10:00:00.000000 UTC"
NBGRADER_FEEDBACK_TEMPLATE = {"color-contrast", "html-has-lang", "link-in-text-block", "region"}


def formgrade_html(autograded: Path) -> str:
    """The page nbgrader's formgrader serves for this notebook (its own exporter and template)."""
    from nbgrader.server_extensions.formgrader import handlers

    cfg = Config()
    cfg.HTMLExporter.template_name = "formgrade"
    cfg.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": UNIT, "notebook_id": UNIT, "submission_id": "x", "index": 0, "total": 1,
                 "base_url": "", "student": LEARNER, "last_name": None, "first_name": None,
                 "notebook_path": f"/autograded/{LEARNER}/{UNIT}/{UNIT}.ipynb"}
    html, _ = HTMLExporter(config=cfg).from_filename(str(autograded), resources=resources)
    return html


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("odp")
    course = make_copy(root)
    course.nbgrader("generate_assignment", UNIT)
    folder = course.autograder / "submitted" / LEARNER / UNIT
    shutil.copytree(course.autograder / "release" / UNIT, folder)
    (folder / "timestamp.txt").write_text(TIMESTAMP)
    with record_key(course.key_for(LEARNER)):
        open_unit(folder, LEARNER).task("mr-t1").answer(ANSWER)
    nb_path = folder / f"{UNIT}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(MARKUP))
    nb.cells.insert(2, nbformat.v4.new_raw_cell(MARKUP, metadata={"format": "text/html"}))
    nb.cells.insert(3, nbformat.v4.new_code_cell(DISPLAYS))
    nbformat.write(nb, nb_path)
    graded = subprocess.run([str(Path(sys.executable).parent / "odp"), "grade", UNIT, "--course-dir",
                             str(course.autograder), "--workers", "1"], cwd=course.root, env=course.env,
                            capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0 and "1 graded" in graded.stdout, graded.stdout + graded.stderr
    course.nbgrader("generate_feedback", UNIT)
    autograded = course.autograder / "autograded" / LEARNER / UNIT / f"{UNIT}.ipynb"
    formgrade = root / "formgrade.html"
    formgrade.write_text(formgrade_html(autograded), encoding="utf-8")
    feedback = next((course.autograder / "feedback" / LEARNER / UNIT).glob("*.html"))
    return {"formgrade": formgrade, "feedback": feedback}


@pytest.mark.parametrize("which", ["formgrade", "feedback"])
def test_no_learner_script_runs_where_the_assessor_or_learner_reads_it(pages, which):
    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.goto(pages[which].as_uri())
        page.wait_for_load_state("load")
        page.mouse.move(5, 5)
        for bold in page.locator("b").all():  # a handler on hover would fire now
            bold.hover(timeout=2000)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img[onerror], script:text('__pwned'), a[href^='javascript']").count() == 0
        text = page.inner_text("body")
        if which == "formgrade":  # the assessor sees what was written, as text
            assert '<img src=x onerror="window.__pwned=1">' in text
        else:  # the learner's feedback shows her answer, as text
            assert "A risk is an uncertain event" in text
        if which == "feedback":
            # nbgrader's own feedback template has these (no lang, no landmarks, its links' colour),
            # on every learner's page; nothing of the learner's may add to them.
            violations = axe_violations(page)
            assert {v["id"] for v in violations} <= NBGRADER_FEEDBACK_TEMPLATE, violations
            assert not [n for v in violations for n in v["nodes"] if "__pwned" in n["html"] or "risk is" in n["html"]]
