"""``python -m course.service``: the same as ``odp service``."""

from course.cli.service import command

command()
