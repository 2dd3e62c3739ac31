"""Staging resit attempts as their own nbgrader assignments, so the gradebook keeps every attempt.

A learner resits in the same folder, and ``nbgrader collect --update`` brings in their latest
submission, whose record holds every attempt. For each attempt after the first, this makes the
assignment ``<unit>-attempt-<n>`` (its source links to the same unit folder), registers it with
``nbgrader generate_assignment``, and copies the submission to ``submitted/<learner>/<unit>-attempt-<n>/``
with its timestamp. Then ``nbgrader autograde <unit>-attempt-<n>`` marks that attempt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.exceptions import RecordError
from course.grading.sittings import assignment_for
from course.record import RECORD_FILE, read_record
from course.widgets.test import TEST_ITEM


@dataclass(frozen=True)
class Staged:
    learner: str
    attempt: int
    assignment: str


@dataclass(frozen=True)
class Skipped:
    learner: str
    reason: str


def attempts_in(folder: Path) -> list[int]:
    _, entries = read_record(folder / RECORD_FILE)
    return sorted({e.attempt for e in entries if e.item == TEST_ITEM and e.kind in ("start", "submit")})


def _link_source(course_dir: Path, unit: str, assignment: str) -> None:
    link = course_dir / "source" / assignment
    if link.exists() or link.is_symlink():
        return
    first = course_dir / "source" / unit
    if not first.exists():
        raise FileNotFoundError(f"no source assignment {first}: is {unit!r} a unit of this course?")
    target = os.readlink(first) if first.is_symlink() else first.name
    link.symlink_to(target, target_is_directory=True)


def stage_resits(course_dir: Path, unit: str) -> tuple[list[Staged], list[Skipped]]:
    course_dir = Path(course_dir).resolve()
    staged, skipped = [], []
    for folder in sorted((course_dir / "submitted").glob(f"*/{unit}")):
        learner = folder.parent.name
        try:
            numbers = attempts_in(folder)
        except RecordError as exc:
            skipped.append(Skipped(learner, str(exc)))
            continue
        for n in (a for a in numbers if a > 1):
            assignment = assignment_for(unit, n)
            _link_source(course_dir, unit, assignment)
            dest = folder.parent / assignment
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(folder, dest)
            staged.append(Staged(learner, n, assignment))
    for assignment in sorted({s.assignment for s in staged}):
        # registers the attempt's notebook and grade cells in the gradebook
        subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_assignment", assignment,
                        "--force"], cwd=course_dir, check=True, capture_output=True, text=True)
    return staged, skipped
