"""The response record: durable, restorable, tamper-evident, and loud when damaged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.exceptions import (
    RecordDamagedError, RecordMissingError, RecordOwnerError, RecordVersionError,
)
from course.record import RECORD_FILE, ResponseRecord, read_record, verify
from course.record.keys import PUBLIC_KEY, learner_key


def make(tmp_path: Path, n: int = 5, key: bytes | None = None) -> ResponseRecord:
    record = ResponseRecord.open(tmp_path, "amy", "unit-a", key=key)
    for i in range(n):
        record.append(f"q{i}", "answer", [f"opt{i}"], attempt=1, seed=42)
    return record


def lines(tmp_path: Path) -> list[dict]:
    return [json.loads(x) for x in (tmp_path / RECORD_FILE).read_text().splitlines()]


def rewrite(tmp_path: Path, objs: list[dict]) -> None:
    (tmp_path / RECORD_FILE).write_text("\n".join(json.dumps(o) for o in objs) + "\n")


def check(tmp_path: Path, key: bytes = PUBLIC_KEY, **kw):
    header, entries = read_record(tmp_path / RECORD_FILE)
    return verify(header, entries, key, **kw)


def test_entries_carry_what_grading_and_tracking_need(tmp_path):
    make(tmp_path, 1)
    entry = lines(tmp_path)[1]
    for field in ("learner", "unit", "item", "seed", "response", "at", "attempt", "seq", "prev", "mac"):
        assert field in entry
    assert entry["learner"] == "amy" and entry["item"] == "q0" and entry["seed"] == 42


def test_reopening_restores_the_latest_answers(tmp_path):
    record = make(tmp_path, 3)
    record.append("q1", "answer", ["changed"])
    again = ResponseRecord.open(tmp_path, "amy", "unit-a")
    latest = again.latest()
    assert latest["q1"].response == ["changed"] and latest["q2"].response == ["opt2"]
    assert check(tmp_path).ok


def test_two_writers_do_not_lose_each_others_answers(tmp_path):
    lab = make(tmp_path, 1)
    voila = ResponseRecord.open(tmp_path, "amy", "unit-a")
    lab.append("from-lab", "answer", 1)
    voila.append("from-voila", "answer", 2)
    lab.append("from-lab-2", "answer", 3)
    items = [e.item for e in read_record(tmp_path / RECORD_FILE)[1]]
    assert items == ["q0", "from-lab", "from-voila", "from-lab-2"]
    assert check(tmp_path).ok


def test_an_edited_entry_is_detected_and_only_its_item_is_affected(tmp_path):
    make(tmp_path)
    objs = lines(tmp_path)
    objs[3]["response"] = ["the right answer"]
    rewrite(tmp_path, objs)
    result = check(tmp_path)
    assert not result.ok
    assert result.affected_items == {"q2"}
    assert "entry 3 (item 'q2') was edited" in result.reason()


def test_a_removed_entry_is_detected(tmp_path):
    make(tmp_path)
    objs = lines(tmp_path)
    del objs[2]
    rewrite(tmp_path, objs)
    result = check(tmp_path)
    assert "removed or reordered before entry 2" in result.reason()
    assert {"q2", "q3", "q4"} <= result.affected_items


def test_reordered_entries_are_detected(tmp_path):
    make(tmp_path)
    objs = lines(tmp_path)
    objs[2], objs[3] = objs[3], objs[2]
    rewrite(tmp_path, objs)
    assert "removed or reordered" in check(tmp_path).reason()


def test_truncation_at_the_end_is_detected_when_the_head_was_anchored(tmp_path):
    record = make(tmp_path)
    anchored = record.head_mac
    rewrite(tmp_path, lines(tmp_path)[:-1])
    assert check(tmp_path).ok  # without an anchor, a shortened record looks whole: documented
    result = check(tmp_path, head_mac=anchored)
    assert result.all_affected and "removed from the end" in result.reason()


def test_a_record_belonging_to_another_learner_is_detected(tmp_path):
    make(tmp_path)
    result = check(tmp_path, learner="bob")
    assert result.all_affected and "belongs to learner 'amy', not 'bob'" in result.reason()
    with pytest.raises(RecordOwnerError, match="belongs to learner 'amy'"):
        ResponseRecord.open(tmp_path, "bob", "unit-a")


def test_a_resealed_record_is_caught_only_with_a_private_key(tmp_path):
    """The threat model: with a server-held key, a learner who re-seals an edited record with
    the public key (as our code would) is caught; without one, they are not."""
    key = learner_key(b"course secret", "amy")
    make(tmp_path, 3, key=key)
    header, entries = read_record(tmp_path / RECORD_FILE)
    # the learner rebuilds the chain with the only key they have
    fake = ResponseRecord.open(tmp_path / "forged", "amy", "unit-a", key=PUBLIC_KEY)
    for e in entries:
        fake.append(e.item, e.kind, ["forged"])
    h2, e2 = read_record(tmp_path / "forged" / RECORD_FILE)
    assert verify(h2, e2, PUBLIC_KEY).ok
    assert not verify(h2, e2, key).ok


@pytest.mark.parametrize("content, error, message", [
    (b"", RecordDamagedError, "the file is empty"),
    (b'{"format": "odp-responses", "version": 1, "learner": "amy"\n', RecordDamagedError, "line 1 is not valid JSON"),
    (b'{"format": "odp-responses", "version": 7, "learner": "a", "unit": "u"}\n', RecordVersionError, "format version 7; this software reads version 1"),
    (b'{"format": "something-else"}\n', RecordDamagedError, "not a response record header"),
    (b'\xff\xfe{"x": 1}\n', RecordDamagedError, "line 1 is not UTF-8 text"),
    (b'[1, 2]\n', RecordDamagedError, "line 1 is not a JSON object"),
])
def test_damaged_files_give_specific_errors(tmp_path, content, error, message):
    (tmp_path / RECORD_FILE).write_bytes(content)
    with pytest.raises(error, match=message):
        read_record(tmp_path / RECORD_FILE)


def test_a_damaged_entry_line_names_its_line(tmp_path):
    make(tmp_path, 3)
    path = tmp_path / RECORD_FILE
    text = path.read_text().splitlines()
    text[2] = text[2][:20]
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(RecordDamagedError, match="line 3 is not valid JSON"):
        ResponseRecord.open(tmp_path, "amy", "unit-a")


def test_a_missing_record_is_an_error_not_an_empty_record(tmp_path):
    with pytest.raises(RecordMissingError):
        read_record(tmp_path / RECORD_FILE)


WRITER = """
import sys
from pathlib import Path
from course.record import ResponseRecord
record = ResponseRecord.open(Path(sys.argv[1]), "amy", "unit-a")
i = 0
while True:
    i += 1
    record.append(f"q{i % 40}", "answer", {"text": "x" * (i % 500), "n": i})
    if i == 20:
        print("ready", flush=True)
"""


def test_killing_the_kernel_mid_stream_keeps_earlier_answers_intact(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)  # no clean-up: as if the kernel died
    proc.wait()
    header, entries = read_record(tmp_path / RECORD_FILE)
    assert len(entries) >= 20
    assert [e.response["n"] for e in entries] == list(range(1, len(entries) + 1))
    assert verify(header, entries, PUBLIC_KEY).ok
    # and the learner can carry on where they were
    ResponseRecord.open(tmp_path, "amy", "unit-a").append("after", "answer", 1)
    assert check(tmp_path).ok
