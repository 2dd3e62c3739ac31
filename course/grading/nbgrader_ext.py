"""nbgrader preprocessors that connect it to the course. ``autograder/nbgrader_config.py``
puts them in nbgrader's own pipelines, so the assessor types nbgrader's own commands.

- ``WriteTestItems`` (generate_assignment): writes the key-free ``test-items.json`` into the
  release, from the unit's item bank.
- ``SetGradingContext`` (autograde, before Execute): tells the kernel whose submission it is.
- ``SaveMarkingNotes`` (autograde, after SaveAutoGrades): puts the marking notes (e.g. why an
  answer failed its tamper check) in the gradebook as an automatic comment and flags the
  submission for the assessor.
- ``IsolatedExecute`` (autograde, in place of Execute): the kernel works in a private copy of
  the submission, away from every other learner's work, with nothing importable in it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nbformat

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Comment, Gradebook
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Unicode

from course.config import Settings
from course.content import load_course
from course.exam import write_public_items
from course.grading.context import ASSIGNMENT_ENV, LEARNER_ENV
from course.grading.sittings import parse_assignment
from course.record import RECORD_FILE


class WriteTestItems(NbGraderPreprocessor):
    release_directory = Unicode(
        "", help="Absolute path of the nbgrader course's release folder (set in nbgrader_config.py)."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        assignment = resources["nbgrader"]["assignment"]
        unit, _ = parse_assignment(assignment)
        if not self.release_directory:
            raise ValueError("WriteTestItems.release_directory is not set in nbgrader_config.py")
        release = Path(self.release_directory) / assignment
        # A source folder an author has run holds their record: it is never released.
        for stray in (RECORD_FILE, f".{RECORD_FILE}.lock"):
            (release / stray).unlink(missing_ok=True)
        course = load_course(Settings().content_root)
        bank = course.banks.get(unit)
        spec = course.units[unit].test if unit in course.units else None
        if bank is not None and spec is not None:
            write_public_items(bank, spec, release)
        return nb, resources


class RestoreCourseCells(NbGraderPreprocessor):
    """Puts back course cells a learner deleted, in their place, before nbgrader's OverwriteCells
    restores their content. (nbgrader's own ``add_missing_cells`` fails with a KeyError when the
    cell before a deleted test cell is a read-only cell, as in our notebooks.)"""

    release_directory = Unicode("", help="Absolute path of the nbgrader course's release folder.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        path = Path(self.release_directory) / info["assignment"] / f"{info['notebook']}.ipynb"
        if not path.is_file():
            return nb, resources
        released = nbformat.read(path, as_version=4)
        have = {_gid(c) for c in nb.cells if _gid(c)}
        cells, last_known = list(nb.cells), -1
        for cell in released.cells:
            gid = _gid(cell)
            if not gid:
                continue
            if gid in have:
                last_known = next(i for i, c in enumerate(cells) if _gid(c) == gid)
            else:
                self.log.warning("Course cell %s was deleted: putting it back", gid)
                last_known += 1
                cells.insert(last_known, cell)
        nb.cells = cells
        return nb, resources


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


class SetGradingContext(NbGraderPreprocessor):
    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        # The kernel nbgrader starts next inherits this process's environment.
        os.environ[LEARNER_ENV] = resources["nbgrader"]["student"]
        os.environ[ASSIGNMENT_ENV] = resources["nbgrader"]["assignment"]
        return nb, resources


class SaveMarkingNotes(NbGraderPreprocessor):
    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        notes: list[str] = []
        flagged = False
        for cell in nb.cells:
            if not utils.is_grade(cell) or cell.cell_type != "code":
                continue
            for out in cell.get("outputs", []):
                meta = out.get("metadata", {}).get("odp")
                if out.get("output_type") == "execute_result" and meta:
                    notes += meta.get("notes", [])
                    flagged |= bool(meta.get("flagged"))
                    grade_id = cell.metadata["nbgrader"]["grade_id"]
                    with Gradebook(info["db_url"]) as gb:
                        self._save(gb, info, grade_id, notes, flagged)
        return nb, resources

    @staticmethod
    def _save(gb: Gradebook, info: dict, grade_id: str, notes: list[str], flagged: bool) -> None:
        submission = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
        cell = gb.find_grade_cell(grade_id, info["notebook"], info["assignment"])
        # nbgrader keeps comments for answer cells only; a comment row on the test cell holds
        # the autograder's notes without changing nbgrader's tables.
        comment = gb.db.query(Comment).filter_by(notebook_id=submission.id, cell_id=cell.id).one_or_none()
        if comment is None:
            comment = Comment(notebook_id=submission.id, cell_id=cell.id)
            gb.db.add(comment)
        comment.auto_comment = "\n".join(notes) or None
        if flagged:  # never clear a flag an assessor set
            submission.flagged = True
        gb.db.commit()


# Files a kernel could import from its working folder (the folder is first on sys.path): a
# submission that ships them could replace the course's own code, the grader's included.
IMPORTABLE = (".py", ".pyc", ".pyo", ".pyw", ".pyd", ".so", ".pth", ".egg", ".whl", ".zip")


def private_copy(folder: Path) -> Path:
    """A copy of a submission's folder in a new private folder (mode 0700, outside the course),
    without anything importable: the kernel's working folder."""
    work = Path(tempfile.mkdtemp(prefix="odp-kernel-"))
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or "__pycache__" in rel.parts:
            continue
        if path.suffix.lower() in IMPORTABLE or any(p.endswith(".egg-info") for p in rel.parts):
            continue
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, work / rel)
    return work


class IsolatedExecute(Execute):
    """nbgrader's ``Execute``, with the kernel in a private copy of the submission's folder.

    nbgrader runs the kernel in ``autograded/<learner>/<assignment>``, beside every other
    learner's work, with the folder first on ``sys.path``. Here the kernel's folder is a fresh
    private copy holding nothing importable, removed when the notebook has run; the steps after
    this one read the autograded folder as before."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict, km=None):
        folder = Path(resources["metadata"]["path"])
        work = private_copy(folder)
        resources["metadata"]["path"] = str(work)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            resources["metadata"]["path"] = str(folder)
            shutil.rmtree(work, ignore_errors=True)


class RefuseLeakyFeedback(NbGraderPreprocessor):
    """generate_feedback, last: feedback that would hold an answer key, a bank's prose, the
    grader's code or the course secret is not written (nbgrader reports that submission as
    failed and writes the others), so ``release_feedback`` can never send it."""

    _prints: list | None = None  # per process: the banks are read once

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        from course.grading.leaks import grading_fingerprints, refuse_leaks

        if RefuseLeakyFeedback._prints is None:
            settings = Settings()
            RefuseLeakyFeedback._prints = grading_fingerprints(settings.content_root, settings.data_path)
        info = resources["nbgrader"]
        refuse_leaks(nbformat.writes(nb), f"{info['student']}/{info['assignment']}/{info['notebook']}",
                     RefuseLeakyFeedback._prints)
        return nb, resources
