"""Progress events from learners' response records, into the tracking store.

A learner's working folder holds one ``responses.jsonl`` per unit (see ``docs/response-record.md``).
Each record becomes progress events: the header's ``created`` is when the learner first
``opened`` the unit, a ``submit`` entry is ``submitted``, and every other entry (an answer, a
check, a scenario step, starting the test) is ``answered``. Only what the record's chain vouches
for is taken: a record whose header fails its check is skipped, and so are entries after a
break. Nothing the learner typed is copied: an event's detail holds the item id and attempt.

Replaying a record stores nothing new (``record_event`` is idempotent), so this can run on
every page load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from course.exceptions import RecordError
from course.record import RECORD_FILE, read_record, verify
from course.record.format import Entry
from course.record.keys import PUBLIC_KEY
from course.tracking.ingest import record_event
from course.tracking.models import Learner


@dataclass
class RecordsIngested:
    """What one pass over a learner's folder did."""

    records: int = 0
    new_events: int = 0
    skipped: list[str] = field(default_factory=list)  # "unit: why" for records not taken


def event_kind(entry: Entry) -> str:
    return "submitted" if entry.kind == "submit" else "answered"


def record_files(folder: Path) -> list[Path]:
    """The response records in a learner's folder: one per unit sub-folder."""
    folder = Path(folder)
    return sorted(p for p in folder.glob(f"*/{RECORD_FILE}") if p.is_file())


def ingest_learner_records(session: Session, learner_id: str, folder: Path,
                           key: bytes | None = None) -> RecordsIngested:
    """Record progress events for every response record in ``folder`` (the learner's).

    ``key`` is the learner's server-held record key; records sealed with the public key
    (made outside the course server) are checked with that instead. The caller commits.
    """
    done = RecordsIngested()
    if session.get(Learner, learner_id) is None:
        done.skipped.append(f"*: learner {learner_id!r} is not in the tracking store")
        return done
    for path in record_files(folder):
        unit = path.parent.name
        try:
            header, entries = read_record(path)
        except RecordError as exc:
            done.skipped.append(f"{unit}: {exc}")
            continue
        seal = key if header.keyed and key is not None else PUBLIC_KEY
        if header.keyed and key is None:
            done.skipped.append(f"{unit}: sealed with the server key, which was not given")
            continue
        check = verify(header, entries, seal, learner=learner_id, unit=unit)
        if check.all_affected:
            done.skipped.append(f"{unit}: {check.reason()}")
            continue
        done.records += 1
        events = [("opened", _at(header.created), None)]
        for entry in entries:
            if not check.trusted(entry.item):
                continue
            events.append((event_kind(entry), entry_time(entry),
                           {"item": entry.item, "attempt": entry.attempt}))
        for kind, at, detail in events:
            done.new_events += record_event(session, learner_id, header.unit, kind, at, detail)
    return done


def entry_time(entry: Entry) -> datetime:
    """The entry's time plus its sequence number in microseconds. Records keep milliseconds,
    and an event is stored once per (learner, time, unit, kind): without this, two entries in
    one millisecond would count as one. Replaying gives the same time, so it stays idempotent."""
    return _at(entry.at) + timedelta(microseconds=entry.seq % 1000)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)
