"""A branching work-based scenario: situation, choice, consequence, next step, outcome.

The browser sees the current situation and the texts of its choices only; where each choice
leads and how good it is stay in the kernel until the learner has chosen.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from course.content.model import Scenario, Step
from course.record import ResponseRecord
from course.widgets.base import CourseWidget
from course.widgets.guard import NoFields, Payload, Refused

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
QUALITY_WORDS = {"acceptable": "an acceptable choice, but not the best", "poor": "a poor choice"}
# An ending's text is written for the path most learners take to it; an opening word of praise
# ("Excellent.") is wrong after a poor choice on the way, so the path's own verdict replaces it.
PRAISE = re.compile(r"^(excellent|well done|great|very good|mostly good|good|brilliant|perfect)\b[^.!]{0,30}[.!]\s+",
                    re.IGNORECASE)


def _ordinal(n: int) -> str:
    return ORDINALS[n - 1] if n <= len(ORDINALS) else f"number {n}"


def outcome(history: list[dict[str, str]], ending: Step) -> dict[str, Any]:
    """The ending as this learner reached it: a verdict from the qualities of their choices, each
    choice that was not the best named with what it led to, then the ending itself."""
    n = len(history)
    poor = sum(h["quality"] == "poor" for h in history)
    weaker = sum(h["quality"] != "best" for h in history)
    if not weaker:
        verdict = "You made the best choice at every step." if n > 1 else "You made the best choice."
    elif n == 1:
        verdict = ("Your choice was a poor one, and it shows in how this ended." if poor
                   else "Your choice was acceptable, but there was a better one.")
    elif not poor:
        verdict = (f"You reached a good ending, but {weaker} of your {n} choices could have been better."
                   if weaker < n else "You reached this ending, but none of your choices was the best one.")
    else:
        verdict = f"{poor} of your {n} choices {'was' if poor == 1 else 'were'} poor, and it shows in how this ended."
    notes = [f"Your {_ordinal(i)} choice, \u201c{h['choice']}\u201d, was {QUALITY_WORDS[h['quality']]}. {h['consequence']}"
             for i, h in enumerate(history, 1) if h["quality"] != "best"]
    text = str(ending.outcome or "")
    if weaker:
        text = PRAISE.sub("", text, count=1)
        text = text[:1].upper() + text[1:]
    return {"verdict": verdict, "notes": notes, "text": f"{ending.situation} {text}".strip(),
            "decisions": [{"choice": h["choice"], "quality": h["quality"]} for h in history]}


class Choose(Payload):
    index: int


class ScenarioWidget(CourseWidget):
    actions: ClassVar = {"choose": Choose, "restart": NoFields}

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
            view["outcome"] = outcome(history, step)
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
        index = content["index"]
        if step.outcome or not 0 <= index < len(step.choices):
            raise Refused(f"no choice {index} at step {step.id!r}")
        self.write("step", {"step": step.id, "choice": index})
        self.path.append(index)
        view = self._view()
        said = f"What happened: {step.choices[index].consequence}"
        if "outcome" in view:
            said += f" The scenario has ended. {view['outcome']['verdict']}"
        self.view = {**view, "announce": said}

    def on_restart(self, _content: dict[str, Any]) -> None:
        self.write("restart", None)
        self.path = []
        self.view = self._view(announce="The scenario has started again.")

    def choose(self, index: int) -> None:
        self.act("choose", index=index)
