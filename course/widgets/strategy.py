"""PESTLE, SWOT and stakeholder map widgets for the Level 7 strategic management project.

The browser sends actions ("add", "remove"); the kernel checks each one (``frameworks.py``),
updates the whole analysis and appends it to the response record at once, so an entry the
learner has added survives the kernel dying. Problems go back in ``view`` as (field, message)
pairs for the GOV.UK error summary, and nothing is saved.

In a notebook::

    from course.notebook import open_unit
    from course.widgets.strategy import show_analysis
    unit = open_unit()
    show_analysis(unit, "smp-pestle")     # a `pestle`, `swot` or `stakeholder_map` activity
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from IPython.display import display

from course.content.model import Activity, Task
from course.record import ResponseRecord
from course.widgets.analysis_tables import REPORT_METADATA, analysis_html
from course.widgets.base import CourseWidget
from course.widgets.guard import LongText, Request, ShortId, ShortText
from course.widgets.frameworks import (
    FRAMEWORKS, PESTLE, SWOT, Framework, StrategyInputError, approach, boxes_response,
    check_entry, check_stakeholder, read_boxes, read_stakeholders, stakeholder_config,
)

if TYPE_CHECKING:
    from course.notebook import UnitSession

STRATEGY_TYPES = ("pestle", "swot", "stakeholder_map")


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _stakeholders(n: int) -> str:
    return f"{n} stakeholder{'' if n == 1 else 's'}"


class AnalysisWidget(CourseWidget):
    """What the three share: the kernel is the only writer of ``response``, and the widget
    carries its entries as an HTML table too, for exported reports (which have no kernel)."""

    dropped = 0  # saved entries that could not be read back
    _reverting = False

    def normalise(self, response: Any) -> Any:
        raise NotImplementedError

    def report_html(self) -> str:
        return analysis_html(self.kind, self.response, self.label)

    def _on_response(self, change: dict[str, Any]) -> None:
        if self._reverting:
            return
        if self.normalise(change["new"]) != change["new"]:
            self.status = "That change was not saved: it is not a valid answer."
            self._revert(change["old"])
        elif self.write("answer", change["new"]) is None:
            self._revert(change["old"])  # write() has told the learner it was not saved

    def _revert(self, old: Any) -> None:
        self._reverting = True
        try:
            self.response = old
        finally:
            self._reverting = False

    def _commit(self, new: Any) -> bool:
        """Save ``new`` as the answer; False (and the old answer kept) if it could not be saved."""
        self.response = new
        return self.response == new

    def _refuse(self, request: Any, errors: list[tuple[str, str]], **where: Any) -> None:
        self.view = {"request": request, "errors": [list(e) for e in errors], **where}

    def _raise_if_refused(self) -> None:
        if self.view.get("errors"):
            raise StrategyInputError([tuple(e) for e in self.view["errors"]])

    def _read_back_status(self) -> None:
        if self.dropped:
            verb = "is" if self.dropped == 1 else "are"
            self.status = f"{_entries(self.dropped).capitalize()} saved earlier could not be read and {verb} not shown."

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return ({**data, "text/html": self.report_html()},
                {**metadata, REPORT_METADATA: {"item": self.item_id, "kind": self.kind, "label": self.label}})

    def remove(self, entry_id: str) -> None:
        self.act("remove", id=entry_id)
        self._raise_if_refused()


class Remove(Request):
    id: ShortId


class AddBoxEntry(Request):
    box: ShortId
    text: LongText | None = None
    impact: ShortId | None = None


class AddStakeholder(Request):
    name: ShortText | None = None
    power: ShortId | None = None
    interest: ShortId | None = None
    notes: LongText = ""


class BoxesWidget(AnalysisWidget):
    """A PESTLE or SWOT analysis: boxes of entries. The response maps each box to its entries."""

    actions: ClassVar = {"add": AddBoxEntry, "remove": Remove}

    def __init__(self, record: ResponseRecord, item_id: str, label: str, framework: Framework, *,
                 prompt: str = "", attempt: int = 1) -> None:
        self.framework = framework
        super().__init__(record, item_id, attempt=attempt, kind=framework.kind, label=label,
                         config=framework.config(prompt))

    def restore(self) -> None:
        boxes, self.dropped = read_boxes(self.framework, self.response)
        self.response = boxes_response(boxes)
        self._read_back_status()

    def normalise(self, response: Any) -> Any:
        return boxes_response(read_boxes(self.framework, response)[0])

    @property
    def boxes(self):
        return read_boxes(self.framework, self.response)[0]

    def on_add(self, content: dict[str, Any]) -> None:
        request, key = content.get("request"), content.get("box")
        boxes = self.boxes
        try:
            entry = check_entry(self.framework, boxes, key, content.get("text"), content.get("impact"))
        except StrategyInputError as exc:
            self._refuse(request, exc.errors, box=key)
            return
        box = self.framework.box(key)
        boxes[key].append(entry)
        if not self._commit(boxes_response(boxes)):
            self._refuse(request, [("text", self.status)], box=key)
            return
        self.view = {"request": request, "box": key, "done": True,
                     "announce": f"Added to {box.title}: {entry.text}. {box.title} now has {_entries(len(boxes[key]))}."}

    def on_remove(self, content: dict[str, Any]) -> None:
        request, entry_id = content.get("request"), content.get("id")
        boxes = self.boxes
        for key, entries in boxes.items():
            entry = next((e for e in entries if e.id == entry_id), None)
            if entry is None:
                continue
            entries.remove(entry)
            title = self.framework.box(key).title
            if not self._commit(boxes_response(boxes)):
                self._refuse(request, [("text", self.status)], box=key)
                return
            self.view = {"request": request, "box": key, "removed": True,
                         "announce": f"Removed from {title}: {entry.text}. {title} now has {_entries(len(entries))}."}
            return
        self._refuse(request, [("remove", "That entry has already been removed")])

    def add(self, box: str, text: str, impact: str | None = None) -> None:
        """Add an entry as the browser does; raises StrategyInputError with the learner's message."""
        self.act("add", box=box, text=text, impact=impact)
        self._raise_if_refused()


class PestleWidget(BoxesWidget):
    def __init__(self, record: ResponseRecord, item_id: str, label: str = "PESTLE analysis", *,
                 prompt: str = "", attempt: int = 1) -> None:
        super().__init__(record, item_id, label, PESTLE, prompt=prompt, attempt=attempt)


class SwotWidget(BoxesWidget):
    def __init__(self, record: ResponseRecord, item_id: str, label: str = "SWOT analysis", *,
                 prompt: str = "", attempt: int = 1) -> None:
        super().__init__(record, item_id, label, SWOT, prompt=prompt, attempt=attempt)


class StakeholderMapWidget(AnalysisWidget):
    """Stakeholders placed on Mendelow's power-interest grid. The response is the list of
    stakeholders; the engagement approach follows from power and interest, so it is not stored."""

    actions: ClassVar = {"add": AddStakeholder, "remove": Remove}

    def __init__(self, record: ResponseRecord, item_id: str, label: str = "Stakeholder map", *,
                 prompt: str = "", attempt: int = 1) -> None:
        super().__init__(record, item_id, attempt=attempt, kind="stakeholder_map", label=label,
                         config=stakeholder_config(prompt))

    def restore(self) -> None:
        people, self.dropped = read_stakeholders(self.response)
        self.response = [s.model_dump() for s in people]
        self._read_back_status()

    def normalise(self, response: Any) -> Any:
        return [s.model_dump() for s in read_stakeholders(response)[0]]

    @property
    def stakeholders(self):
        return read_stakeholders(self.response)[0]

    def on_add(self, content: dict[str, Any]) -> None:
        request, people = content.get("request"), self.stakeholders
        try:
            person = check_stakeholder(people, content.get("name"), content.get("power"),
                                       content.get("interest"), content.get("notes", ""))
        except StrategyInputError as exc:
            self._refuse(request, exc.errors)
            return
        if not self._commit([s.model_dump() for s in [*people, person]]):
            self._refuse(request, [("name", self.status)])
            return
        how = approach(person.power, person.interest).title.lower()
        self.view = {"request": request, "done": True,
                     "announce": f"Added {person.name}: {person.power} power, {person.interest} interest, "
                                 f"so {how}. You have {_stakeholders(len(people) + 1)}."}

    def on_remove(self, content: dict[str, Any]) -> None:
        request, people = content.get("request"), self.stakeholders
        person = next((s for s in people if s.id == content.get("id")), None)
        if person is None:
            self._refuse(request, [("remove", "That stakeholder has already been removed")])
            return
        rest = [s for s in people if s is not person]
        if not self._commit([s.model_dump() for s in rest]):
            self._refuse(request, [("name", self.status)])
            return
        self.view = {"request": request, "removed": True,
                     "announce": f"Removed {person.name}. You have {_stakeholders(len(rest))}."}

    def add(self, name: str, power: str, interest: str, notes: str = "") -> None:
        self.act("add", name=name, power=power, interest=interest, notes=notes)
        self._raise_if_refused()


def strategy_widget(record: ResponseRecord, activity: Activity) -> AnalysisWidget:
    """The widget for a `pestle`, `swot` or `stakeholder_map` activity."""
    if activity.type == "stakeholder_map":
        return StakeholderMapWidget(record, activity.id, activity.title, prompt=activity.prompt)
    if activity.type in FRAMEWORKS:
        return BoxesWidget(record, activity.id, activity.title, FRAMEWORKS[activity.type],
                           prompt=activity.prompt)
    raise ValueError(f"activity {activity.id!r} is a {activity.type}, not one of {', '.join(STRATEGY_TYPES)}")


def task_widget_id(task: Task) -> str:
    """The record item a task's grid or table saves under, beside the task's written answer."""
    return f"{task.id}-{task.widget.replace('_', '-')}"


def task_widget(record: ResponseRecord, task: Task) -> AnalysisWidget | None:
    """The grid or table a task names (``widget:`` in unit.yaml), or None."""
    if task.widget is None:
        return None
    label = f"{task.title}: {'stakeholder map' if task.widget == 'stakeholder_map' else FRAMEWORKS[task.widget].name}"
    if task.widget == "stakeholder_map":
        return StakeholderMapWidget(record, task_widget_id(task), label, prompt=task.brief)
    return BoxesWidget(record, task_widget_id(task), label, FRAMEWORKS[task.widget], prompt=task.brief)


def analysis(session: UnitSession, activity_id: str) -> AnalysisWidget:
    act = next((a for a in session.unit.activities if a.id == activity_id), None)
    if act is None:
        raise KeyError(f"unit {session.unit.id!r} has no activity {activity_id!r}")
    widget = strategy_widget(session.record, act)
    session.widgets[widget.item_id] = widget
    return widget


def show_analysis(session: UnitSession, activity_id: str) -> None:
    display(analysis(session, activity_id))
