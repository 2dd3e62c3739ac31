"""What the grader knows while it runs inside nbgrader: whose submission, which unit and
attempt, where the item bank and the course secret are.

nbgrader runs each submission's notebook in a fresh kernel, in the submission's folder. The
``SetGradingContext`` preprocessor puts the learner and assignment in the environment before
that kernel starts; ``autograder/nbgrader_config.py`` puts the course's content root and data
folder there. The item bank is read from the course, never from the submission.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from course.config import Settings
from course.content import CourseContent, load_course
from course.content.model import ItemBank
from course.exceptions import CourseError
from course.grading.sittings import parse_assignment
from course.record.keys import SECRET_FILE

LEARNER_ENV = "ODP_GRADING_LEARNER"
ASSIGNMENT_ENV = "ODP_GRADING_ASSIGNMENT"


class GradingSetupError(CourseError):
    """The grader cannot find what it needs (item bank, unit, qualification)."""


@dataclass(frozen=True)
class GradingContext:
    learner: str
    assignment: str
    folder: Path
    settings: Settings

    @classmethod
    def from_env(cls, folder: Path | None = None) -> "GradingContext | None":
        """The context, or None when this kernel is not grading (a learner running the notebook)."""
        if os.environ.get("NBGRADER_EXECUTION") != "autograde" and LEARNER_ENV not in os.environ:
            return None
        here = Path(folder or Path.cwd()).resolve()
        # nbgrader's folder layout is autograded/<learner>/<assignment>: the fallback if the
        # preprocessor did not run (e.g. a hand-edited config).
        learner = os.environ.get(LEARNER_ENV) or here.parent.name
        assignment = os.environ.get(ASSIGNMENT_ENV) or here.name
        return cls(learner, assignment, here, Settings())

    @property
    def unit(self) -> str:
        return parse_assignment(self.assignment)[0]

    @property
    def attempt(self) -> int:
        return parse_assignment(self.assignment)[1]

    @cached_property
    def course(self) -> CourseContent:
        return load_course(self.settings.content_root)

    @property
    def bank(self) -> ItemBank:
        bank = self.course.banks.get(self.unit)
        if bank is None:
            raise GradingSetupError(
                f"no item bank for unit {self.unit!r} under {self.settings.content_root}/autograder/banks "
                f"(assignment {self.assignment!r})")
        return bank

    @property
    def pass_mark(self) -> float:
        try:
            return self.course.entry(self.unit).qualification.pass_mark
        except (KeyError, LookupError, AttributeError):
            raise GradingSetupError(f"unit {self.unit!r} is not in the catalogue") from None

    def course_secret(self) -> bytes | None:
        path = self.settings.data_path / SECRET_FILE
        return bytes.fromhex(path.read_text().strip()) if path.exists() else None
