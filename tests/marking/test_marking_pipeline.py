"""A Level 4 written assignment end to end, through nbgrader's own commands and the marking app.

generate_assignment → release_assignment → learners fetch and write their answers (the widget
API, and one in Chromium via Voila) → submit → collect → autograde (answers copied from each
record into nbgrader's manually graded cells) → the assessors mark criterion by criterion (the
module API, and one criterion in the marking app in Chromium) → a sample is second-marked and
disagreements resolved → generate_feedback → export. One run (module fixture) feeds every test.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.config import Settings
from course.content import load_course
from course.marking.app import MarkingApp
from course.marking.book import MarkingBook, MarkingError
from course.marking.settings import MarkingSettings
from course.notebook import open_unit
from course.record import RECORD_FILE, read_record
from course.serve.server import voila_args, voila_env
from tests.browser import axe_violations, chromium, free_port, stop, wait_until_serving
from tests.conftest import REPO
from tests.grading.course_copy import CourseCopy, make_copy, record_key
from tests.marking.app import marking_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]
UNIT = "managing-risk"
TASKS = ["mr-t1", "mr-t2", "mr-t3", "mr-t4"]
# criteria in each task, and all of them (one mark each), read from the unit as it is written
CRITERIA = {t.id: [c for c in t.criteria] for t in load_course(REPO, with_banks=False).units[UNIT].assignment.tasks}
COUNT = {t: len(c) for t, c in CRITERIA.items()}
MAX_MARKS = sum(COUNT.values())
LAST_T1 = CRITERIA["mr-t1"][-1]   # the criterion PARTIAL and BROWSER have not yet met in task 1


def all_but_last(task: str) -> list[bool]:
    return [True] * (COUNT[task] - 1) + [False]


STRONG, COPIER, PARTIAL, BROWSER = "learner-strong", "learner-copier", "learner-partial", "learner-browser"
ASSESSOR_A, ASSESSOR_B, IQA = "assessor-a", "assessor-b", "iqa-lead"
# learner → the tasks they write through the widget API. PARTIAL works in plain JupyterLab (a
# record sealed with the public key) and then edits their task 2 answer in the record by hand.
WRITES = {STRONG: TASKS, COPIER: TASKS, PARTIAL: ["mr-t1", "mr-t2"]}
# learner → task → criterion decisions in order (True met); a missing task is all not yet met
PLAN = {
    STRONG: {t: [True] * COUNT[t] for t in TASKS},
    COPIER: {"mr-t1": [True] * COUNT["mr-t1"], "mr-t2": all_but_last("mr-t2"), "mr-t3": [True] * COUNT["mr-t3"],
             "mr-t4": all_but_last("mr-t4")},
    PARTIAL: {"mr-t1": all_but_last("mr-t1")},
    BROWSER: {"mr-t1": all_but_last("mr-t1")},
}
FIRST_MARKER = {STRONG: ASSESSOR_A, COPIER: ASSESSOR_A, PARTIAL: ASSESSOR_A, BROWSER: ASSESSOR_B}
BANK_COMMENT = "Give an example from your own team to show this."
SECOND_ONLY = "Second marker's working comment"
INTERNAL = "Agreed at standardisation meeting"
FINAL = "Final decision after second marking."
BROWSER_TEXT = ("A risk is an uncertain event that would affect our objectives if it happened, such as "
                "staff shortages in the summer. An issue has already happened, such as this morning's "
                "video hearing outage, and we manage it now.")
VOCABULARY = ("backlog hearing listing clerk tribunal casework appeal deadline rota absence system outage "
              "owner control review score impact likelihood register escalate appetite tolerance manager "
              "team counter passport office queue complaint audit assurance board budget supplier contract "
              "training guidance check sample error data breach security laptop printer courier post "
              "claimant customer adviser target standard weekly monthly quarterly forecast demand peak "
              "summer winter spring overtime agency recruitment induction mentor feedback meeting minutes").split()


def essay(learner: str, task: str, words: int = 140) -> str:
    """Words only this learner uses for this task (so no two answers share passages by chance)."""
    rng = random.Random(f"{learner}/{task}")
    sentences = [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(9, 16))).capitalize() + "."
                 for _ in range(words // 12)]
    return f"{' '.join(sentences[:5])}\n\n{' '.join(sentences[5:])}"


def copied(text: str) -> str:
    """A near copy: the same answer with a few words changed."""
    words = text.split(" ")
    for i in range(7, len(words), 25):
        words[i] = "however"
    return " ".join(words)


@dataclass
class Run:
    course: CourseCopy
    book: MarkingBook
    answers: dict[tuple[str, str], str] = field(default_factory=dict)
    sample: dict[str, str] = field(default_factory=dict)      # sampled learner → first marker
    resolved_flip: str = ""                                     # the learner whose final mark changed
    grades_csv: list[dict] = field(default_factory=list)
    axe: dict[str, list] = field(default_factory=dict)
    browser_saved_before_blur: bool = False
    app_status: str = ""
    app_views: dict[str, dict] = field(default_factory=dict)
    criterion_shown: dict[str, str] = field(default_factory=dict)
    marks_shown: str = ""




def write_answers(run: Run) -> None:
    course = run.course
    for learner, tasks in WRITES.items():
        keyed = learner != PARTIAL
        with record_key(course.key_for(learner) if keyed else None):
            unit = open_unit(course.home(learner) / UNIT, learner)
            for task in tasks:
                text = essay(learner, task)
                if learner == COPIER and task == "mr-t2":
                    text = copied(run.answers[(STRONG, "mr-t2")])
                widget = unit.task(task)
                widget.answer(text[: len(text) // 2])   # saved as they type: a draft, then the rest
                widget.answer(text)
                run.answers[(learner, task)] = text
    path = course.home(PARTIAL) / UNIT / RECORD_FILE
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    for obj in lines:
        if obj.get("item") == "mr-t2" and obj.get("kind") == "answer":
            obj["response"] = "An answer pasted in afterwards."
    path.write_text("\n".join(json.dumps(x, sort_keys=True) for x in lines) + "\n")


def write_in_browser(run: Run) -> None:
    """BROWSER writes task 1 in the unit app served by Voila, as `odp serve` serves it."""
    course = run.course
    settings = Settings(content_root=course.root, data_dir=course.data, learner=BROWSER, port=free_port())
    env = dict(voila_env(settings), PATH=course.env["PATH"])
    proc = subprocess.Popen(voila_args(settings, course.home(BROWSER)), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{settings.port}"
    try:
        wait_until_serving(base + "/voila/tree", proc)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
            page.goto(f"{base}/voila/render/{UNIT}/{UNIT}.ipynb")
            box = page.locator("#odp-q-mr-t1 textarea")
            box.wait_for(timeout=90_000)
            box.fill(BROWSER_TEXT)
            count = page.locator("#odp-q-mr-t1 .odp-count")
            count.get_by_text(f"You have {len(BROWSER_TEXT.split())} words. Write at least 400.").wait_for()
            # saved while the box still has focus (debounced), not only when the learner leaves it
            page.locator("#odp-q-mr-t1 .odp-saved").get_by_text("Saved at").wait_for(timeout=20_000)
            run.browser_saved_before_blur = page.evaluate("document.activeElement.tagName") == "TEXTAREA"
            run.axe["unit app"] = axe_violations(page)
    finally:
        stop(proc)
    run.answers[(BROWSER, "mr-t1")] = BROWSER_TEXT


def comment_for(learner: str, task: str, n: int, met: bool) -> str:
    return f"{'Well done' if met else 'Not yet'}: {learner} criterion {n} of {task}."


def first_marking(run: Run, skip: tuple[str, str, str] | None = None) -> None:
    rubric = run.book.rubric(UNIT)
    for learner, plan in PLAN.items():
        for task in rubric.tasks:
            decisions = plan.get(task.id, [False] * len(task.criteria))
            for c, met in zip(task.criteria, decisions):
                if (learner, task.id, c.id) == skip:
                    continue
                run.book.mark(UNIT, learner, task.id, c.id, met=met, comment=comment_for(learner, task.id, c.number, met),
                              marker=FIRST_MARKER[learner])
    # a change of mind, kept in the audit trail (and changed back: see mark_in_browser)
    change_of_mind(run, met=True)


def change_of_mind(run: Run, met: bool) -> None:
    comment = "Now met after a second read." if met else comment_for(PARTIAL, "mr-t1", COUNT["mr-t1"], False)
    run.book.mark(UNIT, PARTIAL, "mr-t1", LAST_T1.id, met=met, comment=comment, marker=ASSESSOR_A)


def mark_in_browser(run: Run) -> None:
    """ASSESSOR_B marks BROWSER's task 1 criterion 1 in the marking app, keyboard first. The app
    runs as `odp mark serve` runs it, with a preheated kernel: assessor A's last change of mind
    is saved only once that kernel waits for its page, which must show it (nothing stale)."""
    with marking_app(run.course, ASSESSOR_B) as app:
        app.wait_for_pool()
        change_of_mind(run, met=False)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
            page.goto(app.base)
            page.locator(".mk table").wait_for(timeout=90_000)
            row = page.locator(".mk table tbody tr", has=page.get_by_role("rowheader", name=PARTIAL, exact=True))
            run.marks_shown = row.locator("td").nth(2).inner_text()   # marker, progress, marks
            run.axe["marking app, submissions"] = axe_violations(page)
            page.get_by_role("button", name=f"Mark {BROWSER}").click()
            page.wait_for_function("document.activeElement && document.activeElement.id === 'mk-heading'")
            prefix = "#mk-mr-t1-mr-t1-c1"
            run.criterion_shown = {"legend": page.locator(f"{prefix} legend").first.inner_text(),
                                   "outcome": page.locator(f"{prefix} .mk-outcome").inner_text(),
                                   "described by": page.get_attribute(prefix, "aria-describedby")}
            page.focus(f"{prefix}-met")
            page.keyboard.press("Space")
            page.select_option(f"{prefix}-bank", BANK_COMMENT)   # a comment from the bank
            page.focus(f"{prefix}-save")
            page.keyboard.press("Enter")
            status = page.locator(".mk [role=status]")
            status.get_by_text("Saved task 1 criterion 1: met").wait_for(timeout=30_000)
            run.app_status = status.inner_text()
            run.axe["marking app, submission"] = axe_violations(page)


def second_decisions(book: MarkingBook, learner: str) -> list[tuple[str, str, bool]]:
    """The second marker agrees with the final marks except on task 1, criterion 1."""
    final = book.final(UNIT, learner)
    return [(t, c, final[(t, c)].met != ((t, c) == ("mr-t1", "mr-t1-c1"))) for t, c in book.rubric(UNIT).keys()]


def second_marking(run: Run) -> None:
    """IQA second-marks each assessor's sample: assessor A's through the module API (the second
    marker is right), assessor B's through the app's actions, as the page sends them (the
    assessor is right)."""
    book = run.book
    with pytest.raises(MarkingError, match="not in the sample"):
        book.mark(UNIT, STRONG, "mr-t1", "mr-t1-c1", met=True, marker=IQA, role="second")
    entries = book.draw_sample(UNIT, rate=0.2, minimum=1, drawn_by=IQA, seed=8)
    run.sample = {e.learner: e.first_marker for e in entries}
    for learner, first in run.sample.items():
        with pytest.raises(MarkingError, match="own marking"):
            book.mark(UNIT, learner, "mr-t1", "mr-t1-c1", met=True, marker=first, role="second")
        if first == ASSESSOR_B:
            continue
        for task, criterion, met in second_decisions(book, learner):
            book.mark(UNIT, learner, task, criterion, met=met, comment=SECOND_ONLY, marker=IQA, role="second")
        with pytest.raises(MarkingError, match="assigned to 'iqa-lead'"):
            book.mark(UNIT, learner, "mr-t1", "mr-t1-c1", met=True, marker="someone-else", role="second")
        [d] = book.disagreements(UNIT, learner)
        book.resolve(UNIT, learner, d.task, d.criterion, met=d.second.met, comment=FINAL, note=INTERNAL, resolver=IQA)
        run.resolved_flip = learner

    app = MarkingApp(book, MarkingSettings(course_dir=run.course.autograder, assessor=IQA))
    run.app_views["list"] = app.widget.view
    app.handle({"action": "open", "learner": BROWSER, "mode": "second"})
    run.app_views["blind"] = app.widget.view
    app.handle({"action": "mark", "task": "mr-t1", "criterion": "mr-t1-c1", "comment": "no decision"})
    run.app_views["no decision"] = app.widget.view
    for task, criterion, met in second_decisions(book, BROWSER):
        app.handle({"action": "mark", "task": task, "criterion": criterion, "met": met, "comment": SECOND_ONLY})
    run.app_views["disagreement"] = app.widget.view
    first = book.final(UNIT, BROWSER)[("mr-t1", "mr-t1-c1")]
    app.handle({"action": "resolve", "task": "mr-t1", "criterion": "mr-t1-c1", "met": first.met, "comment": FINAL,
                "note": INTERNAL})
    run.app_views["resolved"] = app.widget.view


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    course = make_copy(tmp_path_factory.mktemp("odp"))
    book = MarkingBook(course.autograder, course=load_course(course.root, with_banks=False),
                       settings=Settings(content_root=course.root, data_dir=course.data))
    r = Run(course, book)
    course.nbgrader("generate_assignment", UNIT)
    course.nbgrader("release_assignment", UNIT)
    course.for_each_learner("fetch_assignment", UNIT, [*PLAN])
    write_answers(r)
    # The others submit while BROWSER writes (nbgrader takes seconds to start).
    with ThreadPoolExecutor(1) as pool:
        submitted = pool.submit(course.for_each_learner, "submit", UNIT, [*WRITES])
        write_in_browser(r)
        submitted.result()
    course.learner_cmd("submit", UNIT, BROWSER)
    course.nbgrader("collect", UNIT)
    course.nbgrader("autograde", UNIT)

    book.save_comment(UNIT, "mr-t1", BANK_COMMENT, author=ASSESSOR_A)
    first_marking(r, skip=(BROWSER, "mr-t1", "mr-t1-c1"))
    mark_in_browser(r)
    second_marking(r)

    course.nbgrader("generate_feedback", UNIT)
    course.nbgrader("export")
    with open(course.autograder / "grades.csv", newline="") as f:
        r.grades_csv = [row for row in csv.DictReader(f) if row["assignment"] == UNIT and row["timestamp"]]
    return r


def expected_total(run: Run, learner: str) -> int:
    total = sum(sum(d) for d in PLAN[learner].values())
    if learner == run.resolved_flip:
        total += -1 if PLAN[learner]["mr-t1"][0] else 1
    return total


def feedback_html(run: Run, learner: str) -> str:
    return next((run.course.autograder / "feedback" / learner / UNIT).glob("*.html")).read_text()


def autograded_cells(run: Run, learner: str) -> dict[str, str]:
    nb = nbformat.read(run.course.autograder / "autograded" / learner / UNIT / f"{UNIT}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def test_export_has_the_expected_marks(run):
    got = {row["student_id"]: float(row["score"]) for row in run.grades_csv}
    assert got == {learner: float(expected_total(run, learner)) for learner in PLAN}
    assert {float(row["max_score"]) for row in run.grades_csv} == {float(MAX_MARKS)}
    outcome = run.book.outcome(UNIT, STRONG)
    assert outcome.complete and outcome.passed == (run.resolved_flip != STRONG)


def test_assessor_sees_every_answer_in_full_in_nbgrader(run):
    cells = autograded_cells(run, STRONG)
    for task in TASKS:
        shown = cells[f"task-{task}"].replace("  \n", " ").replace("\n\n", " ").replace("\\", "")
        assert " ".join(run.answers[(STRONG, task)].split()) in " ".join(shown.split())
    browser = autograded_cells(run, BROWSER)
    assert "such as staff shortages in the summer" in browser["task-mr-t1"]
    with Gradebook(run.book.db_url) as gb:
        sub = gb.find_submission_notebook(UNIT, UNIT, BROWSER)
        grades = {g.name: g for g in sub.grades}
        # a task with no answer was scored 0 by nbgrader ("No response."), then marked
        assert grades["task-mr-t2"].auto_score == 0 and grades["task-mr-t2"].manual_score == 0
        assert grades["task-mr-t1"].auto_score is None   # an answer: needed manual grading


def test_the_widget_saved_as_the_learner_typed(run):
    assert run.browser_saved_before_blur
    _, entries = read_record(run.course.autograder / "submitted" / COPIER / UNIT / RECORD_FILE)
    drafts = [e for e in entries if e.item == "mr-t1" and e.kind == "answer"]
    assert len(drafts) == 2 and drafts[0].response != drafts[-1].response


def test_an_answer_edited_in_the_record_is_not_shown_and_the_submission_is_flagged(run):
    cells = autograded_cells(run, PARTIAL)
    assert "failed the record's tamper check" in cells["task-mr-t2"] and "pasted in afterwards" not in cells["task-mr-t2"]
    assert run.answers[(PARTIAL, "mr-t1")].split(".")[0] in cells["task-mr-t1"]   # the rest is still trusted
    status = {s.learner: s for s in run.book.submissions(UNIT)}
    assert status[PARTIAL].flagged and not status[STRONG].flagged
    assert run.book.answers(UNIT, PARTIAL)["mr-t2"].problem


def test_the_marking_apps_preheated_page_shows_the_gradebook_as_it_is_when_opened(run):
    # PARTIAL's last criterion of task 1 was changed back to not yet met after the kernel heated
    assert run.marks_shown == f"{COUNT['mr-t1'] - 1} of {MAX_MARKS}"


def test_marking_app_marked_a_criterion_in_the_browser(run):
    decision = run.book.decisions(UNIT, BROWSER)[("mr-t1", "mr-t1-c1")]
    assert decision.met and decision.marker == ASSESSOR_B and BANK_COMMENT in decision.comment
    assert f"Total: {COUNT['mr-t1'] - 1} of {MAX_MARKS} marks" in run.app_status
    first = CRITERIA["mr-t1"][0]   # the criterion shows its assessment criterion and learning outcome
    assert run.criterion_shown["legend"] == f"Criterion 1 (1 mark, AC {first.ac}): {first.text}"
    assert run.criterion_shown["outcome"].startswith(f"Learning outcome {first.ac.split('.')[0]}: Understand")
    assert run.criterion_shown["described by"].split() == ["mk-mr-t1-mr-t1-c1-lo", "mk-mr-t1-mr-t1-c1-meets"]
    assert {k: [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] for k, found in run.axe.items()} \
        == {"unit app": [], "marking app, submissions": [], "marking app, submission": []}


def test_each_assessors_sample_was_second_marked_and_resolved(run):
    assert sorted(run.sample.values()) == [ASSESSOR_A, ASSESSOR_B]   # 20% (rounded up), at least 1 each
    assert run.sample[BROWSER] == ASSESSOR_B
    assert run.resolved_flip in PLAN and FIRST_MARKER[run.resolved_flip] == ASSESSOR_A
    status = {s.learner: s for s in run.book.submissions(UNIT)}
    for learner in run.sample:
        s = status[learner]
        assert s.sampled and s.second_complete and s.disagreements == 1 and s.unresolved == 0
    assert sum(s.sampled for s in status.values()) == 2
    flipped = run.book.final(UNIT, run.resolved_flip)[("mr-t1", "mr-t1-c1")]
    assert flipped.marker == IQA and flipped.met != PLAN[run.resolved_flip]["mr-t1"][0]


def test_audit_trail_has_every_mark_and_change(run):
    audit = run.book.audit(UNIT)
    firsts = [a for a in audit if a.action == "first mark"]
    assert len(firsts) == len(PLAN) * MAX_MARKS + 2   # every criterion of every learner, plus the two changes
    assert all(a.who and a.at for a in audit)
    changes = [a for a in firsts if a.learner == PARTIAL and a.criterion == LAST_T1.id]
    assert [json.loads(a.after)["met"] for a in changes] == [False, True, False]
    assert json.loads(changes[1].before)["met"] is False and changes[0].before == ""
    assert len([a for a in audit if a.action == "second mark"]) == 2 * MAX_MARKS
    assert [a.who for a in audit if a.action == "resolution"] == [IQA, IQA]
    assert len([a for a in audit if a.action == "sampled for second marking"]) == 2
    scored = [a for a in audit if a.action == "gradebook task score" and a.learner == STRONG and a.task == "mr-t1"]
    assert json.loads(scored[-1].after)["manual_score"] == COUNT["mr-t1"] - (run.resolved_flip == STRONG)


def test_near_copy_is_flagged_with_the_passages_and_not_penalised(run):
    found = run.book.similar(UNIT)
    assert [(s.task, {s.learner, s.other}) for s in found] == [("mr-t2", {STRONG, COPIER})]
    assert found[0].percent >= 30 and found[0].passages
    assert found[0].passages[0] in " ".join(run.answers[(COPIER, "mr-t2")].split())
    assert {row["student_id"]: float(row["score"]) for row in run.grades_csv}[COPIER] == expected_total(run, COPIER)


def test_feedback_shows_each_criterion_and_comment_and_nothing_else(run):
    html = feedback_html(run, PARTIAL)
    first = CRITERIA["mr-t1"][0]
    # Each criterion names its learning outcome and assessment criterion; the outcomes are listed.
    assert f"Criterion 1 (learning outcome {first.ac.split('.')[0]}, AC {first.ac}): {first.text}.</strong> Met." in html
    assert (f"Criterion {COUNT['mr-t1']} (learning outcome {LAST_T1.ac.split('.')[0]}, AC {LAST_T1.ac}): "
            f"{LAST_T1.text}.</strong> Not yet met.") in html
    assert "The learning outcomes" in html and "Learning outcome 5: Understand the difference between a risk" in html
    assert comment_for(PARTIAL, "mr-t1", COUNT["mr-t1"], False) in html
    assert "Now met after a second read" not in html    # a changed mark leaves no trace
    for learner in run.sample:
        other = feedback_html(run, learner)
        assert FINAL in other                          # the resolution's comment is the learner's
        assert SECOND_ONLY not in other and INTERNAL not in other
    for learner in PLAN:
        page = feedback_html(run, learner)
        for secret in (ASSESSOR_A, ASSESSOR_B, IQA, "another learner", "word sequences shared",
                       *[x for x in PLAN if x != learner]):
            assert secret not in page, (learner, secret)
    copier = feedback_html(run, COPIER)
    assert run.answers[(STRONG, "mr-t1")].split(".")[0] not in copier   # no other learner's answers


def test_second_marking_in_the_app_is_blind_until_done_then_shows_the_disagreement(run):
    rows = {r["learner"]: r for r in run.app_views["list"]["rows"]}
    assert [a["label"] for a in rows[BROWSER]["actions"]] == ["Mark", "Second mark"]
    assert [a["label"] for a in rows[STRONG]["actions"]] == ["Mark"] or STRONG in run.sample
    blind = run.app_views["blind"]["open"]
    assert blind["blind"] and blind["mode"] == "second"
    assert all(c["saved"] is None for t in blind["tasks"] for c in t["criteria"])   # A's marks hidden
    assert "choose met or not yet met" in run.app_views["no decision"]["error"]
    done = run.app_views["disagreement"]["open"]
    assert not done["blind"]
    [d] = [d for t in done["tasks"] for d in t["disagreements"]]
    assert (d["criterion"], d["first"]["marker"], d["second"]["marker"], d["resolution"]) == \
        ("mr-t1-c1", ASSESSOR_B, IQA, None)
    resolved = run.app_views["resolved"]
    assert resolved["announce"].startswith("Final decision recorded")
    [d] = [d for t in resolved["open"]["tasks"] for d in t["disagreements"]]
    assert d["resolution"]["marker"] == IQA
