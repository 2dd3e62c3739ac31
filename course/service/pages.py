"""The pages a signed-in person opens in a browser: the course home, scoped to who they are.
Served as plain HTML from the store: no kernel, no notebook run."""

from __future__ import annotations

from html import escape

from sqlalchemy import select
from tornado.web import HTTPError

from course.service.handlers import BaseHandler, page
from course.tracking.models import Learner, RecordHead, Result
from course.tracking.scope import Role


def unit_status(opened: bool, results: list[Result], state) -> str:
    if any(r.passed for r in results):
        best = max((r for r in results if r.passed), key=lambda r: r.score)
        return f"Passed ({best.score:g} out of {best.max_score:g})"
    if state is not None and state.open_attempt:
        return f"Test started: attempt {state.open_attempt} not submitted"
    if state is not None and state.attempts and state.attempts[-1]["result"] is None \
            and state.attempts[-1]["submitted"]:
        return "Test submitted: awaiting your result"
    if results:
        last = results[-1]
        return f"Not passed yet ({last.score:g} out of {last.max_score:g})"
    return "In progress" if opened else "Not started"


class HomeHandler(BaseHandler):
    def get(self) -> None:
        who = self.identity
        body = []
        if who.has(Role.LEARNER.value):
            body.append(self._pathway(who.person_id))
        others = sorted(r for r in who.roles if r != Role.LEARNER.value)
        if others:
            body.append("<p>You are also signed in as: "
                        + ", ".join(escape(r.replace("_", " ")) for r in others) + ".</p>")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(page("Operational Delivery Profession courses", "".join(body)))

    def _pathway(self, learner: str) -> str:
        odp = self.odp
        with odp.session() as session:
            me = session.get(Learner, learner)
            units = [e for e in odp.course.entries if e.notebook is not None and e.unit
                     and (me is None or e.qualification.id == me.qualification_id)]
            opened = set(session.scalars(select(RecordHead.unit_id).where(RecordHead.learner_id == learner)))
            results: dict[str, list[Result]] = {}
            for r in session.scalars(select(Result).where(Result.learner_id == learner).order_by(Result.attempt)):
                results.setdefault(r.unit_id, []).append(r)
            rows = []
            for e in units:
                uid = e.unit.id
                state = odp.sittings.state(session, learner, uid) if uid in odp.course.banks else None
                link = f"{odp.app_url}{uid}/{e.notebook.name}"
                status = unit_status(uid in opened, results.get(uid, []), state)
                feedback = "".join(
                    f' <a href="/feedback/{escape(uid)}/{r.attempt}">Feedback on attempt {r.attempt}</a>'
                    for r in results.get(uid, []) if r.feedback_html)
                rows.append(f'<li><a href="{escape(link)}">{escape(e.ref.code)} {escape(e.ref.title)}</a>: '
                            f'<span class="odp-status">{escape(status)}</span>{feedback}</li>')
        qual = odp.course.qualification(me.qualification_id).title if me else None
        intro = f"<p>You are studying the {escape(qual)}.</p>" if qual else ""
        return (f'<section aria-labelledby="odp-pathway-title"><h2 id="odp-pathway-title">My pathway</h2>'
                f'{intro}<ul class="odp-units">{"".join(rows)}</ul></section>')


class NotFoundHandler(BaseHandler):
    def prepare(self) -> None:
        super().prepare()
        self.identity  # signed in first: a stranger learns nothing, not even what exists
        raise HTTPError(404, "there is no such page")
