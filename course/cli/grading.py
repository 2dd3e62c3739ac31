"""``odp stage-resits`` and ``odp results``: the two grading steps nbgrader has no command for.
Everything else an assessor does is nbgrader's own commands (docs/grading.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from course.config import Settings
from course.content import require_course
from course.grading.resits import stage_resits
from course.grading.results import attempt_results, write_csv

COURSE_DIR = click.option(
    "--course-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The nbgrader course folder (default: autograder/ under the content root).")


def _course_dir(given: Path | None) -> Path:
    return (given or Settings().content_root / "autograder").resolve()


@click.command("stage-resits")
@click.argument("unit")
@COURSE_DIR
def stage_command(unit: str, course_dir: Path | None) -> None:
    """Make each resit attempt in UNIT's collected submissions its own nbgrader assignment
    (UNIT-attempt-N), ready for `nbgrader autograde UNIT-attempt-N`."""
    staged, skipped = stage_resits(_course_dir(course_dir), unit)
    for s in staged:
        click.echo(f"staged {s.learner}: attempt {s.attempt} as {s.assignment}")
    for s in skipped:
        click.echo(f"skipped {s.learner}: {s.reason}", err=True)
    for name in sorted({s.assignment for s in staged}):
        click.echo(f"next: nbgrader autograde {name}")
    if not staged:
        click.echo("no resit attempts to stage")


@click.command("results")
@COURSE_DIR
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the rows to this CSV file.")
def results_command(course_dir: Path | None, csv_path: Path | None) -> None:
    """Every graded test attempt from the gradebook: score, pass or not, first-time pass."""
    folder = _course_dir(course_dir)
    db_url = os.environ.get("ODP_GRADEBOOK_URL") or f"sqlite:///{folder / 'gradebook.db'}"
    rows = attempt_results(db_url, require_course(Settings().content_root))
    table = Table("learner", "unit", "attempt", "score", "result", "first time", "flagged")
    for r in rows:
        # A submission that failed to grade has no score and no pass or fail: never "0, not yet".
        table.add_row(r.learner, r.unit, str(r.attempt), "" if r.failed else f"{r.score:g}/{r.max_score:g}",
                      r.describe() if r.failed else ("pass" if r.passed else "not yet"),
                      {True: "yes", False: "no", None: "unknown"}[r.first_time_pass],
                      "yes" if r.flagged else "")
    Console().print(table)
    if csv_path:
        click.echo(f"wrote {write_csv(rows, csv_path)}")


@click.command("item-analysis")
@click.argument("unit")
@COURSE_DIR
@click.option("--attempt", type=click.IntRange(1), default=1, show_default=True,
              help="Which attempt's papers to analyse (1 is the first sitting).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table to this CSV file.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save the facility/discrimination chart to this PNG file.")
def item_analysis_command(unit: str, course_dir: Path | None, attempt: int, csv_path: Path | None,
                          chart_path: Path | None) -> None:
    """Facility, discrimination and distractors of every item in UNIT's bank, and the test's
    reliability (KR-20, SEM), from graded attempts."""
    from course.grading.item_analysis import analyse, marks_from_autograded
    from course.grading.sittings import assignment_for
    from course.record.keys import SECRET_FILE

    settings = Settings()
    course = require_course(settings.content_root)
    bank = course.banks.get(unit)
    if bank is None or unit not in course.units or course.units[unit].test is None:
        raise click.UsageError(f"unit {unit!r} has no item bank and test specification")
    secret_file = settings.data_path / SECRET_FILE
    secret = bytes.fromhex(secret_file.read_text().strip()) if secret_file.exists() else None
    marks = marks_from_autograded(_course_dir(course_dir), assignment_for(unit, attempt), bank,
                                  course.units[unit].test, secret, attempt)
    result = analyse(bank, marks)

    def fmt(value) -> str:
        return "" if value is None or value != value else f"{value:.2f}"

    table = Table("item", "outcome", "seen by", "facility", "discrimination", "point-biserial", "verdict",
                  title=f"{unit}, attempt {attempt}: {result.learners} learners")
    for row in result.table.itertuples():
        table.add_row(row.item, str(row.outcome or ""), str(row.seen_by), fmt(row.facility),
                      fmt(row.discrimination), fmt(row.point_biserial), row.verdict)
    Console().print(table)
    flagged = set(result.flagged["item"])
    options = Table("item", "option", "key", "chosen", "upper", "middle", "lower",
                    title="Distractor analysis for the items that need a look (share choosing each option)")
    for row in result.distractors[result.distractors["item"].isin(flagged)].itertuples():
        options.add_row(row.item, row.option, "key" if row.key else "", fmt(row.chosen), fmt(row.chosen_upper),
                        fmt(row.chosen_middle), fmt(row.chosen_lower))
    if flagged:
        Console().print(options)
    click.echo(result.summary())
    if csv_path:
        result.table.to_csv(csv_path, index=False)
        options_csv = csv_path.with_name(f"{csv_path.stem}-distractors.csv")
        result.distractors.to_csv(options_csv, index=False)
        click.echo(f"wrote {csv_path} and {options_csv}")
    if chart_path:
        chart = result.chart()
        chart.save(str(chart_path))
        click.echo(f"wrote {chart_path}: {chart.caption}")


@click.command("publish")
@click.argument("assignment")
@COURSE_DIR
def publish_command(assignment: str, course_dir: Path | None) -> None:
    """Publish ASSIGNMENT's marks and feedback to the course service, so each learner and her
    line manager see the result (odp grade does this itself; safe to run again)."""
    from course.grading.publish import publish_assignment
    from course.service.client import ServiceUnavailable

    try:
        count, withheld = publish_assignment(Settings(), _course_dir(course_dir), assignment)
    except ServiceUnavailable as exc:
        raise click.ClickException(f"{exc}: results not published; run `odp publish {assignment}` "
                                   "when the course service is running") from None
    for line in withheld:
        click.echo(f"withheld {line}", err=True)
    click.echo(f"published {count} result(s) of {assignment}")
