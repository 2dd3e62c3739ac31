"""Errors a learner's own data file can cause."""

from __future__ import annotations

from course.exceptions import CourseError


class DataFileError(CourseError, ValueError):
    """A learner's CSV or Excel file could not be read or does not match the expected columns.

    ``column`` and ``row`` say where the fault is (``row`` counts as a spreadsheet does: the
    header is row 1, the first row of data is row 2), when that is known.
    """

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.column, self.row = column, row


class UnknownDatasetError(CourseError, KeyError):
    """No dataset has the name asked for."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])
