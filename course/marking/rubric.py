"""Each task's marking points as a rubric: criteria, what meets each, the marks each carries,
and the unit's overall pass rule.

A criterion is met or not yet met; a met criterion earns its marks (usually 1). The unit's
``pass_rule`` is ``all_criteria_met`` (every criterion of every task) or ``pass_mark`` (the
qualification's pass mark as a share of the unit's marks).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping

from course.content import CourseContent
from course.content.scaffold import answer_grade_id
from course.grading.sittings import parse_assignment

Key = tuple[str, str]  # (task id, criterion id)


@dataclass(frozen=True)
class CriterionRubric:
    id: str
    number: int
    text: str
    meets: str
    marks: int
    assessment_criterion: str | None = None   # "2.3": learning outcome 2, its third criterion
    outcome: str = ""                         # that learning outcome's text

    @property
    def ac(self) -> str:
        """'AC 2.3', or '' for a criterion not numbered to the qualification's criteria."""
        return f"AC {self.assessment_criterion}" if self.assessment_criterion else ""

    @property
    def outcome_number(self) -> int | None:
        return int(self.assessment_criterion.split(".")[0]) if self.assessment_criterion else None

    @property
    def outcome_label(self) -> str:
        """'Learning outcome 2: Research and synthesise data ...', or '' if not numbered."""
        if self.outcome_number is None:
            return ""
        return f"Learning outcome {self.outcome_number}" + (f": {self.outcome}" if self.outcome else "")

    @property
    def label(self) -> str:
        """'Criterion 2' or, where it meets an awarding body's criterion, 'Criterion 2 (learning
        outcome 1, AC 1.2)'."""
        if not self.ac:
            return f"Criterion {self.number}"
        return f"Criterion {self.number} (learning outcome {self.outcome_number}, {self.ac})"


@dataclass(frozen=True)
class TaskRubric:
    id: str
    number: int
    title: str
    brief: str
    min_words: int
    max_words: int
    criteria: tuple[CriterionRubric, ...]

    @property
    def grade_id(self) -> str:
        """The nbgrader cell that holds this task's answer and its mark."""
        return answer_grade_id(self.id)

    @property
    def max_marks(self) -> int:
        return sum(c.marks for c in self.criteria)

    def criterion(self, criterion_id: str) -> CriterionRubric:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(f"task {self.id!r} has no criterion {criterion_id!r}")


@dataclass(frozen=True)
class Outcome:
    total: int
    max_marks: int
    decided: int
    criteria: int
    met: int
    passed: bool

    @property
    def complete(self) -> bool:
        return self.decided == self.criteria

    def describe(self, fail: str = "not yet passed") -> str:
        result = ("pass" if self.passed else fail) if self.complete else "not finished"
        return (f"{self.total} of {self.max_marks} marks; {self.decided} of {self.criteria} criteria "
                f"marked; {self.met} met; result: {result}")


@dataclass(frozen=True)
class Rubric:
    unit: str
    code: str
    title: str
    pass_rule: str
    pass_mark: float            # share of the marks, used by the ``pass_mark`` rule
    tasks: tuple[TaskRubric, ...]
    referral: bool = False      # a project's result is pass or refer (CMI), else pass or not yet passed
    outcomes: tuple[str, ...] = ()   # the unit's learning outcomes, in order (criteria cite them by number)

    def outcomes_cited(self) -> list[tuple[int, str]]:
        """(number, text) of each learning outcome a criterion cites, in order."""
        cited = {c.outcome_number for t in self.tasks for c in t.criteria if c.outcome_number}
        return [(n, text) for n, text in enumerate(self.outcomes, 1) if n in cited]

    @property
    def max_marks(self) -> int:
        return sum(t.max_marks for t in self.tasks)

    @property
    def criteria(self) -> int:
        return sum(len(t.criteria) for t in self.tasks)

    def task(self, task_id: str) -> TaskRubric:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(f"unit {self.unit!r} has no task {task_id!r}")

    def keys(self) -> list[Key]:
        return [(t.id, c.id) for t in self.tasks for c in t.criteria]

    def describe_rule(self) -> str:
        if self.pass_rule == "all_criteria_met":
            return "every criterion of every task must be met"
        return f"at least {math.ceil(self.pass_mark * self.max_marks - 1e-9)} of {self.max_marks} marks"

    @property
    def fail_label(self) -> str:
        return "Refer" if self.referral else "Not yet passed"

    def result_label(self, outcome: Outcome) -> str:
        """'Pass', 'Refer' (a project) or 'Not yet passed'; 'Not finished' while criteria are unmarked."""
        if not outcome.complete:
            return "Not finished"
        return "Pass" if outcome.passed else self.fail_label

    def result_sentence(self, outcome: Outcome) -> str:
        """The result and the rule, as the learner reads it first in their feedback."""
        if not outcome.complete:
            return "Not finished: your assessor has not yet marked every criterion."
        if outcome.passed:
            return ("Pass: you met every criterion." if self.pass_rule == "all_criteria_met"
                    else f"Pass: {outcome.total} of {outcome.max_marks} marks ({self.describe_rule()}).")
        if self.pass_rule == "all_criteria_met":
            return (f"{self.fail_label}: every criterion must be met to pass. You met {outcome.met} of "
                    f"{outcome.criteria}; the feedback on each criterion below says what to do.")
        return f"{self.fail_label}: {outcome.total} of {outcome.max_marks} marks; you need {self.describe_rule()}."

    def outcome(self, met: Mapping[Key, bool]) -> Outcome:
        """The result for the decisions made so far (criteria not yet marked count as not met)."""
        keys = self.keys()
        marks = {(t.id, c.id): c.marks for t in self.tasks for c in t.criteria}
        total = sum(marks[k] for k in keys if met.get(k))
        decided = sum(1 for k in keys if k in met)
        n_met = sum(1 for k in keys if met.get(k))
        if self.pass_rule == "all_criteria_met":
            passed = n_met == len(keys)
        else:
            passed = total >= self.pass_mark * self.max_marks - 1e-9
        return Outcome(total, self.max_marks, decided, len(keys), n_met, passed and decided == len(keys))


def rubric_for(course: CourseContent, assignment: str) -> Rubric:
    """The rubric of the unit an nbgrader assignment (``<unit>`` or ``<unit>-attempt-N``) marks."""
    unit_id, _ = parse_assignment(assignment)
    entry = course.entry(unit_id)
    unit = entry.unit
    if unit is None or unit.assignment is None:
        raise KeyError(f"unit {unit_id!r} has no written assignment")
    outcomes = [re.sub(r"^LO\s*\d+[:.]?\s+", "", o.text) for o in unit.outcomes]

    def outcome_of(ac: str | None) -> str:
        n = int(ac.split(".")[0]) if ac else 0
        return outcomes[n - 1] if 0 < n <= len(outcomes) else ""

    tasks = tuple(
        TaskRubric(t.id, n, t.title, t.brief, t.min_words, t.max_words,
                   tuple(CriterionRubric(c.id, i, c.text, c.meets, c.marks, c.ac or c.assessment_criterion,
                                         outcome_of(c.ac or c.assessment_criterion))
                         for i, c in enumerate(t.criteria, 1)))
        for n, t in enumerate(unit.assignment.tasks, 1))
    return Rubric(unit.id, unit.code, unit.title, unit.assignment.pass_rule,
                  entry.qualification.pass_mark, tasks, referral=unit.assessment == "project",
                  outcomes=tuple(outcomes))
