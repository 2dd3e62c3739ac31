"""Grading: what nbgrader calls to mark a unit test, `odp grade` for a cohort, resits, results,
the provisional scorer and the answer-key leak scan. See docs/grading.md."""
