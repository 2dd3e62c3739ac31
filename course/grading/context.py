"""What the grader knows, in its own process (never in a grading kernel): whose submission,
which unit and attempt, where the item bank and the course secret are. The item bank is read
from the course, never from the submission.
"""

from __future__ import annotations

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

class GradingSetupError(CourseError):
    """The grader cannot find what it needs (item bank, unit, qualification)."""


@dataclass(frozen=True)
class GradingContext:
    learner: str
    assignment: str
    folder: Path
    settings: Settings

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
