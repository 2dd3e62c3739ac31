"""The provisional scorer over HTTP, as the learner's kernel reaches it after submitting."""

from __future__ import annotations

import json

import pytest

from course.content import load_course
from course.grading.client import TOKEN_ENV, URL_ENV, request
from course.grading.provisional import Scorer, learner_token, start_server
from course.record import RECORD_FILE
from course.record.keys import learner_key
from tests.conftest import REPO
from tests.grading.test_marking import BY_ID, sit

SECRET = b"k" * 32
LEARNER = "amira"


@pytest.fixture
def scorer_url(tmp_path):
    server = start_server(Scorer(load_course(REPO), SECRET, tmp_path / "store"))
    yield f"http://127.0.0.1:{server.server_address[1]}/provisional"
    server.shutdown()


def test_a_learner_sees_their_provisional_result_on_submitting(tmp_path, scorer_url, monkeypatch):
    monkeypatch.setenv(URL_ENV, scorer_url)
    monkeypatch.setenv(TOKEN_ENV, learner_token(SECRET, LEARNER))
    # the scorer marks to the unit's own specification: 30 items, 22 to pass
    spec = load_course(REPO).units["working-in-od"].test
    session = sit(tmp_path, "R" * 22 + "W" + "-" * 7, key=learner_key(SECRET, LEARNER), spec=spec)
    shown = session.summary.view["submitted"]
    assert "Provisional result: 22 out of 30 (pass)" in shown
    assert "provisional until your assessor confirms" in shown
    # nothing about which answers were right reaches the kernel
    assert not any(item in shown for item in BY_ID)


def test_it_scores_once_so_it_cannot_be_used_to_probe_the_key(tmp_path, scorer_url):
    sit(tmp_path, "WWWWWWWWWW", key=learner_key(SECRET, LEARNER))
    token = learner_token(SECRET, LEARNER)
    raw = (tmp_path / RECORD_FILE).read_bytes()
    assert request(scorer_url, token, raw)["score"] == 0
    lines = [json.loads(x) for x in raw.decode().splitlines()]
    for x in lines:  # re-seal nothing, just try other answers
        if x.get("kind") == "answer":
            x["response"] = "a"
    probe = "\n".join(json.dumps(x) for x in lines).encode()
    assert request(scorer_url, token, probe)["score"] == 0  # the first result stands


def test_it_refuses_other_learners_unsubmitted_attempts_and_rubbish(tmp_path, scorer_url):
    sit(tmp_path / "a", "RRRRRRRRRR", key=learner_key(SECRET, LEARNER))
    raw = (tmp_path / "a" / RECORD_FILE).read_bytes()
    assert "not yours" in request(scorer_url, learner_token(SECRET, "bob"), raw)["error"]
    sit(tmp_path / "b", "RRRRRRRRRR", key=learner_key(SECRET, LEARNER), submit=False)
    unsubmitted = (tmp_path / "b" / RECORD_FILE).read_bytes()
    assert "no attempt has been submitted" in request(scorer_url, learner_token(SECRET, LEARNER), unsubmitted)["error"]
    assert "could not be read" in request(scorer_url, "x", b"not a record")["error"]


def test_without_a_scorer_the_learner_is_told_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:9/provisional")  # nothing listens there
    monkeypatch.setenv(TOKEN_ENV, "t")
    session = sit(tmp_path, "RRRRRRRRRR", key=learner_key(SECRET, LEARNER))
    assert "not available just now" in session.summary.view["submitted"]
