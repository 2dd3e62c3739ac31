"""Rules that span fields or files. Each yields Problems located at the field concerned."""

from __future__ import annotations

from collections import Counter
from typing import Iterator, Sequence

from course.content.model import ItemBank, Question, Scenario, Unit
from course.content.problems import Loc, Problem, format_loc, line_of
from course.content.loader import Loaded


class Reporter:
    """Builds Problems for one file, looking up the line of each location."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded

    def __call__(self, loc: Loc, message: str) -> Problem:
        return Problem(self.loaded.file, format_loc(loc), message, line_of(self.loaded.root, loc))


def duplicates(ids: Sequence[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def check_question(q: Question, loc: list, report: Reporter, *, formative: bool) -> Iterator[Problem]:
    if q.is_choice:
        ids = [o.id for o in q.options]
        if len(q.options) < 2:
            yield report([*loc, "options"], "at least 2 are required for a choice question")
        for dup in duplicates(ids):
            yield report([*loc, "options"], f"duplicate option id {dup!r}")
        if not q.correct:
            yield report([*loc, "correct"], "is required: name the correct option(s)")
        for cid in q.correct:
            if cid not in ids:
                yield report(
                    [*loc, "correct"],
                    f"correct option {cid!r} does not exist; the options are {', '.join(ids)}",
                )
        if q.type in ("single", "true_false") and len(q.correct) > 1:
            yield report([*loc, "correct"], f"a {q.type} question has exactly one correct option")
        if q.type == "true_false" and sorted(ids) != ["false", "true"]:
            yield report([*loc, "options"], "a true_false question has options with ids 'true' and 'false'")
        if formative:
            for i, opt in enumerate(q.options):
                if opt.id in q.correct:
                    continue
                if not opt.feedback:
                    yield report([*loc, "options", i, "feedback"], "is required on a wrong option")
                if not opt.misconception:
                    yield report(
                        [*loc, "options", i, "misconception"],
                        "is required on a wrong option: name the mistaken belief it targets",
                    )
    elif q.type == "numeric" and q.answer is None:
        yield report([*loc, "answer"], "is required for a numeric question")
    elif q.type == "text" and not q.accept:
        yield report([*loc, "accept"], "is required for a text question: list the accepted answers")


def check_scenario(s: Scenario, loc: list, report: Reporter) -> Iterator[Problem]:
    ids = [step.id for step in s.steps]
    for dup in duplicates(ids):
        yield report([*loc, "steps"], f"duplicate step id {dup!r}")
    if s.start not in ids:
        yield report([*loc, "start"], f"step {s.start!r} does not exist")
    for i, step in enumerate(s.steps):
        here = [*loc, "steps", i]
        if step.choices and step.outcome:
            yield report(here, "a step has either choices or an outcome (an ending), not both")
        if not step.choices and not step.outcome:
            yield report(here, "a step needs choices, or an outcome if it ends the scenario")
        for j, choice in enumerate(step.choices):
            if choice.next not in ids:
                yield report(
                    [*here, "choices", j, "next"], f"links to step {choice.next!r}, which does not exist"
                )
    # Every step should be reachable from the start, or the author has lost a branch.
    links = {step.id: [c.next for c in step.choices] for step in s.steps}
    seen, todo = set(), [s.start]
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in links:
            continue
        seen.add(sid)
        todo.extend(links[sid])
    for i, step in enumerate(s.steps):
        if s.start in ids and step.id not in seen:
            yield report([*loc, "steps", i], f"step {step.id!r} cannot be reached from the start")
    if not any(step.outcome for step in s.steps):
        yield report([*loc, "steps"], "no step ends the scenario: give at least one step an outcome")


def check_unit(unit: Unit, loaded: Loaded) -> Iterator[Problem]:
    report = Reporter(loaded)
    for dup in duplicates([e.id for e in unit.elements]):
        yield report(["elements"], f"duplicate element id {dup!r}")
    qids = [q.id for e in unit.elements for q in e.questions]
    for dup in duplicates(qids):
        yield report(["elements"], f"duplicate question id {dup!r}")
    sids = [s.id for e in unit.elements for s in e.scenarios]
    for dup in duplicates(sids):
        yield report(["elements"], f"duplicate scenario id {dup!r}")
    for dup in duplicates([a.id for a in unit.activities]):
        yield report(["activities"], f"duplicate activity id {dup!r}")
    named = {m.id for m in unit.misconceptions}
    for i, element in enumerate(unit.elements):
        for j, q in enumerate(element.questions):
            yield from check_question(q, ["elements", i, "questions", j], report, formative=True)
            for k, opt in enumerate(q.options):
                if named and opt.misconception and opt.misconception not in named:
                    yield report(["elements", i, "questions", j, "options", k, "misconception"],
                                 f"{opt.misconception!r} is not one of the unit's named misconceptions: add it to "
                                 "`misconceptions` or use one of their ids")
        for j, s in enumerate(element.scenarios):
            yield from check_scenario(s, ["elements", i, "scenarios", j], report)
    if unit.assessment == "assignment" and unit.assignment is None:
        yield report(["assignment"], "is required for a unit assessed by assignment")
    if unit.assignment:
        for dup in duplicates([t.id for t in unit.assignment.tasks]):
            yield report(["assignment", "tasks"], f"duplicate task id {dup!r}")
        for i, task in enumerate(unit.assignment.tasks):
            if task.min_words > task.max_words:
                yield report(["assignment", "tasks", i, "min_words"], "is more than max_words")
            for dup in duplicates([c.id for c in task.criteria]):
                yield report(["assignment", "tasks", i, "criteria"], f"duplicate criterion id {dup!r}")
        yield from check_analysis_cells(unit, report)
        yield from check_rubric(unit, report)
        yield from check_criteria_numbers(unit, report)


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


# Command verbs that ask for Level 4 to 6 judgement (explain why, weigh up, decide and defend),
# not recall ("state", "list", "describe").
COMMAND_VERBS = ("analyse", "assess", "evaluate", "justify", "explain", "compare", "apply", "develop")


def check_criteria_numbers(unit: Unit, report: Reporter) -> Iterator[Problem]:
    """``ac`` numbers a criterion to the unit's outcomes: outcome 1..n, each number used once;
    once one criterion is numbered, all are. At Levels 4 to 6 each criterion leads with a
    command verb, so one criterion is one judgement of the level's kind."""
    assert unit.assignment is not None
    outcomes = len(unit.outcomes)
    numbered = any(c.ac for t in unit.assignment.tasks for c in t.criteria)
    seen: dict[str, str] = {}
    for i, task in enumerate(unit.assignment.tasks):
        for j, c in enumerate(task.criteria):
            here = ["assignment", "tasks", i, "criteria", j]
            if numbered and not c.ac:
                yield report([*here, "ac"], "is required: the unit's other criteria are numbered to their learning "
                                            "outcome (e.g. ac: \"2.1\")")
            if c.ac:
                lo = int(c.ac.split(".")[0])
                if lo > outcomes:
                    yield report([*here, "ac"], f"{c.ac!r} names learning outcome {lo}, but the unit has {outcomes}")
                if c.ac in seen:
                    yield report([*here, "ac"], f"{c.ac!r} is also criterion {seen[c.ac]!r}: each number is used once")
                seen.setdefault(c.ac, c.id)
            if 4 <= unit.level <= 6 and (_words(c.text) or [""])[0] not in COMMAND_VERBS:
                yield report([*here, "text"], f"starts with {(_words(c.text) or [''])[0]!r}: a Level {unit.level} "
                                              f"criterion leads with a command verb ({', '.join(COMMAND_VERBS)})")


def check_rubric(unit: Unit, report: Reporter) -> Iterator[Problem]:
    """Each task's criteria are the rubric an assessor marks against (course.marking.rubric):
    every criterion needs its own id, wording and a description of what meets it."""
    assert unit.assignment is not None
    if unit.assessment == "online_test":
        yield report(["assignment"], "a unit assessed by online test has no assignment: set assessment to "
                                     "assignment or project, or remove the assignment")
    seen: dict[str, str] = {}
    for i, task in enumerate(unit.assignment.tasks):
        texts = [" ".join(_words(c.text)) for c in task.criteria]
        for dup in duplicates(texts):
            yield report(["assignment", "tasks", i, "criteria"], f"two criteria say the same thing ({dup!r})")
        for j, c in enumerate(task.criteria):
            here = ["assignment", "tasks", i, "criteria", j]
            if c.id in seen and seen[c.id] != task.id:
                yield report([*here, "id"], f"criterion id {c.id!r} is also used in task {seen[c.id]!r}: "
                                            "criterion ids must be unique in the unit (marks are kept by id)")
            seen.setdefault(c.id, task.id)
            if _words(c.meets) == _words(c.text):
                yield report([*here, "meets"], "repeats the criterion: say what an answer that meets it looks like")
            elif len(_words(c.meets)) < 5:
                yield report([*here, "meets"], "is too short to mark against: say what an answer that meets "
                                               "the criterion looks like (at least 5 words)")


def check_analysis_cells(unit: Unit, report: Reporter) -> Iterator[Problem]:
    """A task's workbook cells: ids unique in the unit, and an activity cell names an activity."""
    assert unit.assignment is not None
    activities = {a.id for a in unit.activities}
    for name in ("title_activity", "summary_activity"):
        named = getattr(unit.assignment, name)
        if named and named not in activities:
            yield report(["assignment", name], f"names activity {named!r}, which the unit does not have")
    seen: set[str] = set()
    for i, task in enumerate(unit.assignment.tasks):
        for j, cell in enumerate(task.analysis):
            here = ["assignment", "tasks", i, "analysis", j]
            if cell.id in seen:
                yield report([*here, "id"], f"duplicate workbook cell id {cell.id!r}")
            seen.add(cell.id)
            if cell.kind == "activity" and cell.text not in activities:
                yield report([*here, "text"], f"names activity {cell.text!r}, which the unit does not have; "
                                              f"its activities are {', '.join(sorted(activities)) or 'none'}")


def check_notebook_matches(expected: list, cells: list, notebook: str, folder: str) -> Iterator[Problem]:
    """The committed notebook is what ``odp scaffold`` writes from unit.yaml, cell for cell, so an
    edit to either one alone (a lost answer cell, a changed brief) is caught."""
    def shape(cell) -> tuple:
        return (cell.get("id"), cell.cell_type, cell.source, cell.metadata.get("nbgrader"))

    have = {cell.get("id") for cell in cells}
    fix = f"run `odp scaffold {folder}` (edit unit.yaml, not the notebook)"
    lost = [c for c in expected if c.get("id") not in have]
    for cell in lost:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            yield Problem(notebook, "", f"has lost its graded cell {cell.get('id')!r}: {fix}")
    if lost and len(lost) == len(expected):
        yield Problem(notebook, "", f"was not made by `odp scaffold` from unit.yaml: {fix}")
        return
    if [shape(c) for c in cells] != [shape(c) for c in expected]:
        for n, (a, b) in enumerate(zip(cells, expected), 1):
            if shape(a) != shape(b):
                yield Problem(notebook, "", f"does not match unit.yaml from cell {n} ({b.get('id')!r}): {fix}")
                return
        yield Problem(notebook, "", f"has {len(cells)} cells but unit.yaml makes {len(expected)}: {fix}")


def check_bank(bank: ItemBank, loaded: Loaded) -> Iterator[Problem]:
    report = Reporter(loaded)
    for dup in duplicates([q.id for q in bank.items]):
        yield report(["items"], f"duplicate item id {dup!r}")
    need = 3 * bank.items_per_test
    if len(bank.items) < need:
        yield report(
            ["items"],
            f"at least {need} are required (3 times items_per_test, so resits see different items)",
        )
    for i, q in enumerate(bank.items):
        yield from check_question(q, ["items", i], report, formative=False)


def check_assignment_notebook(unit: Unit, cells: list, notebook: str) -> Iterator[Problem]:
    """A unit assessed by assignment is an nbgrader source assignment: after each task's writing
    box, a manually graded answer cell ``task-<id>`` worth the task's marks
    (course.content.scaffold), which the grader fills from the learner's record."""
    if unit.assignment is None:
        return
    graded = {c.metadata["nbgrader"].get("grade_id"): c for c in cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    for task in unit.assignment.tasks:
        cell = graded.get(f"task-{task.id}")
        marks = sum(c.marks for c in task.criteria)
        if (cell is None or cell.cell_type != "markdown" or not cell.metadata["nbgrader"].get("solution")
                or cell.metadata["nbgrader"].get("points") != marks):
            yield Problem(notebook, "", f"needs a manually graded answer cell 'task-{task.id}' worth {marks} "
                                        f"mark(s) (the task's criteria): run `odp scaffold` on the unit folder")
