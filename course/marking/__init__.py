"""Marking written assignments against the examiner's marking points (Level 4 and above).

- :mod:`~course.marking.rubric` — each task's criteria as a rubric, and the unit's pass rule;
- :mod:`~course.marking.book` — marking a submission criterion by criterion, second marking of
  a sample (internal quality assurance), resolving disagreements, the comment bank and the
  audit trail; results go into nbgrader's gradebook through nbgrader's API;
- :mod:`~course.marking.store` — our tables, kept in the gradebook database;
- :mod:`~course.marking.iqa` — drawing each assessor's sample for second marking;
- :mod:`~course.marking.similarity` — near-copies of another learner's answer, with passages;
- :mod:`~course.marking.feedback` — what the learner is told for each criterion;
- :mod:`~course.marking.app` and ``marking.ipynb`` — the assessor's Voila app;
- :mod:`~course.marking.server` — starting that app (``odp mark serve``).

See ``docs/marking.md``.
"""
