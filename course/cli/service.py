"""``odp service``: defined in course/service/command.py, which ``python -m course.service``
runs without importing the rest of the ``odp`` command."""

from course.service.command import command

__all__ = ["command"]
