"""The course home in Voila: :func:`course.apps.dashboards.show_home` (the course service's
home page, :mod:`course.pages.home`)."""

from course.apps.dashboards import show_home as show

__all__ = ["show"]
