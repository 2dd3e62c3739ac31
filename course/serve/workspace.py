"""A learner's working folder: the only thing the learner-facing server can see.

It holds the course home app and a released copy of each available unit. Answer keys live in
``autograder/banks`` and are never copied here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from course.content import CourseContent
from course.exam import write_public_items

APPS = Path(__file__).resolve().parent.parent / "apps"
HOME = "home.ipynb"
# Files in a unit folder that a learner receives. Anything else (notes for authors,
# scratch files) stays behind.
RELEASED_SUFFIXES = {".ipynb", ".yaml", ".csv", ".md", ".png", ".svg"}


def learner_folder(data_path: Path, learner: str) -> Path:
    return data_path / "learners" / learner


def prepare(course: CourseContent, data_path: Path, learner: str) -> Path:
    """Create or refresh the learner's folder. A learner's own files (answers, records) are
    never overwritten: only course files are copied in."""
    folder = learner_folder(data_path, learner)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(APPS / HOME, folder / HOME)
    for entry in course.entries:
        if entry.notebook is None:
            continue
        target = folder / entry.unit.id
        target.mkdir(exist_ok=True)
        for src in entry.folder.iterdir():
            if src.is_file() and src.suffix in RELEASED_SUFFIXES:
                shutil.copyfile(src, target / src.name)
        bank = course.banks.get(entry.unit.id)
        if bank is not None:
            write_public_items(bank, target)  # the test's items, without the keys
    return folder
