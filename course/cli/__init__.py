"""The ``odp`` command. Each verb is one module in this package with one click command."""

from __future__ import annotations

import click

from course import __version__
from course.cli import catalogue, grade, grading, hub, marking, scaffold, serve, service, validate
from course.exceptions import CourseError


class Group(click.Group):
    """Shows a CourseError as a plain message and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CourseError as exc:
            click.echo(f"odp: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="odp")
def main() -> None:
    """Operational Delivery Profession course tools: content, grading, the course app."""


for command in (validate.command, catalogue.command, scaffold.command, serve.command,
                grading.stage_command, grading.results_command, grading.publish_command, grading.item_analysis_command,
                grade.command, marking.command, service.command, hub.command):
    main.add_command(command)

