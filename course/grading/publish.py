"""Results back to the learner: the gradebook's marks and nbgrader's feedback, published to the
course service, where her pages and her line manager's read them.

``odp grade`` runs this when it finishes and ``odp publish`` runs it on its own; publishing
again replaces what was published, so either can be re-run without harm. A submission that
failed to grade is never published as a mark: the learner keeps "awaiting your result", and if
an earlier grading of it was published, the same request withdraws that result (a regrade that
failed clears the gradebook, failed.py), so she reads "being checked again" and no figure counts
the old pass until a good regrade is published.
"""

from __future__ import annotations

from pathlib import Path

from course.content import CourseContent
from course.grading.leaks import fingerprints, scan_text, secret_fingerprints
from course.grading.outcomes import load_outcomes
from course.grading.results import attempt_results
from course.grading.sittings import parse_assignment
from course.service.client import ServiceClient


def failed_attempts(db_url: str, assignment: str) -> list[dict]:
    """The attempts of ``assignment`` that failed to grade: whatever was published for them
    before is withdrawn (the reason goes to the service's history, never to the learner)."""
    unit, attempt = parse_assignment(assignment)
    return [{"learner": learner, "unit": unit, "attempt": attempt, "reason": (o["reason"] or "")[:2000]}
            for learner, o in sorted(load_outcomes(db_url, assignment).items()) if o["status"] == "failed"]


def gradebook_results(db_url: str, course: CourseContent, course_dir: Path,
                      assignment: str, data_path: Path | None = None) -> tuple[list[dict], list[str]]:
    """What to publish for one assignment (``<unit>`` or ``<unit>-attempt-N``), and why any
    learner's result is withheld (failed to grade, marking not finished, or feedback that holds
    a key or the course secret: the leak scan runs on every page before it is sent)."""
    unit, attempt = parse_assignment(assignment)
    failed = {a["learner"]: a["reason"] for a in failed_attempts(db_url, assignment)}
    rows, withheld = [], [f"{learner}: grading failed ({reason})" for learner, reason in sorted(failed.items())]

    prints: list = []

    def add(learner: str, score: float, max_score: float, passed: bool) -> None:
        feedback = course_dir / "feedback" / learner / assignment
        page = next(iter(sorted(feedback.glob("*.html"))), None)
        html = page.read_text(encoding="utf-8") if page else None
        if html is not None:
            if not prints:
                prints.extend(fingerprints(course.banks.values()) + secret_fingerprints(data_path))
            if leaks := scan_text(html, page.name, prints):
                withheld.append(f"{learner}: the feedback holds {len(leaks)} secret(s) "
                                f"({'; '.join(sorted({x.what for x in leaks}))}): nothing published for them")
                return
        rows.append({"learner": learner, "unit": unit, "attempt": attempt, "score": score,
                     "max_score": max_score, "passed": passed, "feedback_html": html})

    if course.entry(unit).unit.assessment == "online_test":
        for r in attempt_results(db_url, course):
            if (r.unit, r.attempt) == (unit, attempt) and r.learner not in failed and not r.failed:
                add(r.learner, r.score, r.max_score, r.passed)
        return rows, withheld
    # A written assignment: a result only once marking is finished, second marking included.
    from course.marking.book import MarkingBook

    book = MarkingBook(course_dir, course=course, db_url=db_url)
    for sub in book.submissions(assignment):
        if sub.learner in failed:
            continue
        if not sub.fully_marked or sub.unresolved or (sub.sampled and not sub.second_complete):
            withheld.append(f"{sub.learner}: marking is not finished ({sub.outcome.describe()})")
            continue
        add(sub.learner, sub.outcome.total, sub.outcome.max_marks, sub.outcome.passed)
    return rows, withheld


def publish(client: ServiceClient, rows: list[dict], withdrawn: list[dict] = ()) -> tuple[int, int, list[str]]:
    """Send the rows and the attempts to withdraw, in one request; returns how many results were
    stored, how many were withdrawn, and the learners the service does not know."""
    if not rows and not withdrawn:
        return 0, 0, []
    got = client.call("POST", "/api/results", {"results": rows, "withdrawn": list(withdrawn)})
    return got["published"], got.get("withdrawn", 0), got.get("not_enrolled", [])


def publish_assignment(settings, course_dir: Path, assignment: str) -> tuple[int, list[str]]:
    """Publish one assignment's results to the course service the settings name (or the one
    ``odp serve`` runs). Raises CourseError, with what to do, if there is none to reach."""
    from course.content import require_course
    from course.exceptions import CourseError
    from course.grading.batch import gradebook_url
    from course.service.running import assessor_client

    client = assessor_client(settings)
    if client is None:
        raise CourseError("no course service to publish to: start `odp serve` (or set ODP_SERVICE_URL "
                          f"and ODP_SERVICE_TOKEN), then run `odp publish {assignment}`")
    db_url = gradebook_url(course_dir)
    rows, withheld = gradebook_results(db_url, require_course(settings.content_root),
                                       course_dir, assignment, settings.data_path)
    count, withdrawn, unknown = publish(client, rows, failed_attempts(db_url, assignment))
    # the CLI prints each note after "withheld "
    notes = [f"{withdrawn} earlier result(s) too: withdrawn from the course service, as their regrade "
             "failed (the learner reads \"Your result is being checked again\")"] if withdrawn else []
    return count, withheld + notes + [f"{learner}: not enrolled in the course service's store"
                                      for learner in unknown]
