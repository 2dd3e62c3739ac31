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


# -- the grading kernel's copy ------------------------------------------------------------------
# A workbook's grading kernel shows the learner's saved analyses (the assessor's copy). The kernel
# holds no course secret, so the grader checks the record and leaves the trusted answers here,
# in the kernel's private folder (IsolatedExecute): her own answers, nothing secret.
KERNEL_ANSWERS = ".odp-saved-answers.json"


def write_kernel_answers(folder: Path, work: Path, learner: str, assignment: str, settings) -> None:
    """Check the record in ``folder`` (the submission) here, in the grader, and write every
    item's trusted answer into ``work`` (the kernel's folder)."""
    import json

    from course.grading.sittings import parse_assignment
    from course.record.keys import SECRET_FILE

    unit_id, attempt = parse_assignment(assignment)
    try:
        _, entries = read_record(Path(folder) / RECORD_FILE)
        items = sorted({e.item for e in entries if e.kind == "answer"})
    except RecordError:
        items = []   # saved_answers below says why, item by item; nothing to list
    secret_path = settings.data_path / SECRET_FILE
    secret = bytes.fromhex(secret_path.read_text().strip()) if secret_path.exists() else None
    answers = saved_answers(folder, unit_id, learner, secret, items, attempt=attempt, data_path=settings.data_path)
    # What any other item reads as: the record's own problem, if it has one.
    missing = saved_answers(folder, unit_id, learner, secret, ["-"], attempt=attempt,
                            data_path=settings.data_path)["-"].problem
    payload = {"problem": missing,
               "answers": {i: {"response": a.response, "saved_at": a.saved_at, "problem": a.problem}
                           for i, a in answers.items()}}
    (Path(work) / KERNEL_ANSWERS).write_text(json.dumps(payload))


def kernel_answer(folder: Path, item: str) -> SavedAnswer:
    """In a grading kernel: the learner's trusted answer to ``item``, as the grader left it."""
    import json

    try:
        payload = json.loads((Path(folder) / KERNEL_ANSWERS).read_text())
    except (OSError, ValueError):
        return SavedAnswer(item, None, None, "the grader left this kernel no saved answers")
    found = payload.get("answers", {}).get(item)
    if found is None:
        return SavedAnswer(item, None, None, payload.get("problem"))
    return SavedAnswer(item, found.get("response"), found.get("saved_at"), found.get("problem"))
