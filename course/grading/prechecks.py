"""Looking at a submission before nbgrader grades it, to say plainly what is wrong with it.

nbgrader copes with most bad submissions but says little (a misnamed notebook is "skipped", a
deleted test cell is silent, edited locked cells are restored with a warning that every hidden
test also triggers). These checks name the problem; they never change the submission.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.grading.nbgrader_ext import IMPORTABLE
from course.record import RECORD_FILE
from course.serve.preheat import CELL as PREHEAT_CELL, TAG as PREHEAT_TAG

BIG_NOTEBOOK = 20 * 1024 * 1024  # bytes: outputs this large are worth telling the assessor about


@dataclass(frozen=True)
class Finding:
    fatal: bool      # nbgrader cannot grade the notebook
    message: str
    tamper: bool = False  # something the learner did to the course's notebook or folder: flagged


def _read(path: Path) -> tuple[nbformat.NotebookNode | None, Finding | None]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Finding(True, f"{path.name} is not UTF-8 text (bad byte at position {exc.start})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, Finding(True, f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})")
    try:
        if not isinstance(data, dict):
            raise ValueError("the top level is not a JSON object")
        nb = nbformat.reads(text, as_version=4)  # joins multi-line sources, upgrades old formats
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for a broken structure
        return None, Finding(True, f"{path.name} is not a valid notebook ({str(exc).splitlines()[0][:120]})")
    return nb, None


def is_preheat_cell(cell) -> bool:
    """The unit app's own preheat cell (course.serve.preheat), exactly as the course writes it:
    not something the learner added."""
    return PREHEAT_TAG in cell.get("metadata", {}).get("tags", []) and cell.source == PREHEAT_CELL


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def check_submission(folder: Path, released: dict[str, nbformat.NotebookNode]) -> list[Finding]:
    """``released``: the learner's copy of each notebook in the assignment, by file name."""
    folder = Path(folder)
    findings: list[Finding] = []
    present = sorted(p.name for p in folder.glob("*.ipynb"))
    for name, original in released.items():
        path = folder / name
        if not path.is_file():
            others = f" (found {', '.join(present)}: a notebook from another assignment?)" if present else ""
            findings.append(Finding(True, f"the submission has no {name}{others}"))
            continue
        if path.stat().st_size > BIG_NOTEBOOK:
            findings.append(Finding(False, f"{name} is {path.stat().st_size // 2**20} MB (outputs are cleared before grading)"))
        nb, problem = _read(path)
        if problem:
            findings.append(problem)
            continue
        expected = [c for c in original.cells if _grade_id(c)]
        got = {_grade_id(c): c for c in nb.cells if _grade_id(c)}
        missing = [_grade_id(c) for c in expected if _grade_id(c) not in got]
        if missing:
            findings.append(Finding(False, f"{name}: cell(s) {', '.join(missing)} were deleted (restored from the source)", True))
        order = [_grade_id(c) for c in nb.cells if _grade_id(c) in {_grade_id(e) for e in expected}]
        if order != [g for g in (_grade_id(e) for e in expected) if g in got]:
            findings.append(Finding(False, f"{name}: course cells were moved out of order", True))
        edited = [_grade_id(c) for c in expected if _grade_id(c) in got
                  and c.metadata["nbgrader"].get("locked") and got[_grade_id(c)].source != c.source]
        if edited:
            findings.append(Finding(False, f"{name}: read-only cell(s) {', '.join(edited)} were edited (restored from the source)", True))
        added = sum(1 for c in nb.cells if c.cell_type == "code" and not _grade_id(c) and not is_preheat_cell(c))
        if added:
            findings.append(Finding(False, f"{name}: the learner added {added} code cell(s)", True))
        text = sum(1 for c in nb.cells if c.cell_type in ("markdown", "raw") and not _grade_id(c))
        if text:
            findings.append(Finding(False, f"{name}: the learner added {text} text cell(s) (any markup in "
                                           "them is shown as text)", True))
    importable = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                        if p.is_file() and p.suffix.lower() in IMPORTABLE)
    if importable:
        shown = ", ".join(importable[:5]) + (f" and {len(importable) - 5} more" if len(importable) > 5 else "")
        findings.append(Finding(False, f"the submission holds code Python could import ({shown}): "
                                       "it was not given to the grading kernel", True))
    if not (folder / RECORD_FILE).is_file():
        findings.append(Finding(False, f"the submission has no response record ({RECORD_FILE})"))
    return findings
