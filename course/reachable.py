"""Letting other local users reach this Python and the installed course.

Under ``odp hub`` every person's server and the course service run this Python as their own OS
users, and a grading kernel runs it as the sandbox user (course/grading/sandbox.py). Each folder
above the interpreter, the environment and the checkout must therefore let other users pass
through: a pyenv under /root (0700 on a fresh machine) would not. Only the right to pass through
is added (o+x), never the right to list or read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent  # the installed course (an editable install)


def let_others_through(report: Callable[[str], None] | None = None) -> list[Path]:
    """Add o+x to each folder above Python and the checkout that lacks it; the folders changed."""
    changed = []
    tops = {Path(os.path.realpath(sys.executable)), Path(sys.base_prefix).resolve(),
            Path(sys.prefix).resolve(), CHECKOUT}
    for top in tops:
        for folder in [p for p in top.parents if p != Path("/")]:
            mode = folder.stat().st_mode
            if not mode & 0o001:
                folder.chmod(mode | 0o001)
                changed.append(folder)
                if report:
                    report(f"let other users pass through {folder} (o+x) to reach Python and the course")
    return changed
