"""``python -m course.service``: the same as ``odp service``."""

from course.service.command import command

command()
