"""A branching work-based scenario: situation, choice, consequence, next step, outcome.

The browser sees the current situation and the texts of its choices only; where each choice
leads and how good it is stay in the kernel until the learner has chosen.
"""

from __future__ import annotations

from typing import Any

from course.content.model import Scenario
from course.record import ResponseRecord
from course.widgets.base import CourseWidget


class ScenarioWidget(CourseWidget):
    def __init__(self, record: ResponseRecord, scenario: Scenario) -> None:
        self.scenario = scenario
        self.steps = {s.id: s for s in scenario.steps}
        self.path: list[int] = []
        super().__init__(record, scenario.id, kind="scenario", label=scenario.title,
                         config={"setting": scenario.setting})

    def restore(self) -> None:
        # Replay the choices made since the learner last started again.
        for e in self.record.entries:
            if e.item != self.item_id:
                continue
            if e.kind == "restart":
                self.path = []
            elif e.kind == "step":
                self.path.append(int(e.response["choice"]))
        self.view = self._view()

    def _walk(self) -> tuple[list[dict[str, str]], str]:
        history, current = [], self.scenario.start
        for index in self.path:
            step = self.steps[current]
            if index >= len(step.choices):
                break
            choice = step.choices[index]
            history.append({"situation": step.situation, "choice": choice.text,
                            "consequence": choice.consequence, "quality": choice.quality})
            current = choice.next
        return history, current

    def _view(self, announce: str = "") -> dict[str, Any]:
        history, current = self._walk()
        step = self.steps[current]
        public_history = [{k: h[k] for k in ("situation", "choice", "consequence")} for h in history]
        view: dict[str, Any] = {"history": public_history, "announce": announce}
        if step.outcome:
            view["outcome"] = {
                "text": f"{step.situation} {step.outcome}",
                "decisions": [{"choice": h["choice"], "quality": h["quality"]} for h in history],
            }
        else:
            view["step"] = {"id": step.id, "situation": step.situation,
                            "choices": [c.text for c in step.choices]}
        return view

    @property
    def finished(self) -> bool:
        return "outcome" in self.view

    def on_choose(self, content: dict[str, Any]) -> None:
        _, current = self._walk()
        step = self.steps[current]
        index = int(content.get("index", -1))
        if step.outcome or not 0 <= index < len(step.choices):
            return
        self.write("step", {"step": step.id, "choice": index})
        self.path.append(index)
        self.view = self._view(announce=f"What happened: {step.choices[index].consequence}")

    def on_restart(self, _content: dict[str, Any]) -> None:
        self.write("restart", None)
        self.path = []
        self.view = self._view(announce="The scenario has started again.")

    def choose(self, index: int) -> None:
        self.act("choose", index=index)
