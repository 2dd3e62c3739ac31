"""The kernel's side of the service: a widget's record kept by a real service process, through a
dropped service and its restart, and a unit opened with no service at all."""

from __future__ import annotations

import time

import pytest

from course.content import load_course
from course.exceptions import RecordError
from course.notebook import open_unit
from course.record.remote import OUTBOX_FILE, NotSavedYet, ServiceRecord
from course.service.client import TOKEN_ENV, URL_ENV, ServiceClient
from tests.conftest import FIXTURES
from tests.service.running import running_service

UNIT = "sample-unit"


def wait_for(condition, what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def test_answers_wait_in_the_outbox_while_the_service_is_down_and_arrive_once(tmp_path):
    with running_service(tmp_path, FIXTURES / "content") as svc:
        item = load_course(svc.root).units[UNIT].elements[0].questions[0].id
        folder = tmp_path / "learner"
        folder.mkdir()
        record = ServiceRecord(folder, UNIT, ServiceClient(svc.url, svc.tokens["ann"], timeout=2))
        assert record.header.learner == "ann" and record.online
        record.append(item, "answer", "a")
        saved_later = []
        record.on_saved(saved_later.append)

        svc.stop(kill=True)  # kill -9: no goodbye
        with pytest.raises(NotSavedYet) as first:
            record.append(item, "answer", "b")
        with pytest.raises(NotSavedYet):
            record.append(item, "answer", "c")
        assert first.value.entry.response == "b"
        assert record.latest()[item].response == "c"  # the page still shows what she chose
        assert len((folder / OUTBOX_FILE).read_text().splitlines()) == 2

        # A page opened while the service is down restores from the cache and the outbox.
        reopened = ServiceRecord(folder, UNIT, ServiceClient(svc.url, svc.tokens["ann"], timeout=2))
        assert not reopened.online and reopened.latest()[item].response == "c"

        svc.start()
        wait_for(lambda: not (folder / OUTBOX_FILE).exists(), "the outbox to be sent")
        entries = svc.call("ann", "GET", f"/api/records/{UNIT}")[1]["entries"]
        assert [e["response"] for e in entries] == ["a", "b", "c"]  # in order, none twice
        assert [e.response for e in saved_later] == ["b", "c"]
        record.append(item, "answer", "d")
        assert [e["response"] for e in svc.call("ann", "GET", f"/api/records/{UNIT}")[1]["entries"]] == \
            ["a", "b", "c", "d"]


def test_a_refused_answer_says_why_and_is_not_kept(tmp_path):
    with running_service(tmp_path, FIXTURES / "content") as svc:
        record = ServiceRecord(tmp_path, UNIT, ServiceClient(svc.url, svc.tokens["ann"]))
        with pytest.raises(RecordError, match="has no item"):
            record.append("made-up-item", "answer", "a")
        assert not (tmp_path / OUTBOX_FILE).exists()


def test_a_served_unit_gets_its_learner_from_the_token_and_nothing_secret(tmp_path, monkeypatch):
    with running_service(tmp_path, FIXTURES / "content") as svc:
        monkeypatch.setenv(URL_ENV, svc.url)
        monkeypatch.setenv(TOKEN_ENV, svc.tokens["bob"])
        monkeypatch.setenv("ODP_LEARNER", "ann")  # ignored: the token says who she is
        folder = tmp_path / "released"
        import shutil
        shutil.copytree(svc.root / "level2" / UNIT, folder)
        unit = open_unit(folder)
        assert unit.learner == "bob" and unit.connected
        widget = unit.question(unit.unit.elements[0].questions[0].id)
        widget.answer(widget.question.correct[0])
        assert widget.status.startswith("Saved at")
        got = svc.call("bob", "GET", f"/api/records/{UNIT}")[1]["entries"]
        assert [e["learner"] for e in got] == ["bob"]
        # Nothing in her folder can seal a record: only the service's key can.
        assert not (folder / "responses.jsonl").exists()


def test_a_unit_with_no_service_keeps_answers_in_its_folder_and_says_so(tmp_path, monkeypatch, capsys):
    import shutil
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    folder = tmp_path / "unit"
    shutil.copytree(FIXTURES / "content" / "level2" / UNIT, folder)
    unit = open_unit(folder, "ann")
    assert not unit.connected and (folder / "responses.jsonl").exists()
