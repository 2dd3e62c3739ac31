"""What `odp grade` writes into nbgrader's gradebook beside nbgrader's own steps: a submission that
failed to grade keeps no score anywhere, and a flag with its reason.

nbgrader removes a failed submission's autograded folder but leaves the gradebook as it was,
so a regrade that fails shows the earlier score in the formgrader and in ``nbgrader export``.
Here, through nbgrader's own gradebook API, every grade of the submission is cleared and marked
as needing the assessor, the submission is flagged, and the stale autograded copy and feedback
(made from the earlier grading) are removed, so nothing can be published or released from them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry


def withdraw_score(db_url: str, course_dir: Path, assignment: str, learner: str) -> bool:
    """Clear what the gradebook holds for this submission; True if it held anything."""
    held = False
    with Gradebook(db_url) as gb:
        try:
            sub = gb.find_submission(assignment, learner)
        except MissingEntry:
            sub = None
        if sub is not None:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    held |= grade.auto_score is not None or grade.manual_score is not None
                    grade.auto_score = grade.manual_score = grade.extra_credit = None
                    grade.needs_manual_grade = True
                nb.flagged = True
            gb.db.commit()
    for folder in ("autograded", "feedback"):
        stale = Path(course_dir) / folder / learner / assignment
        if stale.is_dir():
            shutil.rmtree(stale)
            held = True
    return held


def flag_submission(db_url: str, assignment: str, learner: str, note: str) -> None:
    """Flag a graded submission for the assessor and add ``note`` to the test cell's automatic
    comment (where the marking notes are: course.grading.nbgrader_ext.SaveMarkingNotes)."""
    from nbgrader.api import Comment

    with Gradebook(db_url) as gb:
        try:
            sub = gb.find_submission(assignment, learner)
        except MissingEntry:
            return
        for nb in sub.notebooks:
            nb.flagged = True
            grades = [g for g in nb.grades if g.cell.cell_type == "code"] or list(nb.grades)
            if grades:
                cell = grades[-1].cell
                comment = gb.db.query(Comment).filter_by(notebook_id=nb.id, cell_id=cell.id).one_or_none()
                if comment is None:
                    comment = Comment(notebook_id=nb.id, cell_id=cell.id)
                    gb.db.add(comment)
                if note not in (comment.auto_comment or ""):
                    comment.auto_comment = "\n".join(filter(None, [comment.auto_comment, note]))
        gb.db.commit()
