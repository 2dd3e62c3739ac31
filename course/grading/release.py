"""A learner's copy of a unit notebook, made with nbgrader's own release preprocessors.

``nbgrader generate_assignment`` does this for assessors; the course server does it in-process
when it prepares a learner's folder, so a learner-facing server never holds a source notebook
(hidden test cells, solutions, mark schemes).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.preprocessors import (
    ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions, LockCells,
)

_STEPS = (LockCells, ClearSolutions, ClearOutput, ClearHiddenTests, ClearMarkScheme)


def released(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    resources: dict = {}
    for step in _STEPS:
        nb, resources = step().preprocess(nb, resources)
    return nb


def write_released(source: Path, target: Path) -> Path:
    nbformat.write(released(nbformat.read(source, as_version=4)), target)
    return target
