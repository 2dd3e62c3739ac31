"""The assessor's marking app (Voila): pick a submission, read each answer beside its criteria,
mark each criterion met or not yet met with a comment, reuse saved comments, see the running
total; second-mark the sample and resolve disagreements.

``marking.ipynb`` beside this module is two cells, ``ready()`` then ``show()``. The page is one
widget whose front end (``static/marking.js``) uses native controls: a fieldset and legend per
criterion, labelled radios and text boxes, a status region that announces each save. Every action
goes through :class:`~course.marking.book.MarkingBook`; this module only turns its state into the
page.

``odp mark serve`` keeps a preheated kernel ready (Voila's pool): it runs ``ready()`` before any
page is asked for. That cell only reads what is the same for every page and every assessor (the
course content, ~1 s), then waits for the page's request; who is marking, the gradebook and the
answers are read by ``show()``, after the request, so a heated kernel carries no identity and
shows nothing stale.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import traitlets as t
from IPython.display import display

from course.config import CATALOGUE_FILE, Settings
from course.content import CourseContent, load_course
from course.content.repository import UNIT_FILE
from course.exceptions import CourseError
from course.marking.book import Decision, MarkingBook
from course.marking.rubric import Rubric
from course.marking.settings import MarkingSettings
from course.marking.similarity import Similar
from course.marking.store import FIRST, SECOND
from course.serve.widget_frontend import FetchedFrontEnd

STATIC = Path(__file__).resolve().parent / "static"


class MarkingWidget(FetchedFrontEnd):
    # The browser fetches these once by digest (course/serve/widget_frontend.py).
    _front_end_js = STATIC / "marking.js"
    _front_end_css = STATIC / "marking.css"

    view = t.Dict().tag(sync=True)


def _decision(d: Decision | None) -> dict[str, Any] | None:
    return None if d is None else {"met": d.met, "comment": d.comment, "marker": d.marker,
                                   "at": d.at[11:16], "note": d.note}


class MarkingApp:
    """The page's state and what each action does."""

    def __init__(self, book: MarkingBook, settings: MarkingSettings, *, load: bool = True) -> None:
        """``load=False``: the page shows "Loading" until :meth:`load` has read the gradebook."""
        self.book, self.settings = book, settings
        self.assessor = settings.assessor
        self.widget = MarkingWidget()
        self.widget.on_msg(lambda _w, content, _b: self.handle(content))
        self.assignment: str | None = None
        self.opened: tuple[str, str] | None = None   # (learner, mode)
        self._similar: dict[str, list[Similar]] = {}
        self._seq = 0
        self._lock = threading.Lock()   # one action at a time, the first load included
        if load:
            self.load()
        else:
            self._seq += 1
            self.widget.view = {"seq": self._seq, "assessor": self.assessor, "loading": True}

    def load(self) -> None:
        """Read what there is to mark and show the first assignment's submissions."""
        with self._lock:
            try:
                names = self.book.assignments()
                self.assignment = names[0] if names else None
                self.refresh()
            except CourseError as exc:
                self.assignment = None
                self.refresh(error=str(exc).strip("'\""))
            except Exception:
                self.assignment = None
                traceback.print_exc()   # to the server's log; the page says what to do
                self.refresh(error="The marking app could not read the gradebook. Reload the page; "
                             "if this happens again, the server's log says why.")

    # -- actions (the same paths the browser takes) -------------------------------------------
    def handle(self, content: dict[str, Any]) -> None:
        with self._lock:
            self._handle(content)

    def _handle(self, content: dict[str, Any]) -> None:
        action = content.get("action")
        announce, focus, saved = "", None, None
        try:
            if action == "assignment":
                self.assignment, self.opened = content["id"], None
                self._similar.pop(self.assignment, None)
                announce, focus = "Showing submissions.", "mk-list-heading"
            elif action == "open":
                mode = content.get("mode", FIRST)
                self.opened = (content["learner"], mode)
                kind = "Second marking" if mode == SECOND else "Marking"
                announce, focus = f"{kind} {content['learner']}.", "mk-heading"
            elif action == "back":
                self.opened, focus = None, "mk-list-heading"
                self._similar.pop(self.assignment or "", None)
            elif action == "mark":
                announce, saved = self._mark(content), f"{content['task']}/{content['criterion']}"
            elif action == "unanswered":
                learner, _ = self.opened or ("", FIRST)
                marked = self.book.mark_unanswered(self.assignment, learner, marker=self.assessor)
                n = len(marked)
                announce = (f"{n} task{'s' if n != 1 else ''} with no answer marked not yet met. "
                            f"{self._total_text(learner, FIRST)}" if n else "Every task with no answer is already marked.")
            elif action == "resolve":
                announce, saved = self._resolve(content), f"r:{content['task']}/{content['criterion']}"
            elif action == "bank":
                added = self.book.save_comment(self.rubric.unit, content["task"], content.get("text", ""),
                                               author=self.assessor)
                announce = "Comment saved for reuse on this task." if added else "That comment is already saved."
            else:
                return
        except (CourseError, KeyError, ValueError) as exc:
            self.refresh(error=str(exc).strip("'\""))
            return
        self.refresh(announce=announce, focus=focus, saved=saved)

    def _mark(self, content: dict[str, Any]) -> str:
        learner, mode = self.opened or ("", FIRST)
        task, criterion = content["task"], content["criterion"]
        met = self._met(content)
        self.book.mark(self.assignment, learner, task, criterion, met=met, comment=content.get("comment", ""),
                       marker=self.assessor, role=mode)
        t_ = self.rubric.task(task)
        c = t_.criterion(criterion)
        said = "met" if met else "not yet met"
        return f"Saved task {t_.number} criterion {c.number}: {said}. {self._total_text(learner, mode)}"

    def _resolve(self, content: dict[str, Any]) -> str:
        learner, _ = self.opened or ("", FIRST)
        met = self._met(content)
        self.book.resolve(self.assignment, learner, content["task"], content["criterion"], met=met,
                          comment=content.get("comment", ""), note=content.get("note", ""), resolver=self.assessor)
        return f"Final decision recorded: {'met' if met else 'not yet met'}. {self._total_text(learner, FIRST)}"

    @staticmethod
    def _met(content: dict[str, Any]) -> bool:
        if content.get("met") not in (True, False):
            raise ValueError("choose met or not yet met")
        return bool(content["met"])

    # -- building the page --------------------------------------------------------------------
    @property
    def rubric(self) -> Rubric:
        return self.book.rubric(self.assignment)

    def similar(self) -> list[Similar]:
        if self.assignment not in self._similar:
            self._similar[self.assignment] = self.book.similar(
                self.assignment, self.settings.similarity_threshold, self.settings.similar_passage_words)
        return self._similar[self.assignment]

    def _total_text(self, learner: str, mode: str) -> str:
        rubric = self.rubric
        if mode == SECOND:
            mine = self.book.decisions(self.assignment, learner, SECOND)
            outcome = rubric.outcome({k: d.met for k, d in mine.items()})
            return f"Your second marking: {outcome.describe(rubric.fail_label.lower())}."
        final = rubric.outcome({k: d.met for k, d in self.book.final(self.assignment, learner).items()})
        return f"Total: {final.describe(rubric.fail_label.lower())}."

    def refresh(self, *, announce: str = "", focus: str | None = None, saved: str | None = None,
                error: str = "") -> None:
        self._seq += 1
        view: dict[str, Any] = {"seq": self._seq, "assessor": self.assessor, "announce": announce, "focus": focus,
                                "saved": saved, "error": error, "assignments": [], "assignment": self.assignment}
        if self.assignment is None:
            view["rows"] = []
            self.widget.view = view
            return
        names = self.book.assignments()
        view["assignments"] = [{"id": a, "label": f"{self.book.rubric(a).code} {self.book.rubric(a).title}"
                                + (f" ({a})" if a != self.book.rubric(a).unit else "")} for a in names]
        view["rule"] = self.rubric.describe_rule()
        if self.opened:
            view["open"] = self._open_view(*self.opened)
        else:
            view["rows"] = self._rows()
        self.widget.view = view

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for s in self.book.submissions(self.assignment, similar=self.similar()):
            notes = []
            if s.flagged:
                notes.append("Flagged: check the record notes")
            if s.similar:
                notes.append(f"Similar answers in {s.similar} task{'s' if s.similar != 1 else ''}")
            if s.sampled:
                state = ("second marked" if s.second_complete else "awaiting second marking")
                notes.append(f"In the second-marking sample ({state})")
            if s.unresolved:
                notes.append(f"{s.unresolved} disagreement{'s' if s.unresolved != 1 else ''} to resolve")
            elif s.disagreements:
                notes.append("Disagreements resolved")
            actions = [{"mode": FIRST, "label": "Mark"}]
            if s.sampled and s.first_marker != self.assessor and s.second_marker in (None, self.assessor):
                actions.append({"mode": SECOND, "label": "Second mark"})
            o = s.outcome
            rows.append({"learner": s.learner, "marker": s.first_marker or "Not started",
                         "progress": f"{o.decided} of {o.criteria} criteria",
                         "marks": f"{o.total} of {o.max_marks}",
                         "result": self.rubric.result_label(o),
                         "notes": notes, "actions": actions})
        return rows

    def _open_view(self, learner: str, mode: str) -> dict[str, Any]:
        rubric = self.rubric
        answers = self.book.answers(self.assignment, learner)
        first = self.book.decisions(self.assignment, learner, FIRST)
        final = self.book.final(self.assignment, learner)
        second = self.book.decisions(self.assignment, learner, SECOND)
        blind = mode == SECOND and len(second) < rubric.criteria
        disagreements = {(d.task, d.criterion): d for d in self.book.disagreements(self.assignment, learner)}
        similar = [s.seen_from(learner) for s in self.similar() if learner in (s.learner, s.other)]
        mine = second if mode == SECOND else first
        tasks = []
        for task in rubric.tasks:
            a = answers[task.id]
            criteria = []
            for c in task.criteria:
                k = (task.id, c.id)
                item = {"id": c.id, "number": c.number, "text": c.text, "meets": c.meets, "marks": c.marks,
                        "ac": c.ac, "outcome": c.outcome_label, "saved": _decision(mine.get(k))}
                if mode == FIRST and k in final and k in disagreements and disagreements[k].resolved:
                    item["final"] = _decision(final[k])
                criteria.append(item)
            dis = []
            if mode == SECOND and not blind:
                for c in task.criteria:
                    d = disagreements.get((task.id, c.id))
                    if d:
                        dis.append({"criterion": c.id, "number": c.number, "text": c.text, "ac": c.ac,
                                    "first": _decision(d.first), "second": _decision(d.second),
                                    "resolution": _decision(d.resolution)})
            task_total = sum(c.marks for c in task.criteria if (task.id, c.id) in mine and mine[(task.id, c.id)].met)
            tasks.append({
                "id": task.id, "number": task.number, "of": len(rubric.tasks), "title": task.title,
                "brief": task.brief, "guidance": f"{task.min_words} to {task.max_words} words",
                "answer": {"text": a.text if a.answered else "", "words": a.words if a.answered else 0,
                           "saved": (a.saved_at or "")[:16].replace("T", " "), "problem": a.problem or ""},
                "similar": [{"other": s.other, "percent": s.percent, "passages": list(s.passages[:3])}
                            for s in similar if s.task == task.id],
                "total": f"{task_total} of {task.max_marks} marks",
                "bank": self.book.bank(rubric.unit, task.id),
                "criteria": criteria, "disagreements": dis})
        kind = "Second marking" if mode == SECOND else "Marking"
        unanswered = sum(1 for t in rubric.tasks if not answers[t.id].answered and not answers[t.id].problem
                         and any((t.id, c.id) not in first for c in t.criteria))
        return {"learner": learner, "mode": mode, "heading": f"{kind} {learner}: {rubric.code} {rubric.title}",
                "summary": self._total_text(learner, mode), "blind": blind, "tasks": tasks,
                "unanswered": unanswered if mode == FIRST else 0}


@dataclass
class _Content:
    """The course content read once per kernel, and read again if a file it came from changed
    (a preheated kernel may wait a long time for its page)."""

    course: CourseContent
    stamp: tuple

    @staticmethod
    def stamp_of(root: Path, course: CourseContent | None) -> tuple:
        files = [root / CATALOGUE_FILE, *(e.folder / UNIT_FILE for e in (course.entries if course else ())
                                          if e.folder is not None)]
        stamps = []
        for f in sorted(set(files)):
            try:
                st = f.stat()
                stamps.append((str(f), st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                stamps.append((str(f), None, None))
        return tuple(stamps)


_content: _Content | None = None


def course_content(root: Path | None = None) -> CourseContent:
    """The course content (without the item banks), as last read if nothing has changed since."""
    global _content
    root = (root or Settings().content_root).resolve()
    if _content is not None and _content.course.root == root \
            and _content.stamp == _Content.stamp_of(root, _content.course):
        return _content.course
    course = load_course(root, with_banks=False)
    _content = _Content(course, _Content.stamp_of(root, course))
    return course


def ready() -> None:
    """The page's first cell: read the course content, then, in a preheated kernel, wait for the
    page's request (at once otherwise). Nothing here knows who is marking."""
    course_content()
    from voila.utils import wait_for_request

    wait_for_request()


def show(settings: MarkingSettings | None = None) -> None:
    """Show the app. Returns nothing, so a notebook cell ending in ``show()`` prints no repr
    under the page."""
    settings = settings or MarkingSettings()
    app = MarkingApp(MarkingBook(settings.folder(), course=course_content()), settings, load=False)
    display(app.widget)
    # The gradebook, answers and similarity check are read while the browser loads the page's
    # scripts (~1 s), rather than before Voila sends the page: the cell ends at once.
    threading.Thread(target=app.load, name="marking-app-load", daemon=True).start()
