"""Units in nbgrader's exchange, and a learner's copies of them.

``odp hub`` publishes the released copy of every unit to the exchange's outbound folder (what
``nbgrader release_assignment`` makes: nbgrader's release steps, the test's items without their
keys, nothing from the banks). A learner's server starts with her own copy of each, made as
``nbgrader fetch_assignment`` would (a unit she already has is never overwritten: her answers are
in it). The service hands attempts in to ``inbound``, which learners cannot enter: a hand-made
``nbgrader submit`` cannot reach the assessor.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from course.content import CourseContent
from course.exam import write_public_items
from course.grading.release import write_released
from course.hub import accounts
from course.serve.workspace import RELEASED_SUFFIXES


def prepare_exchange(exchange: Path, course_id: str, staff: str) -> Path:
    """The exchange's folders and modes: outbound readable by all, inbound and feedback for
    the staff group (the service is in it); learners may pass through but write nothing."""
    root = exchange / course_id
    # nbgrader's commands want the exchange root writable by whoever runs them: the staff group.
    modes = {exchange: 0o2775, root: 0o2775, root / "outbound": 0o2775, root / "inbound": 0o2770,
             root / "feedback": 0o2771}
    for folder, mode in modes.items():
        folder.mkdir(parents=True, exist_ok=True)
        accounts.chown(folder, "root", staff)
        folder.chmod(mode)
    return root


def publish(course: CourseContent, exchange: Path, course_id: str) -> list[str]:
    """Every unit with a notebook, released to ``outbound/<unit>/`` (replaced whole, so a
    learner never fetches half a release)."""
    outbound = exchange / course_id / "outbound"
    done = []
    for entry in course.entries:
        if entry.notebook is None:
            continue
        unit = entry.unit.id
        work = outbound / f".{unit}.partial"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(mode=0o755)
        for src in entry.folder.iterdir():
            if src.suffix == ".ipynb":
                write_released(src, work / src.name)
            elif src.is_file() and src.suffix in RELEASED_SUFFIXES:
                shutil.copyfile(src, work / src.name)
        bank = course.banks.get(unit)
        if bank is not None and entry.unit.test is not None:
            write_public_items(bank, entry.unit.test, work)
        for path in work.iterdir():
            path.chmod(0o644)
        old = outbound / f".{unit}.old"
        shutil.rmtree(old, ignore_errors=True)
        if (outbound / unit).exists():
            os.replace(outbound / unit, old)
        os.replace(work, outbound / unit)
        shutil.rmtree(old, ignore_errors=True)
        done.append(unit)
    return done


def fetch_all(exchange: Path, course_id: str, home: Path, uid: int, gid: int) -> list[str]:
    """Copy into ``home`` each released unit she does not have yet, owned by her."""
    outbound = exchange / course_id / "outbound"
    fetched = []
    for unit in sorted(p for p in outbound.iterdir() if p.is_dir() and not p.name.startswith(".")):
        target = home / unit.name
        if target.exists():
            continue
        shutil.copytree(unit, target)
        for path in [target, *target.rglob("*")]:
            os.chown(path, uid, gid)
        target.chmod(0o700)
        fetched.append(unit.name)
    return fetched
