"""Errors a learner's own data file can cause."""

from __future__ import annotations

from course.exceptions import CourseError


class DataFileError(CourseError, ValueError):
    """A learner's CSV or Excel file could not be read or does not match the expected columns.

    ``column`` and ``row`` say where the fault is (``row`` is the row number the spreadsheet
    shows, blank rows included), when that is known. ``kind`` names a fault the app offers a
    fix for: ``"date_order"`` (the learner says whether dates are day first or month first).
    """

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None,
                 kind: str | None = None) -> None:
        super().__init__(message)
        self.column, self.row, self.kind = column, row, kind


class UnknownDatasetError(CourseError, KeyError):
    """No dataset has the name asked for."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])
