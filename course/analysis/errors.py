"""The error the analysis toolkit raises for inputs it cannot work with."""

from __future__ import annotations

from course.exceptions import CourseError


class AnalysisError(CourseError, ValueError):
    """An analysis was given inputs it cannot use (zero, negative, too short, unstable).

    It is also a ``ValueError`` so code that already catches bad values keeps working.
    """
