"""The learner's latest trusted answer to each item, read from the response record in a
submission: what the grader, the marking app and the assessor's copy of a workbook show.

Never raises for a bad record: each answer then carries the problem instead of a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from course.exceptions import RecordError, RecordMissingError
from course.grading.handins import how_to_check
from course.record import RECORD_FILE, read_record, verify

UNTRUSTED = "the saved answer failed the record's tamper check"


@dataclass(frozen=True)
class SavedAnswer:
    item: str
    response: Any               # None when nothing was saved (or it could not be trusted)
    saved_at: str | None        # ISO time of the entry the response comes from
    problem: str | None = None  # why the answer cannot be trusted or read; None when fine


def saved_answers(folder: Path, unit_id: str, learner: str, course_secret: bytes | None,
                  items: Iterable[str], *, attempt: int = 1,
                  data_path: Path | None = None) -> dict[str, SavedAnswer]:
    """With ``data_path``, the course service's hand-in notes decide which key and head the
    record must have (course.grading.handins), never the record's own header."""
    items = list(items)

    def all_with(problem: str) -> dict[str, SavedAnswer]:
        return {i: SavedAnswer(i, None, None, problem) for i in items}

    try:
        header, entries = read_record(Path(folder) / RECORD_FILE)
    except RecordMissingError:
        return {i: SavedAnswer(i, None, None) for i in items}
    except RecordError as exc:
        return all_with(f"the response record could not be read: {exc}")
    how = how_to_check(data_path, learner, unit_id, attempt, header.keyed, course_secret)
    if how.refusal:
        return all_with(how.refusal)
    if how.key is None:
        return all_with("the record was sealed by the course server but the grader has no course secret")
    check = verify(header, entries, how.key, learner=learner, unit=unit_id, head_mac=how.head_mac)
    latest = {e.item: e for e in entries if e.kind == "answer" and e.item in items}
    out = {}
    for i in items:
        entry = latest.get(i)
        if entry is None:
            out[i] = SavedAnswer(i, None, None)
        elif not check.trusted(i):
            out[i] = SavedAnswer(i, None, entry.at, f"{UNTRUSTED} ({check.reason()})")
        else:
            out[i] = SavedAnswer(i, entry.response, entry.at)
    return out
