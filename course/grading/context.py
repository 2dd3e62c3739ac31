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

from course.config import CATALOGUE_FILE, Settings
from course.content.loader import load
from course.content.model import Catalogue, ItemBank, TestSpec, Unit
from course.content.repository import BANKS_DIR, UNIT_FILE
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
    def bank(self) -> ItemBank:
        # Only the bank and the catalogue: loading the whole course costs ~1 s per submission.
        root = self.settings.content_root
        bank, _, problems = load(ItemBank, root / BANKS_DIR / f"{self.unit}.yaml", root)
        if bank is None:
            raise GradingSetupError(
                f"no usable item bank for unit {self.unit!r} (assignment {self.assignment!r}): "
                + "; ".join(str(p) for p in problems))
        return bank

    @cached_property
    def spec(self) -> TestSpec:
        """The unit's test specification (blueprint, pass score), from its unit.yaml."""
        root = self.settings.content_root
        catalogue, _, problems = load(Catalogue, root / CATALOGUE_FILE, root)
        if catalogue is None:
            raise GradingSetupError("; ".join(str(p) for p in problems))
        for qual in catalogue.qualifications:
            for ref in qual.units:
                if ref.path and Path(ref.path).name == self.unit:
                    unit, _, problems = load(Unit, root / ref.path / UNIT_FILE, root)
                    if unit is None or unit.test is None:
                        raise GradingSetupError(
                            f"unit {self.unit!r} has no usable test specification: "
                            + ("; ".join(str(p) for p in problems) or "its unit.yaml has no `test:`"))
                    return unit.test
        raise GradingSetupError(f"unit {self.unit!r} is not in the catalogue")

    def course_secret(self) -> bytes | None:
        path = self.settings.data_path / SECRET_FILE
        return bytes.fromhex(path.read_text().strip()) if path.exists() else None
