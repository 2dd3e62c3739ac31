"""Rules that span fields or files. Each yields Problems located at the field concerned."""

from __future__ import annotations

from collections import Counter
from math import comb
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
    yield from check_test_spec(unit, report)
    named = {m.id for m in unit.misconceptions}
    for i, element in enumerate(unit.elements):
        for j, q in enumerate(element.questions):
            yield from check_question(q, ["elements", i, "questions", j], report, formative=True)
            for k, o in enumerate(q.options):
                if named and o.misconception and o.misconception not in named:
                    yield report(["elements", i, "questions", j, "options", k, "misconception"],
                                 f"question {q.id!r} option {o.id!r}: misconception {o.misconception!r} "
                                 "is not in the unit's misconceptions list")
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


def words(text: str) -> list[str]:
    """Lower-case words of a text, punctuation dropped."""
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
            if 4 <= unit.level <= 6 and (words(c.text) or [""])[0] not in COMMAND_VERBS:
                yield report([*here, "text"], f"starts with {(words(c.text) or [''])[0]!r}: a Level {unit.level} "
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
        texts = [" ".join(words(c.text)) for c in task.criteria]
        for dup in duplicates(texts):
            yield report(["assignment", "tasks", i, "criteria"], f"two criteria say the same thing ({dup!r})")
        for j, c in enumerate(task.criteria):
            here = ["assignment", "tasks", i, "criteria", j]
            if c.id in seen and seen[c.id] != task.id:
                yield report([*here, "id"], f"criterion id {c.id!r} is also used in task {seen[c.id]!r}: "
                                            "criterion ids must be unique in the unit (marks are kept by id)")
            seen.setdefault(c.id, task.id)
            if words(c.meets) == words(c.text):
                yield report([*here, "meets"], "repeats the criterion: say what an answer that meets it looks like")
            elif len(words(c.meets)) < 5:
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


def check_bank(bank: ItemBank, loaded: Loaded, unit: Unit | None = None) -> Iterator[Problem]:
    """The bank's own rules, and (given its unit) the item-writing rules of the test design."""
    report = Reporter(loaded)
    for dup in duplicates([q.id for q in bank.items]):
        yield report(["items"], f"duplicate item id {dup!r}")
    for i, q in enumerate(bank.items):
        yield from check_question(q, ["items", i], report, formative=False)
        yield from check_item_writing(q, ["items", i], report)
    yield from check_bank_balance(bank, report)
    if unit is not None:
        yield from check_bank_against_unit(bank, unit, report)


# -- item-writing rules (docs/grading.md, "Test design") -------------------------------------

# Words a test-wise learner reads as a cue: absolute ones mark a statement as likely false,
# hedging ones as likely true. In a bank they must turn up in keys and distractors alike.
ABSOLUTE_WORDS = frozenset(
    "always never only all none every everyone everything nobody nothing must cannot entirely "
    "completely guaranteed".split())
HEDGING_WORDS = frozenset("may might usually sometimes often generally probably possibly".split())
CUE_WORDS = ABSOLUTE_WORDS | HEDGING_WORDS
ABOVE = ("all of the above", "none of the above", "both of the above", "neither of the above")
TRUE_FALSE_SHARE = 0.10      # most of a bank that may be true/false items
CHANCE_P = 0.05              # a pattern rarer than this by chance is a cue
KEY_LENGTH_RATIO = 1.5       # a key this much longer than every distractor gives itself away


def tail(probabilities: Sequence[float], k: int) -> float:
    """P(X >= k) where X counts successes of independent trials with these probabilities
    (the Poisson binomial; a binomial tail when they are equal)."""
    dist = [1.0]
    for p in probabilities:
        dist = [a * (1 - p) + b * p for a, b in zip(dist + [0.0], [0.0] + dist)]
    return min(1.0, sum(dist[k:]))


def binomial_tail(n: int, k: int, p: float) -> float:
    return sum(comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(k, n + 1))


def _norm(text: str) -> str:
    return " ".join(words(text))


def check_item_writing(q: Question, loc: list, report: Reporter) -> Iterator[Problem]:
    """Rules about one summative item's wording."""
    if q.outcome is None:
        yield report([*loc, "outcome"], f"item {q.id!r} has no outcome: name the learning outcome it "
                                        "tests (outcome: lo1, ...)")
    if not q.is_choice:
        return
    for j, o in enumerate(q.options):
        text = _norm(o.text)
        for phrase in ABOVE:
            if phrase in text:
                yield report([*loc, "options", j, "text"],
                             f"item {q.id!r} option {o.id!r} says {phrase!r}: write a real option instead")
    word_sets = [set(words(o.text)) for o in q.options]
    for a in range(len(q.options)):
        for b in range(a + 1, len(q.options)):
            wa, wb = word_sets[a], word_sets[b]
            if not wa or not wb:
                continue
            if _norm(q.options[a].text) == _norm(q.options[b].text):
                what = "the same option"
            elif (wa < wb or wb < wa) and min(len(wa), len(wb)) >= 3:  # "SECRET", "TOP SECRET" differ
                what = "near-duplicates: one says all the other does, and more"
            else:
                continue
            yield report([*loc, "options", b, "text"],
                         f"item {q.id!r} options {q.options[a].id!r} and {q.options[b].id!r} are {what}")
    if q.type != "true_false":
        keys = [len(o.text) for o in q.options if o.id in q.correct]
        others = [len(o.text) for o in q.options if o.id not in q.correct]
        if keys and others and min(keys) > KEY_LENGTH_RATIO * max(others) and min(keys) - max(others) >= 10:
            yield report([*loc, "options"],
                         f"item {q.id!r}: the key is {min(keys) / max(others):.1f} times as long as the "
                         "longest distractor, which gives it away: make the options parallel in length")


def _longest_is_key(q: Question) -> tuple[bool, float] | None:
    """Whether the one longest option is a key, and the chance of that if length told nothing."""
    if q.type == "true_false" or len(q.options) < 3:
        return None
    lengths = sorted((len(o.text.strip()), o.id) for o in q.options)
    if lengths[-1][0] == lengths[-2][0]:
        return None  # no single longest option: no cue
    return lengths[-1][1] in q.correct, len(q.correct) / len(q.options)


def check_bank_balance(bank: ItemBank, report: Reporter) -> Iterator[Problem]:
    """Rules about the bank as a whole: cues a learner who knows nothing could use."""
    items = [q for q in bank.items if q.is_choice]
    tf = [q.id for q in items if q.type == "true_false"]
    if items and len(tf) > TRUE_FALSE_SHARE * len(bank.items):
        yield report(["items"], f"{len(tf)} of {len(bank.items)} items are true/false "
                                f"({len(tf) / len(bank.items):.0%}); at most {TRUE_FALSE_SHARE:.0%} may "
                                "be: write applied single- or multiple-answer items instead")
    longest = [(q, *r) for q in items if (r := _longest_is_key(q)) is not None]
    hits = [q.id for q, hit, _ in longest if hit]
    p = tail([chance for _, _, chance in longest], len(hits))
    if longest and p < CHANCE_P:
        expected = sum(chance for _, _, chance in longest)
        yield report(["items"], f"the key is the longest option on {len(hits)} of {len(longest)} items "
                                f"(chance would give {expected:.1f}; P = {p:.3f}): vary which option is "
                                f"longest. Items: {', '.join(hits)}")
    yield from _length_positions(items, report)
    yield from _cue_words(bank, report)


def _length_name(position: int, n: int) -> str:
    if position == n - 1:
        return "shortest"
    return ("second-", "third-", "fourth-", "fifth-")[position - 1] + "longest"


def _length_positions(items: list[Question], report: Reporter) -> Iterator[Problem]:
    """A key that sits at one length rank more often than chance (second-longest, shortest...)
    is as much a cue as a longest key: single-answer items whose options differ in length."""
    at: dict[str, list[tuple[str, float, bool]]] = {}
    for q in items:
        lengths = {len(o.text.strip()) for o in q.options}
        if q.type != "single" or len(q.options) < 3 or len(lengths) < len(q.options):
            continue
        ranked = sorted(q.options, key=lambda o: -len(o.text.strip()))
        for position in range(1, len(ranked)):
            at.setdefault(_length_name(position, len(ranked)), []).append(
                (q.id, 1 / len(ranked), ranked[position].id in q.correct))
    for name, rows in sorted(at.items()):
        hits = [qid for qid, _, hit in rows if hit]
        p = tail([chance for _, chance, _ in rows], len(hits))
        if p < CHANCE_P:
            yield report(["items"], f"the key is the {name} option on {len(hits)} of {len(rows)} single-answer "
                                    f"items (chance would give {sum(c for _, c, _ in rows):.1f}; P = {p:.3f}): vary "
                                    f"the keys' lengths. Items: {', '.join(hits)}")


def _cue_words(bank: ItemBank, report: Reporter) -> Iterator[Problem]:
    # Where each cue word appears: in a key (or a true statement) or in a distractor (or a false one).
    found: dict[str, dict[bool, list[tuple[str, list]]]] = {}
    keys = distractors = 0
    for i, q in enumerate(bank.items):
        if not q.is_choice:
            continue
        if q.type == "true_false":
            places = [(q.correct == ["true"], q.prompt, ["items", i, "prompt"])]
        else:
            places = [(o.id in q.correct, o.text, ["items", i, "options", j, "text"])
                      for j, o in enumerate(q.options)]
        for is_key, text, loc in places:
            keys += is_key
            distractors += not is_key
            for word in sorted(CUE_WORDS & set(words(text))):
                found.setdefault(word, {True: [], False: []})[is_key].append((q.id, loc))
    share = keys / (keys + distractors) if keys + distractors else 0.0
    for word, where in sorted(found.items()):
        in_keys, in_distractors = where[True], where[False]
        n, k = len(in_keys) + len(in_distractors), len(in_keys)
        if not in_keys or not in_distractors:
            side, places = ("keys", in_keys) if in_keys else ("distractors", in_distractors)
            uneven = f"appears only in {side}"
        elif binomial_tail(n, k, share) < CHANCE_P or binomial_tail(n, n - k, 1 - share) < CHANCE_P:
            places = in_keys if k / n > share else in_distractors
            side = "keys" if k / n > share else "distractors"
            uneven = f"appears mostly in {side} ({k} keys, {n - k} distractors)"
        else:
            continue
        ids = ", ".join(dict.fromkeys(qid for qid, _ in places))
        yield report(places[0][1], f"{word!r} {uneven} (items {ids}): a learner can use it as a cue; "
                                   "use it in keys and distractors alike, or not at all")


def check_bank_against_unit(bank: ItemBank, unit: Unit, report: Reporter) -> Iterator[Problem]:
    """Every item's outcome, element and misconceptions are the unit's; every outcome has items
    enough for a first resit of all-unseen items (twice its blueprint count)."""
    outcomes = {o.id for o in unit.outcomes}
    elements = {e.id for e in unit.elements}
    named = {m.id for m in unit.misconceptions}
    formative = {_norm(f.prompt): f.id for e in unit.elements for f in e.questions}
    for i, q in enumerate(bank.items):
        if _norm(q.prompt) in formative:
            yield report(["items", i, "prompt"], f"item {q.id!r} repeats the prompt of formative question "
                                                 f"{formative[_norm(q.prompt)]!r}, whose answer the learner "
                                                 "is shown: write a new item")
        if q.outcome is not None and q.outcome not in outcomes:
            yield report(["items", i, "outcome"], f"item {q.id!r}: outcome {q.outcome!r} is not one of the "
                                                  f"unit's learning outcomes ({', '.join(sorted(outcomes))})")
        if q.element is not None and q.element not in elements:
            yield report(["items", i, "element"], f"item {q.id!r}: element {q.element!r} is not in the unit")
        if named:
            for j, o in enumerate(q.options):
                if o.misconception and o.misconception not in named:
                    yield report(["items", i, "options", j, "misconception"],
                                 f"item {q.id!r} option {o.id!r}: misconception {o.misconception!r} is not "
                                 "in the unit's misconceptions list")
    if unit.test is None:
        return
    counts = Counter(q.outcome for q in bank.items)
    for outcome, need in sorted(unit.test.blueprint.items()):
        if outcome in outcomes and counts[outcome] < 2 * need:
            yield report(["items"], f"outcome {outcome!r} has {counts[outcome]} item(s); a paper takes {need}, "
                                    f"so the bank needs at least {2 * need} (twice the blueprint, so a first "
                                    "resit can be all unseen items)")


def check_test_spec(unit: Unit, report: Reporter) -> Iterator[Problem]:
    """The unit's test specification: a blueprint over its own outcomes that fills the paper."""
    if unit.assessment == "online_test" and unit.test is None:
        yield report(["test"], "is required for a unit assessed by online test: give paper_length, "
                               "pass_score, time_allowed_minutes and a blueprint")
    for dup in duplicates([o.id for o in unit.outcomes]):
        yield report(["learning_outcomes"], f"duplicate learning outcome id {dup!r}")
    for dup in duplicates([m.id for m in unit.misconceptions]):
        yield report(["misconceptions"], f"duplicate misconception id {dup!r}")
    if unit.test is None:
        return
    spec, outcomes = unit.test, {o.id for o in unit.outcomes}
    for outcome in spec.blueprint:
        if outcome not in outcomes:
            yield report(["test", "blueprint", outcome],
                         f"names outcome {outcome!r}, which is not one of the unit's learning outcomes "
                         f"({', '.join(sorted(outcomes))})")
    total = sum(spec.blueprint.values())
    if total != spec.paper_length:
        yield report(["test", "blueprint"], f"adds up to {total} items but paper_length is "
                                            f"{spec.paper_length}: they must be equal")
    if spec.pass_score > spec.paper_length:
        yield report(["test", "pass_score"], f"is {spec.pass_score}, more than the {spec.paper_length} "
                                             "items on the paper")


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
