"""What a unit notebook's hidden test cell calls when nbgrader autogrades it.

The released cell holds only a comment; nbgrader restores the hidden call at autograde::

    ### BEGIN HIDDEN TESTS
    from course.grading.cells import mark_test
    mark_test()
    ### END HIDDEN TESTS

The value shown is the score (nbgrader reads it as partial credit); its HTML form is what the
learner sees in feedback. In a learner's kernel this does nothing: keys never load there.
"""

from __future__ import annotations

from course.grading.context import GradingContext, GradingSetupError
from course.grading.marking import TestMark, mark_folder


def mark_test() -> TestMark:
    ctx = GradingContext.from_env()
    if ctx is None:
        # Fail closed: a hidden test that shows nothing earns full marks in nbgrader.
        raise GradingSetupError("this test cell was run outside grading: nothing was marked")
    return mark_folder(ctx.folder, ctx.bank, ctx.spec, learner=ctx.learner, attempt=ctx.attempt,
                       course_secret=ctx.course_secret(), data_path=ctx.settings.data_path)
