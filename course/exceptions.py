"""The project's small exception hierarchy.

Every error a user can cause derives from :class:`CourseError`, so the CLI can show it as a
plain-English message and exit non-zero instead of printing a traceback.
"""

from __future__ import annotations


class CourseError(Exception):
    """Base class for errors caused by content, records or user input."""


class ContentError(CourseError):
    """Course content failed to load or validate.

    ``problems`` holds one :class:`course.content.problems.Problem` per fault so that a
    subject expert sees every fault in one run, not just the first.
    """

    def __init__(self, problems: list) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RecordError(CourseError):
    """A learner's response record could not be read or trusted."""


class RecordMissingError(RecordError):
    """There is no response record where one was expected."""


class RecordDamagedError(RecordError):
    """The record file is not a well-formed record (bad JSON, bytes or fields)."""


class RecordVersionError(RecordError):
    """The record was written in a format version this software does not read."""


class RecordOwnerError(RecordError):
    """The record belongs to a different learner or unit."""
