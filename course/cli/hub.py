"""``odp hub``: the course for many learners on this machine (JupyterHub; docs/hub.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from course.config import Settings


@click.group("hub", invoke_without_command=True)
@click.pass_context
def command(ctx: click.Context) -> None:
    """Set up and run JupyterHub, the course service, PostgreSQL and the culler (as root)."""
    if ctx.invoked_subcommand is None:
        from course.hub.start import run

        sys.exit(run(Settings()))


@command.command("enrol")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def enrol(roster: Path) -> None:
    """Create or update accounts, hub groups and enrolments from ROSTER.csv
    (id,name,department,line_manager,qualification,role). Only changes are applied."""
    from course.content import require_course
    from course.hub import roster as rosters
    from course.hub.hubapi import HubAPI
    from course.hub.layout import HubLayout
    from course.hub.postgres import Cluster
    from course.tracking.db import session_scope

    settings = Settings()
    layout = HubLayout(settings.hub_dir)
    known = layout.read_secrets(create=False)
    course = require_course(settings.content_root)
    people, problems = rosters.read(roster, course)
    hub = HubAPI(f"http://127.0.0.1:{settings.hub_api_port}/hub/api", known["admin_token"])
    store = Cluster(layout.postgres, layout.postgres_run, settings.hub_postgres_port).url(
        "odp_service", known["db_service"], "course")
    with session_scope(store) as session:
        report = rosters.apply(people, hub, session, course, course_id=settings.hub_course_id,
                               staff_group=settings.hub_staff_group, passwords=layout.passwords_file)
    problems = sorted([*problems, *report.problems], key=lambda p: p.row)
    for problem in problems:
        click.echo(f"odp: {problem}", err=True)
    click.echo(f"Enrolled: {len(report.created)} new, {len(report.changed)} changed, "
               f"{len(report.unchanged)} unchanged, {len(problems)} row(s) with errors."
               + (f" First passwords are in {layout.passwords_file} (root only)." if report.created else ""))
    if problems:
        sys.exit(1)
