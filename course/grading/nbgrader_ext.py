"""nbgrader preprocessors that connect it to the course. ``autograder/nbgrader_config.py``
puts them in nbgrader's own pipelines, so the assessor types nbgrader's own commands.

- ``WriteTestItems`` (generate_assignment): writes the key-free ``test-items.json`` into the
  release, from the unit's item bank.
- ``RestoreCourseCells`` (autograde, sanitize step): deleted course cells back; code cells the
  learner added dropped, course code cells put back as released (a tamper note for each).
- ``SaveMarkingNotes`` (autograde, after SaveAutoGrades): puts the marking notes (e.g. why an
  answer failed its tamper check) in the gradebook as an automatic comment and flags the
  submission for the assessor.
- ``IsolatedExecute`` (autograde, in place of Execute): the kernel works in a private copy of
  the submission, away from every other learner's work, with nothing importable in it, a minimal
  environment and, when the grader is root, in the grading sandbox (``course.grading.sandbox``).
- ``ScoreFromRecord`` (autograde, after IsolatedExecute): the test cell's outputs are replaced by
  the mark worked out here, in the grader's process, from the collected record; whatever the
  kernel printed for that cell is discarded.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path

import nbformat

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Comment, Gradebook
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.coursedir import CourseDirectory
from traitlets import List, Unicode

from course.config import Settings
from course.content import load_course
from course.content.scaffold import TEST_CELL_ID
from course.exam import write_public_items
from course.grading import sandbox
from course.grading.context import GradingContext
from course.grading.marking import mark_folder
from course.grading.saved import KERNEL_ANSWERS, write_kernel_answers
from course.grading.sittings import parse_assignment
from course.record import RECORD_FILE

# Where the sanitize step leaves its tamper notes for the autograde step (nbgrader runs the two
# as separate conversions); the sanitize step always overwrites it, so a learner cannot set it.
NOTES_KEY = "odp_grading"


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
    """The sanitize step: what runs at autograde is the course's code, plus the learner's own
    editable code cells and nothing else.

    - Course cells a learner deleted come back, in their place, before nbgrader's OverwriteCells
      restores their content. (nbgrader's own ``add_missing_cells`` fails with a KeyError when the
      cell before a deleted test cell is a read-only cell, as in our notebooks.)
    - A code cell that is not in the release (added, or its nbgrader id or cell id changed) is
      dropped: it never runs.
    - A course code cell (in the release, not a solution cell) gets the release's source back.
    - The learner's own code (solution code cells, and a Level 7 workbook's editable analysis
      cells: in the release with no nbgrader metadata, known by their cell id) stays as she wrote it.

    What was dropped or put back is noted in the notebook's metadata for ``ScoreFromRecord`` and
    ``SaveMarkingNotes`` (the assessor sees it; the submission is flagged)."""

    release_directory = Unicode("", help="Absolute path of the nbgrader course's release folder.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        nb.metadata.pop(NOTES_KEY, None)  # only this step writes it
        released = released_notebook(self.release_directory, resources)
        if released is None:
            return nb, resources
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
        nb.cells, added, reset = sanitize_code_cells(cells, released)
        notes = []
        if added:
            notes.append(f"Changed by the learner: added {added} code cell{'s' if added != 1 else ''}: "
                         "removed, not run.")
        if reset:
            notes.append(f"Changed by the learner: edited {reset} of the course's code cell{'s' if reset != 1 else ''}: "
                         "put back as released before it ran.")
        if notes:
            self.log.warning("Sanitized %s/%s: %s", resources["nbgrader"]["student"],
                             resources["nbgrader"]["assignment"], " ".join(notes))
            nb.metadata[NOTES_KEY] = {"notes": notes}
        return nb, resources


def released_notebook(release_directory: str, resources: ResourcesDict) -> NotebookNode | None:
    info = resources["nbgrader"]
    path = Path(release_directory) / info["assignment"] / f"{info['notebook']}.ipynb"
    return nbformat.read(path, as_version=4) if path.is_file() else None


def _editable_ids(released: NotebookNode) -> set[str]:
    """The release's code cells the learner may change: no nbgrader metadata (a workbook's
    analysis cells), or solution cells."""
    return {c.get("id") for c in released.cells if c.cell_type == "code" and c.get("id")
            and (not _gid(c) or utils.is_solution(c))}


def sanitize_code_cells(cells: list, released: NotebookNode) -> tuple[list, int, int]:
    """The cells with every code cell not in the release dropped and every course code cell's
    source put back; and how many were dropped and put back."""
    from course.grading.prechecks import is_preheat_cell  # (prechecks imports this module)

    by_gid = {_gid(c): c for c in released.cells if _gid(c)}
    editable = _editable_ids(released) - {c.get("id") for c in released.cells if _gid(c)}
    kept, seen, added, reset = [], set(), 0, 0
    for cell in cells:
        if cell.cell_type != "code":
            kept.append(cell)
            continue
        gid = _gid(cell)
        if gid:
            ours = by_gid.get(gid)
            if ours is None or ours.cell_type != "code" or gid in seen:
                added += 1
                continue
            seen.add(gid)
            if not utils.is_solution(ours) and cell.source != ours.source:
                # (the test cell's hidden part is put back after this by nbgrader's OverwriteCells)
                cell.source = ours.source
                reset += 1
            kept.append(cell)
        elif cell.get("id") in editable and cell.get("id") not in seen:
            seen.add(cell.get("id"))
            kept.append(cell)
        elif not is_preheat_cell(cell):  # the unit app's own cell is the course's: dropped, not counted
            added += 1
    return kept, added, reset


def learner_code(nb: NotebookNode, released: NotebookNode | None) -> list[int]:
    """The code cells (1-based) whose source is not the release's: the learner's own code."""
    if released is None:
        return [i for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    ours = {c.get("id"): c.source for c in released.cells if c.cell_type == "code"}
    ours.update({_gid(c): c.source for c in released.cells if c.cell_type == "code" and _gid(c)})
    mine = []
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code" or (_gid(cell) and not utils.is_solution(cell)):
            continue  # course code: its source is the release's (sanitize step)
        key = _gid(cell) or cell.get("id")
        if ours.get(key, "").strip() != cell.source.strip():
            mine.append(i)
    return mine


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


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
        if resources.get("odp_notes"):  # no test cell took them (a written assignment)
            from course.grading.failed import flag_submission

            flag_submission(info["db_url"], info["assignment"], info["student"], " ".join(resources["odp_notes"]))
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
    """nbgrader's ``Execute``, with the kernel in a private copy of the submission's folder, with
    a minimal environment, and in the grading sandbox when the grader is root.

    nbgrader runs the kernel in ``autograded/<learner>/<assignment>``, beside every other
    learner's work, with the folder first on ``sys.path`` and the grader's whole environment.
    Here the kernel's folder is a fresh private copy holding nothing importable, removed when the
    notebook has run, and the kernel is a ``GradingKernelManager``'s (``course.grading.kernels``).
    The learner's trusted saved answers are worked out here and left in that folder for the
    kernel (a workbook shows its saved analyses): the kernel never needs the course secret.
    A notebook holding learner code is not run at all where no sandbox can be made."""

    release_directory = Unicode("", help="Absolute path of the nbgrader course's release folder.").tag(config=True)
    hidden_paths = List(Unicode(), help="Folders and files a sandboxed grading kernel must not see "
                        "(covered in its mount namespace), besides the nbgrader course folder.").tag(config=True)

    def __init__(self, *args, **kwargs):
        from traitlets.utils.importstring import import_item

        from course.grading.kernels import GradingKernelManager

        super().__init__(*args, **kwargs)
        # nbgrader's Execute passes its default kernel manager as an argument, which would win over
        # the config's (`odp grade` configures the forked one): the config's, else ours.
        wanted = (self.config.get("IsolatedExecute", {}).get("kernel_manager_class")
                  or self.config.get("Execute", {}).get("kernel_manager_class") or GradingKernelManager)
        self.kernel_manager_class = import_item(wanted) if isinstance(wanted, str) else wanted
        if not issubclass(self.kernel_manager_class, GradingKernelManager):
            raise ValueError("IsolatedExecute needs a course.grading.kernels.GradingKernelManager, not "
                             f"{self.kernel_manager_class.__name__}")
        self._sandbox: sandbox.Sandbox | None = None

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict, km=None):
        info = resources["nbgrader"]
        resources["odp_notes"] = list(nb.metadata.pop(NOTES_KEY, {}).get("notes", []))
        folder = Path(resources["metadata"]["path"])
        settings = Settings()
        self._sandbox = None
        if sandbox.available():
            course_root = CourseDirectory(config=self.config).root
            self._sandbox = sandbox.Sandbox.for_grading(
                settings.sandbox_user, [course_root, *self.hidden_paths, Path.home()])
        else:
            mine = learner_code(nb, released_notebook(self.release_directory, resources))
            if mine:
                raise sandbox.SandboxError(
                    f"{info['notebook']}.ipynb holds the learner's own code (cell{'s' if len(mine) != 1 else ''} "
                    f"{', '.join(map(str, mine))}): it {sandbox.NEEDS_SANDBOX}")
        work = private_copy(folder)
        write_kernel_answers(folder, work, info["student"], info["assignment"], settings)
        if self._sandbox is not None:
            self._sandbox.give(work)
        resources["metadata"]["path"] = str(work)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            resources["metadata"]["path"] = str(folder)
            shutil.rmtree(work, ignore_errors=True)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.sandbox = self._sandbox
        return km


class ScoreFromRecord(NbGraderPreprocessor):
    """autograde, after IsolatedExecute and before SaveAutoGrades: the unit test's score, from
    the submission's record as collected, by the one marking rule
    (:func:`course.grading.marking.mark_folder`), in the grader's own process. The test cell's
    outputs become that mark (nbgrader reads its plain text as partial credit; its HTML is what
    the learner sees in feedback); whatever the kernel printed there is discarded. The sanitize
    step's tamper notes join the mark's notes."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        cells = [c for c in nb.cells if c.cell_type == "code" and utils.is_grade(c) and _gid(c) == TEST_CELL_ID]
        if not cells:
            return nb, resources
        info = resources["nbgrader"]
        collected = Path(CourseDirectory(config=self.config).format_path(
            "submitted", info["student"], info["assignment"]))
        settings = Settings()
        ctx = GradingContext(info["student"], info["assignment"], collected, settings)
        mark = mark_folder(collected, ctx.bank, ctx.spec, learner=ctx.learner, attempt=ctx.attempt,
                           course_secret=ctx.course_secret(), data_path=settings.data_path)
        notes = tuple(resources.get("odp_notes", []))
        if notes:
            mark = dataclasses.replace(mark, notes=mark.notes + notes, flagged=True)
            resources["odp_notes"] = []  # now in the mark's notes: SaveMarkingNotes saves them
        data, meta = mark._repr_mimebundle_()
        for cell in cells:
            cell.outputs = [nbformat.v4.new_output("execute_result", data=data, metadata=meta,
                                                   execution_count=cell.get("execution_count"))]
        return nb, resources


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
