"""The Level 7 project end to end with nbgrader's own commands and the marking path.

Three learners fetch the released workbook and work on it through the widgets' API: AMY writes
every task, fills in PESTLE, SWOT and the stakeholder map and submits her own data file; BEN does
the same but keeps his file in his department (fingerprint and summary tables only); CAL writes
task 1 and nothing else. They submit; the course collects and autogrades with real nbgrader. The
assessor's copy must show every saved analysis as a table and every chart, with no error cell.
The assessor marks each criterion (CAL's unanswered tasks in one action), a sample is
second-marked and the disagreement resolved, and each learner gets per-criterion feedback that
leads with the result and the rule. One run (module fixture) feeds every test.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest

from course.config import Settings
from course.content import load_course
from course.datasets import generate
from course.marking.app import MarkingApp
from course.marking.book import MarkingBook
from course.marking.settings import MarkingSettings
from course.notebook import open_unit
from course.widgets.strategy import analysis
from tests.grading.course_copy import make_copy, record_key

pytestmark = pytest.mark.slow
UNIT = "strategic-project"
AMY, BEN, CAL = "amy", "ben", "cal"
ASSESSOR, IQA = "assessor-a", "iqa-lead"
TASKS = ["smp-t1", "smp-t2", "smp-t3", "smp-t4"]
OWN_FILE = "our-debts.csv"


def essay(learner: str, task: str) -> str:
    return " ".join(f"{learner} {task} paragraph {n} about recovering legal aid debts." for n in range(60))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("odp7")
    course = make_copy(root)
    private = root / "department-only"
    old = os.environ.get("ODP_OWN_DATA_DIR")
    os.environ["ODP_OWN_DATA_DIR"] = str(private)
    try:
        course.nbgrader("generate_assignment", UNIT)
        course.nbgrader("release_assignment", UNIT)
        course.for_each_learner("fetch_assignment", UNIT, [AMY, BEN, CAL])
        own = generate("debt_recovery", rows=3_000, seed=7).to_csv(index=False).encode()
        for learner in (AMY, BEN, CAL):
            with record_key(course.key_for(learner)):
                session = open_unit(course.home(learner) / UNIT, learner)
                for task in TASKS if learner != CAL else TASKS[:1]:
                    session.task(task).answer(essay(learner, task))
                if learner == CAL:
                    continue
                analysis(session, "smp-pestle").add("political", f"{learner}: spending review cuts running costs by 5%", "high")
                analysis(session, "smp-swot").add("threats", f"{learner}: rising demand after a policy change")
                analysis(session, "smp-stakeholders").add(f"{learner}: regional operations director", "high", "low")
                session.activity("smp-whatif").calculate(
                    option=f"{learner}: text reminders", upfront_cost="120,000", annual_cost="5,000",
                    annual_benefit="45,000", years="5", discount_rate="3.5")
                session.use_own_file("debt_recovery", own, OWN_FILE, "file" if learner == AMY else "checksum")
        course.for_each_learner("submit", UNIT, [AMY, BEN, CAL])
        course.nbgrader("collect", UNIT)
        course.nbgrader("autograde", UNIT)
    finally:
        os.environ.pop("ODP_OWN_DATA_DIR", None)
        if old is not None:
            os.environ["ODP_OWN_DATA_DIR"] = old

    settings = Settings(content_root=course.root, data_dir=course.data)
    book = MarkingBook(course.autograder, course=load_course(course.root, with_banks=False), settings=settings)
    rubric = book.rubric(UNIT)
    for learner in (AMY, BEN):
        for task in rubric.tasks:
            for c in task.criteria:
                met = not (learner == BEN and c.id == "smp-t2-c1")
                book.mark(UNIT, learner, task.id, c.id, met=met, marker=ASSESSOR,
                          comment=f"{'Met' if met else 'Not yet met'}: {learner} {c.id}.")
    app = MarkingApp(book, MarkingSettings(course_dir=course.autograder, assessor=ASSESSOR))
    app.handle({"action": "open", "learner": CAL, "mode": "first"})
    for c in rubric.task("smp-t1").criteria:
        app.handle({"action": "mark", "task": "smp-t1", "criterion": c.id, "met": True, "comment": "Clear proposal."})
    app.handle({"action": "unanswered"})
    unanswered_view = app.widget.view
    [sampled] = book.draw_sample(UNIT, rate=0.2, minimum=1, drawn_by=IQA, seed=3)
    final = book.final(UNIT, sampled.learner)
    for task, criterion in rubric.keys():   # the second marker disagrees on one criterion
        met = final[(task, criterion)].met != (criterion == "smp-t1-c1")
        book.mark(UNIT, sampled.learner, task, criterion, met=met, marker=IQA, role="second",
                  comment="Second marker's working note")
    book.resolve(UNIT, sampled.learner, "smp-t1", "smp-t1-c1", met=final[("smp-t1", "smp-t1-c1")].met,
                 comment="Confirmed after second marking.", note="Agreed at standardisation", resolver=IQA)
    course.nbgrader("generate_feedback", UNIT)
    status = course.odp("mark", "status", UNIT)
    return course, book, unanswered_view, status, sampled.learner


def assessors_copy(course, learner: str) -> nbformat.NotebookNode:
    return nbformat.read(course.autograder / "autograded" / learner / UNIT / f"{UNIT}.ipynb", as_version=4)


def html_of(nb) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)


@pytest.mark.parametrize("learner", [AMY, BEN, CAL])
def test_assessors_copy_has_no_error_cell_and_every_chart(run, learner):
    nb = assessors_copy(run[0], learner)
    errors = [(c.get("id"), o.get("ename"), o.get("evalue")) for c in nb.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == []
    charts = re.findall(r"<figure.*?</figure>", html_of(nb), re.S)
    assert len(charts) == 7   # KPI, control chart, Pareto, benchmark, decomposition, forecast, options
    assert all(re.search(r'<img[^>]+src="data:image/png;base64,', f) for f in charts)


def test_assessor_sees_the_saved_analyses_as_tables(run):
    html = html_of(assessors_copy(run[0], AMY))
    assert html.count('class="odp-analysis-report"') == 3
    for text in ("amy: spending review cuts running costs by 5%", "amy: rising demand after a policy change",
                 "amy: regional operations director", "Keep satisfied"):
        assert text in html
    assert "nothing was saved" in html_of(assessors_copy(run[0], CAL))


def test_assessor_sees_the_what_if_appraisal_with_the_learners_figures(run):
    html = html_of(assessors_copy(run[0], AMY))
    assert html.count('class="odp odp-whatif-report"') == 1
    assert "amy: text reminders: net present value £" in html and "NPV is zero at" in html and "£120,000" in html


def test_own_file_is_in_the_submission_and_the_charts_come_from_it(run):
    course = run[0]
    assert (course.autograder / "submitted" / AMY / UNIT / "own-data" / OWN_FILE).is_file()
    html = html_of(assessors_copy(course, AMY))
    assert f"The charts below are drawn from {OWN_FILE} (3,000 rows)" in html
    assert "SHA-256 fingerprint" in html and "submitted with the workbook" in html


def test_a_file_kept_in_the_department_is_not_submitted_and_the_assessor_is_told(run):
    course = run[0]
    assert not list((course.autograder / "submitted" / BEN / UNIT).rglob(OWN_FILE))
    html = html_of(assessors_copy(course, BEN))
    assert "kept it in their department" in html and "SHA-256 fingerprint" in html
    assert "Summary of our-debts.csv" in html and "opened_date" in html


def test_written_answers_are_in_the_answer_cells(run):
    nb = assessors_copy(run[0], AMY)
    cells = {c.get("id"): c.source for c in nb.cells}
    for task in TASKS:
        assert f"{AMY} {task} paragraph 1 about" in cells[f"task-{task}"]


def test_unanswered_tasks_are_marked_not_yet_met_in_one_action(run):
    course, book, view = run[:3]
    final = book.final(UNIT, CAL)
    assert len(final) == book.rubric(UNIT).criteria
    assert all(not d.met for (t, _), d in final.items() if t != "smp-t1")
    assert "3 tasks with no answer marked not yet met" in view["announce"]
    assert book.outcome(UNIT, CAL).complete and not book.outcome(UNIT, CAL).passed


def test_the_marking_app_shows_each_criterions_outcome_and_assessment_criterion(run):
    [t1, t2, *_] = run[2]["open"]["tasks"]
    assert (t1["criteria"][0]["ac"], t2["criteria"][3]["ac"]) == ("AC 1.1", "AC 2.3")
    assert t2["criteria"][3]["outcome"].startswith("Learning outcome 2: Research and synthesise")


def test_pass_refer_with_second_marking_and_status(run):
    course, book, _, status, sampled = run
    assert book.outcome(UNIT, AMY).passed and not book.outcome(UNIT, BEN).passed
    assert book.rubric(UNIT).result_label(book.outcome(UNIT, BEN)) == "Refer"
    subs = {s.learner: s for s in book.submissions(UNIT)}
    assert subs[sampled].sampled and subs[sampled].second_complete and subs[sampled].unresolved == 0
    assert subs[sampled].disagreements == 1
    out = status.stdout
    assert "pass rule: every criterion of every task must be met" in out
    assert re.search(r"amy .*pass", out) and re.search(r"ben .*refer", out)


def test_learner_feedback_leads_with_the_result_and_the_rule(run):
    course = run[0]
    html = next((course.autograder / "feedback" / BEN / UNIT).glob("*.html")).read_text()
    body = html[html.index("<body"):]
    result = body.index("Refer: every criterion must be met to pass")
    first_criterion = body.index("AC 1.1")
    assert result < first_criterion
    assert "Not yet met: ben smp-t2-c1." in body and "Met: ben smp-t1-c1." in body
    for machinery in ("show_element", "unit.show_task", "open_unit", "Key concepts", "odp-criteria",
                      "Second marker's working note", ASSESSOR, IQA):
        assert machinery not in body, machinery
    amy = next((course.autograder / "feedback" / AMY / UNIT).glob("*.html")).read_text()
    assert "Pass: you met every criterion" in amy
    sampled = next((course.autograder / "feedback" / run[4] / UNIT).glob("*.html")).read_text()
    assert "Confirmed after second marking." in sampled and "Agreed at standardisation" not in sampled
