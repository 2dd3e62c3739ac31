"""A learner's working folder: the only thing the learner-facing server can see.

It holds a released copy of each available unit, and nothing else from the course: the home
and the dashboards are the course service's pages (``course/service/pages.py``), never a
notebook here. Answer keys live in ``autograder/banks`` and are never copied here; the
tracking store and the course secret sit two levels up, outside what the server serves.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from course.content import CourseContent
from course.exam import write_public_items
from course.serve.preheat import with_preheat_cell
from course.grading.release import released

# The Voila home and dashboards earlier versions copied into the folder: taken out on the next
# start, so an old bookmark finds no page (Voila's `/` and these names redirect to the service).
RETIRED_APPS = ("home.ipynb", "progress.ipynb", "team.ipynb", "department.ipynb", "profession.ipynb")
# Files in a unit folder that a learner receives. Anything else (notes for authors,
# scratch files) stays behind.
RELEASED_SUFFIXES = {".ipynb", ".yaml", ".csv", ".md", ".png", ".svg"}


def learner_folder(data_path: Path, learner: str) -> Path:
    return data_path / "learners" / learner  # the same as Settings.learner_path


def prepare(course: CourseContent, data_path: Path, learner: str) -> Path:
    """Create or refresh the learner's folder: her units. A learner's own files (answers,
    records) are never overwritten: only course files are copied in."""
    folder = learner_folder(data_path, learner)
    folder.mkdir(parents=True, exist_ok=True)
    for name in RETIRED_APPS:
        (folder / name).unlink(missing_ok=True)
    for entry in course.entries:
        if entry.notebook is None:
            continue
        target = folder / entry.unit.id
        target.mkdir(exist_ok=True)
        for src in entry.folder.iterdir():
            if src.suffix == ".ipynb":
                # the unit notebook is an nbgrader source: the learner gets the released copy
                release_notebook(src, target / src.name)
            elif src.is_file() and src.suffix in RELEASED_SUFFIXES:
                shutil.copyfile(src, target / src.name)
        bank = course.banks.get(entry.unit.id)
        if bank is not None and entry.unit.test is not None:
            write_public_items(bank, entry.unit.test, target)  # the test's items, without the keys
    return folder


def release_notebook(src: Path, target: Path) -> None:
    """The learner's copy of a unit notebook (nbgrader's release steps), whose first cell
    waits for the page request so a preheated kernel never shows a stale record (preheat.py)."""
    nb = with_preheat_cell(released(nbformat.read(src, as_version=4)))
    nbformat.write(nb, target)
