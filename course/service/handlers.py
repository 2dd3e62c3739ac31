"""The service's HTTP API and pages. Every handler signs its caller in (auth.py) and acts only
on the caller's own data, or on what their roles let them see."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from html import escape
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tornado.web import HTTPError

from course.pages import cache as figure_cache
from course.service.auth import ServiceAuthMixin
from course.service.records import KINDS, RequestError
from course.service.results import PublishedResult, WithdrawnAttempt, publish, withdraw
from course.tracking.ingest import record_cpd_log
from course.tracking.models import Learner, Result, WithdrawnResult
from course.tracking.scope import Role


class Body(BaseModel):
    """A request body: a field the API does not define (``learner``, say) is refused, never ignored."""

    model_config = ConfigDict(extra="forbid")


class AppendRequest(Body):
    request_id: str = Field(min_length=1, max_length=64)
    item: str = Field(min_length=1, max_length=80)
    kind: str
    response: Any = None
    attempt: int = Field(1, ge=1, le=100)
    seed: int = 0
    extra: dict[str, Any] = {}


class AttemptRequest(Body):
    attempt: int = Field(ge=1, le=100)


class PublishRequest(Body):
    results: list[PublishedResult] = Field(max_length=5000)
    withdrawn: list[WithdrawnAttempt] = Field([], max_length=5000)  # regrades that failed


class BaseHandler(ServiceAuthMixin):
    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                        "img-src 'self' data:; frame-ancestors 'none'")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def check_xsrf_cookie(self) -> None:
        """Writes are signed in by the Authorization header only (auth.py), never by a cookie,
        so a forged cross-site form has no credential to send."""

    def body(self, model: type[BaseModel]) -> BaseModel:
        try:
            return model.model_validate_json(self.request.body or b"{}")
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "body"
            raise RequestError(f"{where}: {first['msg']}") from None

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A plain message, never a traceback or a server path."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = (exc.log_message if isinstance(exc, HTTPError) and exc.log_message
                   else self._reason)
        if self.request.path.startswith("/api/"):
            self.finish({"error": message})
        else:
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(page(f"{status_code}: {self._reason}", f"<p>{escape(message)}</p>"))

    def _handle_request_exception(self, e: BaseException) -> None:
        if isinstance(e, RequestError):
            return self.send_error(e.status, exc_info=(type(e), HTTPError(e.status, str(e)), None))
        super()._handle_request_exception(e)

    def learner(self) -> str:
        return self.require(Role.LEARNER.value).person_id


class WhoAmIHandler(BaseHandler):
    def get(self) -> None:
        who = self.identity
        self.reply({"person": who.person_id, "roles": sorted(who.roles),
                    "departments": sorted(who.departments)})


class RecordHandler(BaseHandler):
    """GET: the caller's own record for a unit (to restore a page). POST: append one entry."""

    def get(self, unit: str) -> None:
        learner = self.learner()
        self.odp.items.require_unit(unit)
        with self.odp.session() as session:
            header, entries = self.odp.book.read(session, learner, unit)
        self.reply({"header": header.__dict__, "entries": [asdict(e) for e in entries]})

    def post(self, unit: str) -> None:
        learner = self.learner()
        self.odp.items.require_unit(unit)
        req = self.body(AppendRequest)
        with self.odp.session() as session:
            if req.kind not in KINDS:
                raise RequestError(f"kind {req.kind!r} cannot be saved here")
            if req.item in self.odp.items.summative[unit]:
                paper = self.odp.sittings.open_paper(session, learner, unit, req.attempt)
                if req.item not in paper.items or req.kind != "answer":
                    raise RequestError(f"question {req.item!r} is not on your paper for attempt {req.attempt}", 409)
                seed = int(paper.seed)
            elif req.item in self.odp.items.formative[unit]:
                seed = req.seed
            else:
                raise RequestError(f"unit {unit!r} has no item {req.item!r}", 404)
            done = self.odp.book.append(session, learner, unit, request_id=req.request_id,
                                        item=req.item, kind=req.kind, response=req.response,
                                        attempt=req.attempt, seed=seed, extra=req.extra,
                                        event=self.odp.items.event_detail(unit, req.item, req.kind,
                                                                          req.response))
            if (unit, req.item) in self.odp.items.cpd_logs and req.kind == "answer" and \
                    isinstance(req.response, list) and not done.duplicate and \
                    session.get(Learner, learner) is not None:
                # every version of an entry is kept, so a Review written weeks later shows
                record_cpd_log(session, learner, unit, req.item,
                               [e for e in req.response if isinstance(e, dict)],
                               datetime.fromisoformat(done.entry.at))
        self.reply({"entry": asdict(done.entry), "duplicate": done.duplicate},
                   200 if done.duplicate else 201)


class TestHandler(BaseHandler):
    """GET the test's state; POST .../start or .../submit."""

    def get(self, unit: str) -> None:
        learner = self.learner()
        self.odp.items.require_unit(unit)
        with self.odp.session() as session:
            state = self.odp.sittings.state(session, learner, unit)
        self.reply({**asdict(state), "policy": state.policy.model_dump()})

    def post(self, unit: str, action: str) -> None:
        learner = self.learner()
        self.odp.items.require_unit(unit)
        with self.odp.session() as session:
            if action == "start":
                self.reply(asdict(self.odp.sittings.start(session, learner, unit)))
            else:
                req = self.body(AttemptRequest)
                self.reply(asdict(self.odp.sittings.submit(session, learner, unit, req.attempt)))


class AssignmentHandler(BaseHandler):
    """POST .../submit: hand in a written assignment as it stands in the learner's record."""

    def post(self, unit: str) -> None:
        learner = self.learner()
        self.odp.items.require_unit(unit)
        with self.odp.session() as session:
            self.reply(asdict(self.odp.sittings.hand_in_work(session, learner, unit)))


class ResultsHandler(BaseHandler):
    """GET: the caller's own results (and attempts being checked again). POST: an assessor
    publishes results and withdraws those whose regrade failed, in one transaction (re-runnable)."""

    def get(self) -> None:
        learner = self.learner()
        with self.odp.session() as session:
            rows = session.query(Result).filter(Result.learner_id == learner).order_by(
                Result.unit_id, Result.attempt).all()
            out = [{"unit": r.unit_id, "attempt": r.attempt, "status": "graded", "score": r.score,
                    "max_score": r.max_score, "passed": r.passed, "graded_at": r.graded_at.isoformat(),
                    "feedback": r.feedback_html is not None} for r in rows]
            graded = {(r.unit_id, r.attempt) for r in rows}
            taken_back = {(w.unit_id, w.attempt) for w in session.query(WithdrawnResult).filter(
                WithdrawnResult.learner_id == learner)} - graded
            out += [{"unit": unit, "attempt": n, "status": "being_checked_again", "score": None,
                     "max_score": None, "passed": None, "graded_at": None, "feedback": False}
                    for unit, n in sorted(taken_back)]
            self.reply({"results": sorted(out, key=lambda r: (r["unit"], r["attempt"]))})

    def post(self) -> None:
        self.require("assessor")
        req = self.body(PublishRequest)
        with self.odp.session() as session:
            withdrawn = withdraw(session, self.odp.course, req.withdrawn)
            count, unknown = publish(session, self.odp.course, self.odp.fingerprints, req.results)
        if withdrawn or count:  # once committed: no page keeps a withdrawn pass for the minute
            figure_cache.figures.clear()
        self.reply({"published": count, "withdrawn": withdrawn, "not_enrolled": unknown})


class FeedbackHandler(BaseHandler):
    def get(self, unit: str, attempt: str) -> None:
        learner = self.learner()
        with self.odp.session() as session:
            row = session.query(Result).filter_by(learner_id=learner, unit_id=unit,
                                                  attempt=int(attempt)).one_or_none()
            html = row.feedback_html if row is not None else None
        if html is None:
            raise HTTPError(404, "there is no feedback for this attempt yet")
        # nbgrader's feedback page is a whole document; it is shown as it was generated.
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                        "img-src data:; frame-ancestors 'none'")
        self.finish(html)


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} – ODP course</title></head>"
            f'<body><main id="main"><h1>{escape(title)}</h1>{body}</main></body></html>')
