"""A unit test's score worked out again where no learner code runs, after nbgrader has graded it.

nbgrader's hidden test computes the score inside the grading kernel, where code the learner
added has already run and could have replaced the marking (``course.grading.cells.mark_test``,
say). `odp grade` therefore marks the record again in its own process, from the copy it
collected, by the same rule (:func:`course.grading.marking.mark_folder`), and if the gradebook's
test cell disagrees it writes the record's score there, through nbgrader's API, and flags the
submission with both figures.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from course.config import Settings
from course.content.repository import BANKS_DIR
from course.content.scaffold import TEST_CELL_ID
from course.grading.context import GradingContext
from course.grading.marking import mark_folder
from course.grading.sittings import parse_assignment
from course.record import RECORD_FILE


@lru_cache(maxsize=16)
def _bank_and_spec(content_root: Path, assignment: str):
    ctx = GradingContext("", assignment, Path("."), Settings(content_root=content_root))
    return ctx.bank, ctx.spec


def remark(db_url: str, settings: Settings, assignment: str, learner: str,
           collected: dict[str, bytes]) -> str | None:
    """The note to flag the submission with if the gradebook's test score was not the record's."""
    unit, attempt = parse_assignment(assignment)
    if not (settings.content_root / BANKS_DIR / f"{unit}.yaml").is_file():
        return None  # not a unit test: nothing is scored from a record
    bank, spec = _bank_and_spec(settings.content_root, assignment)
    secret = GradingContext(learner, assignment, Path("."), settings).course_secret()
    with tempfile.TemporaryDirectory(prefix="odp-remark-") as tmp:
        if RECORD_FILE in collected:
            (Path(tmp) / RECORD_FILE).write_bytes(collected[RECORD_FILE])
        mark = mark_folder(Path(tmp), bank, spec, learner=learner, attempt=attempt,
                           course_secret=secret, data_path=settings.data_path)
    with Gradebook(db_url) as gb:
        try:
            sub = gb.find_submission(assignment, learner)
        except MissingEntry:
            return None
        for nb in sub.notebooks:
            for grade in nb.grades:
                if grade.cell.name != TEST_CELL_ID or grade.manual_score is not None:
                    continue
                if grade.auto_score is not None and abs(grade.auto_score - mark.score) < 1e-9:
                    return None
                reported = "nothing" if grade.auto_score is None else f"{grade.auto_score:g}"
                grade.auto_score, grade.needs_manual_grade = mark.score, False
                nb.flagged = True
                gb.db.commit()
                return (f"The notebook's own test cell reported {reported}, but the record earns "
                        f"{mark.score:g} of {mark.max_score}: code in the submission changed the marking, "
                        "and the record's score stands.")
    return None
