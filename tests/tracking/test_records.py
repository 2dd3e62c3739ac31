"""Progress events from real response records: mapped, idempotent, only what the chain vouches
for, and never what the learner typed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import func, select

from course.record import RECORD_FILE, ResponseRecord
from course.record.format import Entry
from course.record.keys import learner_key
from course.tracking.ingest import record_event
from course.tracking.models import ProgressEvent
from course.tracking.records import entry_time, ingest_learner_records

KEY = learner_key(b"course-secret-for-tests", "L1")


def write_unit(folder, unit: str, key: bytes | None = KEY, learner: str = "L1") -> ResponseRecord:
    record = ResponseRecord.open(folder / unit, learner, unit, key=key)
    record.append("q1", "answer", ["b"])
    record.append("q1", "check", ["b"])
    record.append("reflect", "answer", "I typed <b>this</b> myself")
    record.append("test", "start", {"items": ["t1"]}, attempt=1)
    record.append("test", "submit", {"answered": 1, "of": 1}, attempt=1)
    return record


def events(session) -> list[tuple]:
    return session.execute(select(ProgressEvent.unit_id, ProgressEvent.kind, ProgressEvent.detail)
                           .order_by(ProgressEvent.id)).all()


def test_a_record_becomes_opened_answered_and_submitted_events(session, tmp_path):
    write_unit(tmp_path, "unit-a")
    done = ingest_learner_records(session, "L1", tmp_path, KEY)
    assert (done.records, done.new_events, done.skipped) == (1, 6, [])
    assert events(session) == [
        ("unit-a", "opened", None),
        ("unit-a", "answered", {"item": "q1", "attempt": 1}),
        ("unit-a", "answered", {"item": "q1", "attempt": 1}),
        ("unit-a", "answered", {"item": "reflect", "attempt": 1}),
        ("unit-a", "answered", {"item": "test", "attempt": 1}),
        ("unit-a", "submitted", {"item": "test", "attempt": 1}),
    ]
    # Nothing the learner typed reaches the store.
    assert "typed" not in json.dumps([e[2] for e in events(session)])


def test_entries_in_the_same_millisecond_are_separate_events(session):
    at = "2025-02-03T14:30:00.123+00:00"
    one, two = (Entry(seq=n, at=at, learner="L1", unit="u", item="q1", kind="check",
                      response=["a"]) for n in (1, 2))
    assert entry_time(one) != entry_time(two)
    for entry in (one, two, one):
        record_event(session, "L1", "u", "answered", entry_time(entry))
    assert session.scalar(select(func.count()).select_from(ProgressEvent)) == 2


def test_replaying_stores_nothing_new_and_picks_up_new_entries(session, tmp_path):
    record = write_unit(tmp_path, "unit-a")
    ingest_learner_records(session, "L1", tmp_path, KEY)
    assert ingest_learner_records(session, "L1", tmp_path, KEY).new_events == 0
    record.append("q2", "check", ["a"])
    assert ingest_learner_records(session, "L1", tmp_path, KEY).new_events == 1


def test_times_come_from_the_record_in_utc(session, tmp_path):
    record = write_unit(tmp_path, "unit-a")
    ingest_learner_records(session, "L1", tmp_path, KEY)
    last = session.scalar(select(ProgressEvent.at).where(ProgressEvent.kind == "submitted"))
    entry = record.entries[-1]
    # to the millisecond, plus the entry's seq in microseconds (two entries never collapse)
    expected = datetime.fromisoformat(entry.at).replace(tzinfo=None)
    assert last == expected + timedelta(microseconds=entry.seq)


def test_public_key_records_are_taken_and_tampered_ones_are_not(session, tmp_path):
    write_unit(tmp_path, "made-in-lab", key=None)  # JupyterLab without the course server
    write_unit(tmp_path, "edited")
    path = tmp_path / "edited" / RECORD_FILE
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["learner"] = "L1 "  # an edit to the header breaks the whole record
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    done = ingest_learner_records(session, "L1", tmp_path, KEY)
    assert done.records == 1 and {e[0] for e in events(session)} == {"made-in-lab"}
    assert len(done.skipped) == 1 and done.skipped[0].startswith("edited:")


def test_entries_after_a_break_in_the_chain_are_left_out(session, tmp_path):
    write_unit(tmp_path, "unit-a")
    path = tmp_path / "unit-a" / RECORD_FILE
    lines = path.read_text().splitlines()
    del lines[1]  # remove the first answer: everything after it is untrusted
    path.write_text("\n".join(lines) + "\n")
    done = ingest_learner_records(session, "L1", tmp_path, KEY)
    assert done.records == 1
    assert [e[1] for e in events(session)] == ["opened"]


def test_other_peoples_records_and_unknown_learners_are_skipped(session, tmp_path):
    write_unit(tmp_path, "unit-a", key=learner_key(b"course-secret-for-tests", "L2"),
               learner="L2")
    done = ingest_learner_records(session, "L1", tmp_path, KEY)
    assert done.records == 0 and events(session) == []
    assert ingest_learner_records(session, "ghost", tmp_path, KEY).skipped == [
        "*: learner 'ghost' is not in the tracking store"]
