"""What a unit notebook's hidden test cell calls when nbgrader autogrades it.

The released cell holds only a comment; nbgrader restores the hidden call at autograde::

    ### BEGIN HIDDEN TESTS
    from course.grading.cells import mark_test
    mark_test()
    ### END HIDDEN TESTS

The kernel marks nothing: the score is worked out in the grader's own process, from the collected
record, by ``course.grading.nbgrader_ext.ScoreFromRecord``, which replaces this cell's outputs.
The kernel has neither the item bank nor the course secret, and runs whatever code the learner
sent. So this call fails closed: if ScoreFromRecord is missing (a hand-edited config) the cell's
error scores 0, never full marks (a hidden test that shows nothing earns full marks in nbgrader).
"""

from __future__ import annotations

from course.grading.context import GradingSetupError


def mark_test() -> None:
    raise GradingSetupError("the test is marked by the grader from the response record, not in this "
                            "kernel: nothing was marked here (is ScoreFromRecord in the autograde steps?)")
