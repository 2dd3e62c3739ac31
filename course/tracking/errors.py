"""Errors the tracking store raises for bad input (plain-English messages for the CLI)."""

from __future__ import annotations

from course.exceptions import CourseError


class TrackingError(CourseError):
    """A tracking record or request could not be accepted (unknown learner, bad value, ...)."""
