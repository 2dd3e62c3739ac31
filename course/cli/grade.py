"""``odp grade ASSIGNMENT``: nbgrader autograde for a cohort, in parallel, with a progress bar,
a time limit per submission and a plain reason for every failure."""

from __future__ import annotations

import time
from datetime import timezone
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from course.config import Settings
from course.content import load_course
from course.grading.batch import GradeOptions, grade, gradebook_url
from course.grading.outcomes import load_outcomes, save_outcomes, write_export


@click.command("grade")
@click.argument("assignment")
@click.option("--course-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The nbgrader course folder (default: autograder/ under the content root).")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Submissions graded at once (default: the number of CPU cores; one more is often "
                   "faster, as each worker waits on its kernel's start-up about half the time).")
@click.option("--timeout", type=click.FloatRange(1), default=60.0, show_default=True,
              help="Seconds one submission may take; a cell running longer is stopped.")
@click.option("--force", is_flag=True, help="Grade again submissions that are already graded.")
@click.option("--cold-kernels", is_flag=True,
              help="Start each kernel as a new Python process, as nbgrader does, instead of "
                   "forking it from one that has already imported the course (for comparison).")
@click.option("--learner", "learners", multiple=True,
              help="Grade only this learner's submission (repeat for more; default: every one collected).")
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the results CSV (default: <course-dir>/exports/ASSIGNMENT.csv).")
def command(assignment: str, course_dir: Path | None, workers: int | None, timeout: float, force: bool,
            cold_kernels: bool, learners: tuple[str, ...], export_path: Path | None) -> None:
    """Autograde every collected submission of ASSIGNMENT into the nbgrader gradebook."""
    folder = (course_dir or Settings().content_root / "autograder").resolve()
    options = GradeOptions(timeout=timeout, force=force, forked_kernels=not cold_kernels, learners=learners)
    if workers:
        options.workers = workers
    console = Console(stderr=True)
    started = time.monotonic()
    outcomes = []
    db_url = gradebook_url(folder)
    export_path = export_path or folder / "exports" / f"{assignment}.csv"
    try:
        with Progress(TextColumn("grading {task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task(assignment, total=None)

            def step(outcome, done, total):
                bar.update(task, completed=done, total=total)
                if outcome.status == "failed":
                    bar.console.print(f"[bold]failed[/bold] {outcome.learner}: {outcome.reason}")

            failed = {k: (v["at"].timestamp() if v["at"].tzinfo else v["at"].replace(tzinfo=timezone.utc).timestamp(),
                          v["reason"]) for k, v in load_outcomes(db_url, assignment).items() if v["status"] == "failed"}
            outcomes = grade(folder, assignment, options, progress=step, failed_before=failed)
    finally:
        # Whatever happened, keep what was graded and write the export.
        if outcomes:
            save_outcomes(db_url, assignment, outcomes)
        write_export(db_url, load_course(Settings().content_root), assignment, export_path)
    table = Table("learner", "status", "score", "seconds", "reason", title=f"{assignment}: grading summary")
    for o in outcomes:
        score = "" if o.score is None else f"{o.score:g}/{o.max_score:g}"
        table.add_row(o.learner, o.status, score, f"{o.seconds:.1f}", o.reason or "; ".join(o.findings))
    Console().print(table)
    _publish(folder, assignment)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("graded", "failed", "skipped")}
    click.echo(f"{counts['graded']} graded, {counts['failed']} failed, {counts['skipped']} skipped "
               f"in {time.monotonic() - started:.1f} s with {options.workers} worker(s); "
               f"export: {export_path}")


def _publish(folder: Path, assignment: str) -> None:
    """Results back to the learners, in the same step (odp publish does it again on its own)."""
    from course.exceptions import CourseError
    from course.grading.publish import publish_assignment

    try:
        count, withheld = publish_assignment(Settings(), folder, assignment)
    except CourseError as exc:  # the marks are safe in the gradebook: say how to publish them
        click.echo(f"results not published: {exc}", err=True)
        return
    for line in withheld:
        click.echo(f"withheld {line}", err=True)
    click.echo(f"published {count} result(s) to the course service")
