"""Marking written assignments: the one place that reads and writes marks.

Each decision on a criterion is a row in ``odp_criterion_mark`` (see :mod:`course.marking.store`)
and an ``odp_audit`` row; the task's final marks then go into nbgrader's gradebook through
nbgrader's own API, in the same transaction: the task cell's ``Grade.manual_score`` (the sum of
the marks of criteria met) and its ``Comment.manual_comment`` (the learner's feedback, see
:mod:`course.marking.feedback`). So ``nbgrader export`` and ``nbgrader generate_feedback`` work
as they do for any manually graded answer.

The final decision on a criterion is the resolution of a disagreement if there is one, else the
assessor's (first) mark. A second marker's marks never reach the gradebook on their own.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy import select

from course.config import Settings
from course.content import CourseContent, load_course
from course.exceptions import CourseError
from course.grading.sittings import parse_assignment
from course.grading.written import WrittenAnswer, written_answers
from course.marking import iqa
from course.marking.feedback import task_feedback
from course.marking.rubric import Key, Outcome, Rubric, rubric_for
from course.marking.similarity import Similar, similar_answers
from course.marking.store import (
    FIRST, RESOLVED, SECOND, AuditEntry, BankComment, CriterionMark, SampleEntry, create_tables, now,
)
from course.record.keys import SECRET_FILE


class MarkingError(CourseError):
    """A marking action that is not allowed (e.g. second marking your own marking)."""


@dataclass(frozen=True)
class Decision:
    met: bool
    comment: str
    marker: str
    at: str
    note: str = ""


@dataclass(frozen=True)
class Disagreement:
    task: str
    criterion: str
    first: Decision
    second: Decision
    resolution: Decision | None

    @property
    def resolved(self) -> bool:
        return self.resolution is not None


@dataclass(frozen=True)
class Submission:
    """Where one learner's submission has got to, for the list of submissions."""

    learner: str
    outcome: Outcome
    first_marker: str | None
    sampled: bool
    second_marker: str | None      # who second-marked (or is assigned to); None: not yet anyone
    second_marked: int             # criteria the second marker has decided
    disagreements: int
    unresolved: int
    flagged: bool                  # nbgrader's flag (e.g. a record that failed its tamper check)
    similar: int                   # tasks with an answer that looks copied

    @property
    def fully_marked(self) -> bool:
        return self.outcome.complete

    @property
    def second_complete(self) -> bool:
        return self.sampled and self.second_marked == self.outcome.criteria


def default_db_url(course_dir: Path) -> str:
    return os.environ.get("ODP_GRADEBOOK_URL") or f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"


class MarkingBook:
    """Marks, second marks, resolutions, the comment bank and the audit trail for one nbgrader
    course folder. Every method opens the gradebook, does one thing and commits it."""

    def __init__(self, course_dir: Path, *, course: CourseContent | None = None, db_url: str | None = None,
                 settings: Settings | None = None) -> None:
        self.course_dir = Path(course_dir).resolve()
        self.settings = settings or Settings()
        self.course = course or load_course(self.settings.content_root, with_banks=False)
        self.db_url = db_url or default_db_url(self.course_dir)
        self._tables = False

    @contextmanager
    def gradebook(self) -> Iterator[Gradebook]:
        with Gradebook(self.db_url, course_id="odp") as gb:
            if not self._tables:
                create_tables(gb.engine)
                self._tables = True
            yield gb

    # -- what there is to mark ----------------------------------------------------------------
    def rubric(self, assignment: str) -> Rubric:
        return rubric_for(self.course, assignment)

    def assignments(self) -> list[str]:
        """Gradebook assignments that are written assignments (not unit tests)."""
        with self.gradebook() as gb:
            names = [a.name for a in gb.assignments]
        out = []
        for name in names:
            try:
                self.rubric(name)
            except KeyError:
                continue
            out.append(name)
        return sorted(out)

    def learners(self, assignment: str) -> list[str]:
        with self.gradebook() as gb:
            try:
                return sorted(s.student.id for s in gb.find_assignment(assignment).submissions)
            except MissingEntry:
                raise MarkingError(f"no assignment {assignment!r} in the gradebook: run nbgrader autograde first") from None

    def folder(self, assignment: str, learner: str) -> Path:
        return self.course_dir / "autograded" / learner / assignment

    @cached_property
    def _secret(self) -> bytes | None:
        path = self.settings.data_path / SECRET_FILE
        return bytes.fromhex(path.read_text().strip()) if path.exists() else None

    def answers(self, assignment: str, learner: str) -> dict[str, WrittenAnswer]:
        """The learner's answers as the grader read them (the record in the autograded copy)."""
        unit_id, attempt = parse_assignment(assignment)
        return written_answers(self.folder(assignment, learner), self.course.entry(unit_id).unit, learner,
                               self._secret, attempt=attempt, data_path=self.settings.data_path)

    def similar(self, assignment: str, threshold: float = 0.3, passage_words: int = 30) -> list[Similar]:
        """Every pair of answers in the cohort that looks copied (a flag for the assessor only)."""
        rubric = self.rubric(assignment)
        by_learner = {learner: self.answers(assignment, learner) for learner in self.learners(assignment)}
        found = []
        for task in rubric.tasks:
            texts = {learner: a[task.id].text for learner, a in by_learner.items() if a[task.id].answered}
            found += similar_answers(task.id, texts, brief=task.brief, threshold=threshold,
                                     passage_words=passage_words)
        return found

    # -- reading decisions ----------------------------------------------------------------------
    def _rows(self, gb: Gradebook, assignment: str, learner: str | None = None) -> list[CriterionMark]:
        query = select(CriterionMark).where(CriterionMark.assignment == assignment)
        if learner is not None:
            query = query.where(CriterionMark.learner == learner)
        return list(gb.db.scalars(query))

    @staticmethod
    def _decision(row: CriterionMark) -> Decision:
        return Decision(row.met, row.comment, row.marker, row.marked_at, row.note)

    def decisions(self, assignment: str, learner: str, role: str = FIRST) -> dict[Key, Decision]:
        with self.gradebook() as gb:
            return {(r.task, r.criterion): self._decision(r) for r in self._rows(gb, assignment, learner)
                    if r.role == role}

    def final(self, assignment: str, learner: str) -> dict[Key, Decision]:
        with self.gradebook() as gb:
            return self._final(self._rows(gb, assignment, learner))

    def _final(self, rows: list[CriterionMark]) -> dict[Key, Decision]:
        first = {(r.task, r.criterion): self._decision(r) for r in rows if r.role == FIRST}
        resolved = {(r.task, r.criterion): self._decision(r) for r in rows if r.role == RESOLVED}
        return {**first, **resolved}

    def outcome(self, assignment: str, learner: str) -> Outcome:
        return self.rubric(assignment).outcome({k: d.met for k, d in self.final(assignment, learner).items()})

    def disagreements(self, assignment: str, learner: str) -> list[Disagreement]:
        with self.gradebook() as gb:
            return self._disagreements(self._rows(gb, assignment, learner))

    def _disagreements(self, rows: list[CriterionMark]) -> list[Disagreement]:
        by_role: dict[str, dict[Key, Decision]] = {FIRST: {}, SECOND: {}, RESOLVED: {}}
        for r in rows:
            by_role[r.role][(r.task, r.criterion)] = self._decision(r)
        return [Disagreement(k[0], k[1], d, by_role[SECOND][k], by_role[RESOLVED].get(k))
                for k, d in by_role[FIRST].items() if k in by_role[SECOND] and by_role[SECOND][k].met != d.met]

    def first_marker(self, assignment: str, learner: str) -> str | None:
        with self.gradebook() as gb:
            return self._first_marker(self._rows(gb, assignment, learner))

    @staticmethod
    def _first_marker(rows: list[CriterionMark]) -> str | None:
        # Whoever made most of the first marks (the earliest of them if tied).
        firsts = sorted((r for r in rows if r.role == FIRST), key=lambda r: r.marked_at)
        if not firsts:
            return None
        counts = Counter(r.marker for r in firsts)
        best = max(counts.values())
        return next(r.marker for r in firsts if counts[r.marker] == best)

    def submissions(self, assignment: str, *, similar: list[Similar] | None = None) -> list[Submission]:
        rubric = self.rubric(assignment)
        learners = self.learners(assignment)
        flagged_similar = Counter()
        for s in similar or []:
            flagged_similar[s.learner] += 1
            flagged_similar[s.other] += 1
        with self.gradebook() as gb:
            rows = self._rows(gb, assignment)
            samples = {s.learner: s for s in gb.db.scalars(select(SampleEntry).where(SampleEntry.assignment == assignment))}
            flags = {s.student.id: any(nb.flagged for nb in s.notebooks)
                     for s in gb.find_assignment(assignment).submissions}
        out = []
        for learner in learners:
            mine = [r for r in rows if r.learner == learner]
            outcome = rubric.outcome({k: d.met for k, d in self._final(mine).items()})
            seconds = [r for r in mine if r.role == SECOND]
            sample = samples.get(learner)
            second = sample.second_marker if sample else None
            second = second or (seconds[0].marker if seconds else None)
            dis = self._disagreements(mine)
            out.append(Submission(learner, outcome, self._first_marker(mine), sample is not None, second,
                                  len(seconds), len(dis), sum(not d.resolved for d in dis),
                                  flags.get(learner, False), flagged_similar[learner]))
        return out

    # -- writing decisions ----------------------------------------------------------------------
    def mark(self, assignment: str, learner: str, task: str, criterion: str, *, met: bool, comment: str = "",
             marker: str, role: str = FIRST) -> Decision:
        """The assessor's (``first``) or the second marker's (``second``) decision on a criterion."""
        if role not in (FIRST, SECOND):
            raise MarkingError(f"role must be {FIRST!r} or {SECOND!r}; use resolve() for a final decision")
        self._check_marker(marker)
        rubric = self.rubric(assignment)
        rubric.task(task).criterion(criterion)  # raises KeyError for a criterion the unit lacks
        with self.gradebook() as gb:
            self._submission(gb, assignment, learner)
            if role == SECOND:
                self._check_second_marker(gb, assignment, learner, marker)
            decision = self._write(gb, assignment, learner, task, criterion, role, met, comment.strip(), "", marker)
            if role == FIRST:
                self._sync_task(gb, rubric, assignment, learner, task, marker)
            gb.db.commit()
        return decision

    def mark_unanswered(self, assignment: str, learner: str, *, marker: str,
                        comment: str = "No answer was saved for this task.") -> list[str]:
        """Every criterion of every task with no saved answer, not yet marked by ``marker``'s
        role, marked not yet met with ``comment``, in one transaction. Returns the tasks marked."""
        self._check_marker(marker)
        rubric = self.rubric(assignment)
        answers = self.answers(assignment, learner)
        done = self.decisions(assignment, learner, FIRST)
        tasks = [t for t in rubric.tasks if not answers[t.id].answered and not answers[t.id].problem]
        with self.gradebook() as gb:
            self._submission(gb, assignment, learner)
            marked = []
            for task in tasks:
                todo = [c for c in task.criteria if (task.id, c.id) not in done]
                for c in todo:
                    self._write(gb, assignment, learner, task.id, c.id, FIRST, False, comment, "", marker)
                if todo:
                    self._sync_task(gb, rubric, assignment, learner, task.id, marker)
                    marked.append(task.id)
            gb.db.commit()
        return marked

    def resolve(self, assignment: str, learner: str, task: str, criterion: str, *, met: bool, comment: str,
                note: str, resolver: str) -> Decision:
        """Settle a disagreement between the first and second marker: this is the final mark.
        ``comment`` is for the learner; ``note`` (why) stays internal."""
        self._check_marker(resolver)
        if not note.strip():
            raise MarkingError("say why in the internal note: a resolution must be explained")
        rubric = self.rubric(assignment)
        with self.gradebook() as gb:
            rows = self._rows(gb, assignment, learner)
            if not any(d.task == task and d.criterion == criterion for d in self._disagreements(rows)):
                raise MarkingError(f"criterion {criterion!r} of task {task!r} has no disagreement to resolve")
            decision = self._write(gb, assignment, learner, task, criterion, RESOLVED, met, comment.strip(),
                                   note.strip(), resolver)
            self._sync_task(gb, rubric, assignment, learner, task, resolver)
            gb.db.commit()
        return decision

    def _write(self, gb: Gradebook, assignment: str, learner: str, task: str, criterion: str, role: str,
               met: bool, comment: str, note: str, who: str) -> Decision:
        row = gb.db.scalars(select(CriterionMark).filter_by(
            assignment=assignment, learner=learner, task=task, criterion=criterion, role=role)).one_or_none()
        before = row.state() if row else None
        if row is None:
            row = CriterionMark(assignment=assignment, learner=learner, task=task, criterion=criterion, role=role)
            gb.db.add(row)
        row.met, row.comment, row.note, row.marker, row.marked_at = met, comment, note, who, now()
        gb.db.add(AuditEntry(at=row.marked_at, who=who, action=f"{role} mark" if role != RESOLVED else "resolution",
                             assignment=assignment, learner=learner, task=task, criterion=criterion,
                             before=AuditEntry.dump(before), after=AuditEntry.dump(row.state())))
        return self._decision(row)

    def _sync_task(self, gb: Gradebook, rubric: Rubric, assignment: str, learner: str, task_id: str,
                   who: str) -> None:
        """Put the task's final marks and feedback into nbgrader's gradebook."""
        task = rubric.task(task_id)
        gb.db.flush()
        final = {k[1]: d for k, d in self._final(self._rows(gb, assignment, learner)).items() if k[0] == task_id}
        notebook = rubric.unit
        grade = gb.find_grade(task.grade_id, notebook, assignment, learner)
        comment = gb.find_comment(task.grade_id, notebook, assignment, learner)
        before = {"manual_score": grade.manual_score, "manual_comment": comment.manual_comment}
        grade.manual_score = float(sum(c.marks for c in task.criteria if c.id in final and final[c.id].met))
        grade.needs_manual_grade = len(final) < len(task.criteria)
        comment.manual_comment = task_feedback(task, {c: (d.met, d.comment) for c, d in final.items()})
        after = {"manual_score": grade.manual_score, "manual_comment": comment.manual_comment}
        if after != before:
            gb.db.add(AuditEntry(at=now(), who=who, action="gradebook task score", assignment=assignment,
                                 learner=learner, task=task_id, before=AuditEntry.dump(before),
                                 after=AuditEntry.dump(after)))

    @staticmethod
    def _submission(gb: Gradebook, assignment: str, learner: str) -> None:
        try:
            gb.find_submission(assignment, learner)
        except MissingEntry:
            raise MarkingError(f"{learner!r} has no autograded submission for {assignment!r}") from None

    @staticmethod
    def _check_marker(who: str) -> None:
        if not who or not who.strip():
            raise MarkingError("say who is marking (the assessor's id)")

    def _check_second_marker(self, gb: Gradebook, assignment: str, learner: str, marker: str) -> None:
        sample = gb.db.scalars(select(SampleEntry).filter_by(assignment=assignment, learner=learner)).one_or_none()
        if sample is None:
            raise MarkingError(f"{learner!r}'s submission is not in the sample for second marking")
        if marker == sample.first_marker or marker == self._first_marker(self._rows(gb, assignment, learner)):
            raise MarkingError("a second marker cannot second-mark their own marking")
        if sample.second_marker and sample.second_marker != marker:
            raise MarkingError(f"this submission is assigned to {sample.second_marker!r} for second marking")
        if sample.second_marker is None:  # the first to second-mark it takes it on
            sample.second_marker = marker
            gb.db.add(AuditEntry(at=now(), who=marker, action="took on second marking", assignment=assignment,
                                 learner=learner, after=AuditEntry.dump({"second_marker": marker})))

    # -- internal quality assurance -----------------------------------------------------------
    def draw_sample(self, assignment: str, *, rate: float, minimum: int = 1, drawn_by: str,
                    second_marker: str | None = None, seed: int | None = None) -> list[SampleEntry]:
        """Add each assessor's share of fully marked submissions to the second-marking sample."""
        if not 0 < rate <= 1:
            raise MarkingError("the sample rate is a share between 0 and 1, for example 0.2 for 20%")
        self._check_marker(drawn_by)
        subs = self.submissions(assignment)
        marked_by: dict[str, list[str]] = {}
        for s in subs:
            if s.fully_marked and s.first_marker:
                marked_by.setdefault(s.first_marker, []).append(s.learner)
        with self.gradebook() as gb:
            existing = list(gb.db.scalars(select(SampleEntry).where(SampleEntry.assignment == assignment)))
            already: dict[str, set[str]] = {}
            for e in existing:
                already.setdefault(e.first_marker, set()).add(e.learner)
            rng = random.Random(seed) if seed is not None else None
            new = iqa.draw(marked_by, already, rate=rate, minimum=minimum, rng=rng)
            added = []
            for assessor, learners in new.items():
                for learner in learners:
                    entry = SampleEntry(assignment=assignment, learner=learner, first_marker=assessor,
                                        second_marker=second_marker if second_marker != assessor else None,
                                        rate=f"{rate:g}", drawn_by=drawn_by, drawn_at=now())
                    gb.db.add(entry)
                    gb.db.add(AuditEntry(at=entry.drawn_at, who=drawn_by, action="sampled for second marking",
                                         assignment=assignment, learner=learner,
                                         after=AuditEntry.dump({"first_marker": assessor, "rate": rate,
                                                                "second_marker": entry.second_marker})))
                    added.append(entry)
            gb.db.commit()
            for entry in added:
                gb.db.refresh(entry)
                gb.db.expunge(entry)
        return added

    def sample(self, assignment: str) -> list[SampleEntry]:
        with self.gradebook() as gb:
            rows = list(gb.db.scalars(select(SampleEntry).where(SampleEntry.assignment == assignment)))
            for r in rows:
                gb.db.expunge(r)
        return rows

    # -- comment bank -------------------------------------------------------------------------
    def bank(self, unit: str, task: str) -> list[str]:
        with self.gradebook() as gb:
            return [c.text for c in gb.db.scalars(
                select(BankComment).filter_by(unit=unit, task=task).order_by(BankComment.text))]

    def save_comment(self, unit: str, task: str, text: str, *, author: str) -> bool:
        """Keep a comment to reuse on this task; False if the bank already has it."""
        text = " ".join(text.split())
        if not text:
            raise MarkingError("write the comment before saving it")
        self._check_marker(author)
        with self.gradebook() as gb:
            if gb.db.scalars(select(BankComment).filter_by(unit=unit, task=task, text=text)).first():
                return False
            gb.db.add(BankComment(unit=unit, task=task, text=text, author=author, created_at=now()))
            gb.db.add(AuditEntry(at=now(), who=author, action="comment saved to bank", task=task,
                                 after=AuditEntry.dump({"unit": unit, "text": text})))
            gb.db.commit()
        return True

    # -- audit trail ----------------------------------------------------------------------------
    def audit(self, assignment: str | None = None) -> list[AuditEntry]:
        with self.gradebook() as gb:
            query = select(AuditEntry).order_by(AuditEntry.id)
            if assignment:
                query = query.where(AuditEntry.assignment == assignment)
            rows = list(gb.db.scalars(query))
            for r in rows:
                gb.db.expunge(r)
        return rows
