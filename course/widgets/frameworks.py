"""Strategic analysis frameworks for the Level 7 project: PESTLE, SWOT and Mendelow's
power-interest matrix.

Each framework is data (its boxes and their hints), a typed record of what the learner wrote
(pydantic, so a saved answer is checked when it is read back) and checks that return messages
a learner can act on, in the GOV.UK style ("Enter a strength"). The widgets in ``strategy.py``
and the report tables in ``analysis_tables.py`` both use these, so the rules live in one place.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from course.exceptions import CourseError

MAX_TEXT = 500
MAX_NAME = 100
MAX_ENTRIES = 20  # per box, or stakeholders in all: enough for a real analysis, not a dump

Impact = Literal["high", "medium", "low"]
Level = Literal["high", "low"]
IMPACTS: tuple[tuple[str, str], ...] = (("high", "High"), ("medium", "Medium"), ("low", "Low"))
LEVELS: tuple[tuple[str, str], ...] = (("high", "High"), ("low", "Low"))

EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]
EntryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]


class StrategyInputError(CourseError, ValueError):
    """An entry was not added or removed. ``errors`` holds (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(message for _, message in self.errors))


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(Record):
    """One entry in a PESTLE or SWOT box. ``impact`` is set for PESTLE only."""

    id: EntryId
    text: EntryText
    impact: Impact | None = None


class Stakeholder(Record):
    id: EntryId
    name: Name
    power: Level
    interest: Level
    notes: Notes = ""


def new_id() -> str:
    # Entries are removed by id, not position, so two open tabs cannot remove the wrong one.
    return uuid.uuid4().hex[:12]


# -- PESTLE and SWOT: boxes of entries -------------------------------------------------------


@dataclass(frozen=True)
class Box:
    key: str
    title: str
    a_noun: str  # "an economic factor": used in messages and labels
    hint: str

    @property
    def noun(self) -> str:
        return self.a_noun.split(" ", 1)[1]


@dataclass(frozen=True)
class Framework:
    kind: str
    name: str
    boxes: tuple[Box, ...]
    rated: bool  # entries carry an impact rating

    def box(self, key: str) -> Box | None:
        return next((b for b in self.boxes if b.key == key), None)

    def empty(self) -> dict[str, list]:
        return {b.key: [] for b in self.boxes}

    def config(self, prompt: str) -> dict[str, Any]:
        return {"prompt": prompt, "name": self.name, "max_text": MAX_TEXT,
                "boxes": [{"key": b.key, "title": b.title, "a_noun": b.a_noun, "noun": b.noun, "hint": b.hint}
                          for b in self.boxes],
                "impacts": [{"key": k, "label": v} for k, v in IMPACTS] if self.rated else []}


PESTLE = Framework("pestle", "PESTLE analysis", (
    Box("political", "Political", "a political factor",
        "Government policy and priorities, ministers' decisions, spending reviews and elections."),
    Box("economic", "Economic", "an economic factor",
        "The economy and public finances: budgets, inflation, employment and the cost of living."),
    Box("social", "Social", "a social factor",
        "Changes in the population, and in people's needs and expectations of public services."),
    Box("technological", "Technological", "a technological factor",
        "New and ageing technology: digital services, automation, data and cyber security."),
    Box("legal", "Legal", "a legal factor",
        "Laws, regulations and court rulings, for example on data protection or equality."),
    Box("environmental", "Environmental", "an environmental factor",
        "Climate and weather, sustainability targets, and the buildings and travel your service relies on."),
), rated=True)

SWOT = Framework("swot", "SWOT analysis", (
    Box("strengths", "Strengths", "a strength",
        "Internal: what your operation does well and the resources it can rely on."),
    Box("weaknesses", "Weaknesses", "a weakness",
        "Internal: where your operation falls short or lacks resources."),
    Box("opportunities", "Opportunities", "an opportunity",
        "External: changes outside your operation that you could use to your advantage."),
    Box("threats", "Threats", "a threat",
        "External: changes outside your operation that could harm its performance."),
), rated=False)

# A Level 4 risk register, grouped by the Orange Book's 4 Ts: each entry is one risk, rated by
# its residual impact. The same boxes widget and table serve it, so no new front end is needed.
_REGISTER_HINT = ("Write the risk as cause, event and effect; its owner (by role); the controls; inherent "
                  "and residual scores (likelihood x impact); actions with owners and dates; the review date.")
RISK_REGISTER = Framework("risk_register", "Risk register", (
    Box("treat", "Treat", "a risk to treat", "Reduce it with controls. " + _REGISTER_HINT),
    Box("tolerate", "Tolerate", "a risk to tolerate", "Accept it within appetite and monitor it. " + _REGISTER_HINT),
    Box("transfer", "Transfer", "a risk to transfer", "Pass part of it to another party, such as a contract or "
        "insurance. " + _REGISTER_HINT),
    Box("terminate", "Terminate", "a risk to terminate", "Stop the activity that causes it. " + _REGISTER_HINT),
), rated=True)

FRAMEWORKS = {f.kind: f for f in (PESTLE, SWOT, RISK_REGISTER)}


def read_boxes(framework: Framework, response: Any) -> tuple[dict[str, list[Entry]], int]:
    """A saved answer as typed entries, and how many saved entries could not be read.

    A damaged or hand-edited entry is left out rather than failing the whole analysis."""
    boxes: dict[str, list[Entry]] = {b.key: [] for b in framework.boxes}
    dropped = 0
    if not isinstance(response, dict):
        return boxes, 0 if response is None else 1
    for key, items in response.items():
        if key not in boxes or not isinstance(items, list):
            dropped += 1
            continue
        for item in items:
            try:
                entry = Entry.model_validate(item)
            except ValidationError:
                dropped += 1
                continue
            if (entry.impact is None) == framework.rated:
                dropped += 1
                continue
            boxes[key].append(entry)
    return boxes, dropped


def boxes_response(boxes: dict[str, list[Entry]]) -> dict[str, list[dict[str, Any]]]:
    return {key: [e.model_dump(exclude_none=True) for e in entries] for key, entries in boxes.items()}


def check_entry(framework: Framework, boxes: dict[str, list[Entry]], box_key: Any, text: Any,
                impact: Any = None) -> Entry:
    """A new entry for ``box_key``, or StrategyInputError saying what to fix."""
    box = framework.box(box_key) if isinstance(box_key, str) else None
    if box is None:
        titles = ", ".join(b.title for b in framework.boxes)
        raise StrategyInputError([("box", f"Choose where this goes in your {framework.name}: {titles}")])
    errors: list[tuple[str, str]] = []
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        errors.append(("text", f"Enter {box.a_noun}"))
    elif len(text) > MAX_TEXT:
        errors.append(("text", f"{box.noun.capitalize()} must be {MAX_TEXT} characters or fewer"))
    elif any(e.text.casefold() == text.casefold() for e in boxes[box.key]):
        errors.append(("text", f"You have already added this {box.noun}"))
    if framework.rated and impact not in dict(IMPACTS):
        errors.append(("impact", f"Select the impact of this {box.noun}: high, medium or low"))
    if len(boxes[box.key]) >= MAX_ENTRIES:
        errors.append(("text", f"You can add up to {MAX_ENTRIES} entries to {box.title}. "
                               "Remove one before you add another"))
    if errors:
        raise StrategyInputError(errors)
    return Entry(id=new_id(), text=text, impact=impact if framework.rated else None)


# -- Mendelow's power-interest matrix ----------------------------------------------------------


@dataclass(frozen=True)
class Approach:
    key: str
    title: str
    power: str
    interest: str
    advice: str


# In grid order: top row high power, left column low interest (as Mendelow drew it).
APPROACHES = (
    Approach("keep-satisfied", "Keep satisfied", "high", "low",
             "Meet their needs and keep them content, without detail they do not want."),
    Approach("manage-closely", "Manage closely", "high", "high",
             "Key players: involve them fully and consult them on decisions."),
    Approach("monitor", "Monitor", "low", "low",
             "Minimal effort: check now and then whether their power or interest changes."),
    Approach("keep-informed", "Keep informed", "low", "high",
             "Tell them regularly how the project is going and listen to their concerns."),
)


def approach(power: str, interest: str) -> Approach:
    """The engagement approach Mendelow's matrix gives for a stakeholder's power and interest."""
    for a in APPROACHES:
        if a.power == power and a.interest == interest:
            return a
    raise ValueError(f"power and interest must each be 'high' or 'low', not {power!r} and {interest!r}")


def stakeholder_config(prompt: str) -> dict[str, Any]:
    return {"prompt": prompt, "name": "Stakeholder map", "max_text": MAX_TEXT, "max_name": MAX_NAME,
            "levels": [{"key": k, "label": v} for k, v in LEVELS],
            "approaches": [{"key": a.key, "title": a.title, "power": a.power, "interest": a.interest,
                            "advice": a.advice} for a in APPROACHES]}


def read_stakeholders(response: Any) -> tuple[list[Stakeholder], int]:
    if not isinstance(response, list):
        return [], 0 if response is None else 1
    out, dropped = [], 0
    for item in response:
        try:
            out.append(Stakeholder.model_validate(item))
        except ValidationError:
            dropped += 1
    return out, dropped


def check_stakeholder(existing: list[Stakeholder], name: Any, power: Any, interest: Any,
                      notes: Any = "") -> Stakeholder:
    errors: list[tuple[str, str]] = []
    name = name.strip() if isinstance(name, str) else ""
    notes = notes.strip() if isinstance(notes, str) else ""
    if not name:
        errors.append(("name", "Enter the stakeholder's name or role"))
    elif len(name) > MAX_NAME:
        errors.append(("name", f"The stakeholder's name or role must be {MAX_NAME} characters or fewer"))
    elif (same := next((s for s in existing if s.name.casefold() == name.casefold()), None)) is not None:
        errors.append(("name", f"You have already added {same.name}. Remove them first to change their place on the grid"))
    if power not in dict(LEVELS):
        errors.append(("power", "Select how much power they have over the project: high or low"))
    if interest not in dict(LEVELS):
        errors.append(("interest", "Select how interested they are in the project: high or low"))
    if len(notes) > MAX_TEXT:
        errors.append(("notes", f"Notes must be {MAX_TEXT} characters or fewer"))
    if len(existing) >= MAX_ENTRIES:
        errors.append(("name", f"You can add up to {MAX_ENTRIES} stakeholders. Remove one before you add another"))
    if errors:
        raise StrategyInputError(errors)
    return Stakeholder(id=new_id(), name=name, power=power, interest=interest, notes=notes)
