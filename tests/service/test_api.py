"""The course service's API, against a real service process: sign-in, answers, tests, results."""

from __future__ import annotations

import json
import uuid

import pytest

from course.content import load_course
from course.record import verify
from course.record.keys import course_secret, learner_key
from course.record.store import read_record
from tests.conftest import FIXTURES
from tests.service.running import running_service

UNIT = "sample-unit"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    with running_service(tmp_path_factory.mktemp("service"), FIXTURES / "content") as s:
        yield s


def answer(svc, who, item, response, *, kind="answer", attempt=1, request_id=None):
    return svc.call(who, "POST", f"/api/records/{UNIT}", {
        "request_id": request_id or uuid.uuid4().hex, "item": item, "kind": kind,
        "response": response, "attempt": attempt})


def formative_item(svc) -> str:
    unit = load_course(svc.root).units[UNIT]
    return unit.elements[0].questions[0].id


ENDPOINTS = [("GET", "/api/whoami"), ("GET", f"/api/records/{UNIT}"), ("POST", f"/api/records/{UNIT}"),
             ("GET", f"/api/tests/{UNIT}"), ("POST", f"/api/tests/{UNIT}/start"),
             ("POST", f"/api/tests/{UNIT}/submit"), ("GET", "/api/results"), ("POST", "/api/results"),
             ("GET", f"/feedback/{UNIT}/1"), ("GET", "/"), ("GET", "/no-such-page")]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_every_endpoint_refuses_a_request_without_credentials(svc, method, path):
    status, _ = svc.call(None, method, path, {} if method == "POST" else None)
    assert status == 403
    status, _ = svc.call(None, method, path, {} if method == "POST" else None,
                         headers={"Authorization": "token not-a-real-token"})
    assert status == 403


def test_a_request_for_another_host_is_refused_even_with_a_token(svc):
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host header.
    status, _ = svc.call("ann", "GET", "/api/whoami", headers={"Host": f"evil.example:{svc.port}"})
    assert status == 403
    assert svc.call("ann", "GET", "/api/whoami")[0] == 200


def test_who_is_asking_comes_from_the_token(svc):
    assert svc.call("ann", "GET", "/api/whoami")[1]["person"] == "ann"
    status, body = svc.call("mo", "GET", "/api/whoami")
    assert (status, body["roles"]) == (200, ["line_manager"])
    # a kernel's token is good for the learner role only
    assert svc.call("ann", "GET", "/api/whoami")[1]["roles"] == ["learner"]


def test_a_request_naming_another_learner_is_refused(svc):
    status, body = svc.call("ann", "POST", f"/api/records/{UNIT}", {
        "request_id": uuid.uuid4().hex, "item": formative_item(svc), "kind": "answer",
        "response": "a", "learner": "bob"})
    assert status == 400 and "learner" in body["error"]
    assert svc.call("bob", "GET", f"/api/records/{UNIT}")[1]["entries"] == []


def test_an_answer_is_sealed_and_chained_by_the_service_and_a_retry_stores_nothing_twice(svc):
    item = formative_item(svc)
    rid = uuid.uuid4().hex
    first = answer(svc, "bob", item, "b", request_id=rid)
    again = answer(svc, "bob", item, "b", request_id=rid)
    assert (first[0], again[0]) == (201, 200)
    assert again[1]["duplicate"] is True and again[1]["entry"] == first[1]["entry"]
    assert answer(svc, "bob", item, "c")[0] == 201
    got = svc.call("bob", "GET", f"/api/records/{UNIT}")[1]
    assert [e["response"] for e in got["entries"]] == ["b", "c"]
    # The chain holds under the learner's key, which only the service can derive.
    from course.record.format import Entry, Header
    header = Header(**got["header"])
    entries = [Entry(**e) for e in got["entries"]]
    key = learner_key(course_secret(svc.data), "bob")
    assert verify(header, entries, key, learner="bob", unit=UNIT).ok
    assert not verify(header, entries, b"odp-public-chain-v1", learner="bob", unit=UNIT).ok


def test_unknown_units_items_and_kinds_are_refused(svc):
    assert svc.call("ann", "GET", "/api/records/no-such-unit")[0] == 404
    assert answer(svc, "ann", "no-such-item", "a")[0] == 404
    assert answer(svc, "ann", formative_item(svc), "a", kind="submit")[0] == 400
    status, body = svc.call("ann", "POST", f"/api/records/{UNIT}", b"not json".decode())
    assert status == 400


def test_a_test_attempt_from_start_to_hand_in(svc):
    status, paper = svc.call("cat", "POST", f"/api/tests/{UNIT}/start", {})
    assert status == 200 and paper["attempt"] == 1 and paper["items"]
    assert svc.call("cat", "POST", f"/api/tests/{UNIT}/start", {})[1] == paper  # reopening
    bank = load_course(svc.root).banks[UNIT]
    on_paper = paper["items"][0]
    off_paper = next(q.id for q in bank.items if q.id not in paper["items"])
    key = {q.id: q for q in bank.items}[on_paper]
    right = key.correct if key.type == "multiple" else key.correct[0]
    assert answer(svc, "cat", off_paper, "a")[0] == 409  # not on her paper
    assert answer(svc, "cat", on_paper, right)[0] == 201
    status, done = svc.call("cat", "POST", f"/api/tests/{UNIT}/submit", {"attempt": 1})
    assert status == 200 and done["answered"] == 1
    assert done["provisional"].startswith("Provisional result: 1 out of")
    assert svc.call("cat", "POST", f"/api/tests/{UNIT}/submit", {"attempt": 1})[1] == done  # idempotent
    assert answer(svc, "cat", on_paper, "b")[0] == 409  # closed: answers can no longer change
    # No resit before the assessor's result: the provisional score cannot be used as an oracle.
    status, body = svc.call("cat", "POST", f"/api/tests/{UNIT}/start", {})
    assert status == 409 and "waiting for your assessor" in body["error"]
    # Handed in to nbgrader: the released notebook and the service's own sealed record.
    inbound = list((svc.exchange / "odp" / "inbound").glob(f"cat+{UNIT}+*"))
    assert len(inbound) == 1
    names = sorted(p.name for p in inbound[0].iterdir())
    assert names == sorted([f"{UNIT}.ipynb", "responses.jsonl", "timestamp.txt"])
    header, entries = read_record(inbound[0] / "responses.jsonl")
    assert verify(header, entries, learner_key(course_secret(svc.data), "cat"), learner="cat", unit=UNIT).ok
    assert [e.kind for e in entries][-1] == "submit"
    notebook = json.loads((inbound[0] / f"{UNIT}.ipynb").read_text())
    assert not any("odp.grading" in "".join(c["source"]) for c in notebook["cells"])  # no hidden test


def test_results_are_published_by_an_assessor_only_and_read_by_their_learner_only(svc):
    result = {"learner": "ann", "unit": UNIT, "attempt": 1, "score": 1, "max_score": 1,
              "passed": True, "feedback_html": "<html><body><p>Well done.</p></body></html>"}
    assert svc.call("ann", "POST", "/api/results", {"results": [result]})[0] == 403
    assert svc.call("mo", "POST", "/api/results", {"results": [result]})[0] == 403
    ok = (200, {"published": 1, "withdrawn": 0, "not_enrolled": []})
    assert svc.call("assessor", "POST", "/api/results", {"results": [result]}) == ok
    assert svc.call("assessor", "POST", "/api/results", {"results": [result]}) == ok  # re-runnable
    stranger = {**result, "learner": "not-enrolled"}
    assert svc.call("assessor", "POST", "/api/results", {"results": [stranger]}) == \
        (200, {"published": 0, "withdrawn": 0, "not_enrolled": ["not-enrolled"]})
    mine = svc.call("ann", "GET", "/api/results")[1]["results"]
    assert [(r["unit"], r["attempt"], r["passed"], r["feedback"]) for r in mine] == [(UNIT, 1, True, True)]
    assert svc.call("bob", "GET", "/api/results")[1]["results"] == []
    status, html = svc.call("ann", "GET", f"/feedback/{UNIT}/1")
    assert status == 200 and "Well done." in html
    assert svc.call("bob", "GET", f"/feedback/{UNIT}/1")[0] == 404


def test_feedback_that_gives_a_key_away_is_not_published(svc):
    bank = load_course(svc.root).banks[UNIT]
    q = bank.items[0]
    right = next(o.text for o in q.options if o.id in q.correct)
    leak = f"<p>{q.prompt}</p><p>Correct answer: {right}</p><pre>correct: {q.correct[0]}</pre><p>{q.id}</p>"
    result = {"learner": "bob", "unit": UNIT, "attempt": 1, "score": 0, "max_score": 1, "passed": False,
              "feedback_html": leak}
    status, body = svc.call("assessor", "POST", "/api/results", {"results": [result]})
    assert status == 422 and "nothing was published" in body["error"]
    assert svc.call("bob", "GET", "/api/results")[1]["results"] == []


def test_pages_are_served_for_the_signed_in_identity_only(svc):
    status, home = svc.call("ann", "GET", "/")
    assert status == 200 and "My pathway" in home and "<title>Course home – ODP course</title>" in home
    assert svc.call("ann", "GET", "/team")[0] == 403  # a learner is not a line manager
    assert svc.call("ann", "GET", "/profession")[0] == 403
    status, team = svc.call("mo", "GET", "/team")
    assert status == 200 and "Ann" in team and "Bob" in team and "Cat" not in team  # his team only
    status, csv = svc.call("mo", "GET", "/team.csv")
    assert status == 200 and "Ann" in csv and "Cat" not in csv
    assert svc.call("mo", "GET", "/progress")[0] == 403  # mo is not enrolled as a learner


def test_a_formative_check_is_tracked_with_its_misconception_worked_out_by_the_service(svc):
    from course.tracking.db import session_scope
    from course.tracking.models import ProgressEvent

    q = load_course(svc.root).units[UNIT].elements[0].questions[0]
    wrong = next(o for o in q.options if o.id not in q.correct and o.misconception)
    assert answer(svc, "bob", q.id, wrong.id, kind="check")[0] == 201
    with session_scope(svc.db_url) as session:
        details = [e.detail for e in session.query(ProgressEvent).filter_by(learner_id="bob")
                   if e.detail and e.detail.get("item") == q.id and "correct" in e.detail]
    assert details[-1]["correct"] is False and details[-1]["misconception"] == wrong.misconception


def test_a_paper_seed_above_the_sql_integer_range_is_kept(svc):
    """Seeds are 64 bits unsigned; half of them do not fit an SQL INTEGER."""
    from course.exam import seed_for

    big = next(name for name in (f"learner-{n}" for n in range(200))
               if seed_for(name, UNIT, 1) >= 2 ** 63)
    from tests.service.running import enrol
    from course.service import tokens
    from course.tracking.db import session_scope

    enrol(svc.db_url, {big: ("mo", "l2-sample")})
    with session_scope(svc.db_url) as session:
        svc.tokens[big] = tokens.issue(session, big, ["learner"])
    status, paper = svc.call(big, "POST", f"/api/tests/{UNIT}/start", {})
    assert status == 200 and paper["seed"] == seed_for(big, UNIT, 1)
