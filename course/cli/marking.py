"""``odp mark``: the assessor's marking app and the marking steps nbgrader has no command for
(second-marking sample, similar answers, marking status, audit trail). See docs/marking.md."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from course.marking.settings import MarkingSettings

COURSE_DIR = click.option(
    "--course-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The nbgrader course folder (default: autograder/ under the content root, or ODP_COURSE_DIR).")
ASSESSOR = click.option("--assessor", default=None,
                        help="Who is marking, as recorded in the audit trail (default: ODP_ASSESSOR, "
                             "else your user name).")


def _settings(course_dir: Path | None, assessor: str | None = None, **more) -> MarkingSettings:
    given = {"course_dir": course_dir, "assessor": assessor, **more}
    return MarkingSettings(**{k: v for k, v in given.items() if v is not None})


def _book(settings: MarkingSettings):
    from course.marking.book import MarkingBook

    return MarkingBook(settings.folder())


@click.group("mark", context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """Mark written assignments against their criteria (Level 4 and above)."""


@command.command("serve")
@COURSE_DIR
@ASSESSOR
@click.option("--port", type=int, default=8867, show_default=True, help="Port to listen on (127.0.0.1).")
def serve_command(course_dir: Path | None, assessor: str | None, port: int) -> None:
    """Serve the marking app with Voila: mark, second-mark and resolve in the browser."""
    from course.marking.server import run

    run(_settings(course_dir, assessor), port)


@command.command("status")
@click.argument("assignment")
@COURSE_DIR
def status_command(assignment: str, course_dir: Path | None) -> None:
    """Every submission of ASSIGNMENT: who marked it, marks, result, sample and disagreements."""
    settings = _settings(course_dir)
    book = _book(settings)
    try:
        rubric = book.rubric(assignment)
    except KeyError as exc:
        raise click.ClickException(f"{assignment}: {str(exc).strip(chr(34) + chr(39))}") from None
    similar = book.similar(assignment, settings.similarity_threshold, settings.similar_passage_words)
    table = Table("learner", "marked by", "criteria", "marks", "result", "sample", "disagreements", "similar", "flagged")
    for s in book.submissions(assignment, similar=similar):
        o = s.outcome
        result = rubric.result_label(o).lower()
        sample = ("second marked" if s.second_complete else "awaiting") if s.sampled else ""
        table.add_row(s.learner, s.first_marker or "", f"{o.decided}/{o.criteria}", f"{o.total}/{o.max_marks}",
                      result, sample, f"{s.unresolved} open of {s.disagreements}" if s.disagreements else "",
                      str(s.similar or ""), "yes" if s.flagged else "")
    Console(width=140).print(table)
    click.echo(f"pass rule: {rubric.describe_rule()}")


@command.command("sample")
@click.argument("assignment")
@COURSE_DIR
@ASSESSOR
@click.option("--rate", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Share of each assessor's marked submissions to second-mark (default 0.2, or ODP_IQA_RATE).")
@click.option("--minimum", type=click.IntRange(min=0), default=None,
              help="At least this many per assessor (default 1, or ODP_IQA_MINIMUM).")
@click.option("--second-marker", default=None, help="Assign the new sample to this second marker "
                                                    "(default: anyone but the assessor may take it).")
def sample_command(assignment: str, course_dir: Path | None, assessor: str | None, rate: float | None,
                   minimum: int | None, second_marker: str | None) -> None:
    """Draw each assessor's sample of fully marked submissions for second marking. Drawing again
    after more marking tops the sample up."""
    settings = _settings(course_dir, assessor, iqa_rate=rate, iqa_minimum=minimum)
    book = _book(settings)
    added = book.draw_sample(assignment, rate=settings.iqa_rate, minimum=settings.iqa_minimum,
                             drawn_by=settings.assessor, second_marker=second_marker)
    for e in added:
        click.echo(f"sampled {e.learner} (marked by {e.first_marker})"
                   + (f" for {e.second_marker}" if e.second_marker else ""))
    click.echo(f"{len(added)} added; {len(book.sample(assignment))} in the sample for {assignment}")


@command.command("similar")
@click.argument("assignment")
@COURSE_DIR
def similar_command(assignment: str, course_dir: Path | None) -> None:
    """Answers in ASSIGNMENT that look copied from another learner's, with the matching passages.
    A flag for the assessor to judge, never a penalty."""
    settings = _settings(course_dir)
    found = _book(settings).similar(assignment, settings.similarity_threshold, settings.similar_passage_words)
    for s in found:
        click.echo(f"{s.task}: {s.learner} and {s.other}: {s.percent}% of word sequences shared")
        for p in s.passages[:3]:
            click.echo(f"    \u201c{p}\u201d")
    if not found:
        click.echo("no similar answers found")


@command.command("audit")
@click.argument("assignment", required=False)
@COURSE_DIR
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the audit trail to this CSV file instead of the screen.")
def audit_command(assignment: str | None, course_dir: Path | None, csv_path: Path | None) -> None:
    """Every mark and change (who, when, before, after), oldest first."""
    rows = _book(_settings(course_dir)).audit(assignment)
    fields = ["at", "who", "action", "assignment", "learner", "task", "criterion", "before", "after"]
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(fields)
            writer.writerows([getattr(r, name) for name in fields] for r in rows)
        click.echo(f"wrote {len(rows)} rows to {csv_path}")
        return
    for r in rows:
        where = "/".join(x for x in (r.assignment, r.learner, r.task, r.criterion) if x)
        click.echo(f"{r.at}  {r.who}  {r.action}  {where}  before={r.before or '-'}  after={r.after or '-'}")
