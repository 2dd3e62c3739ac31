"""Summative tests: the public (key-free) item file, and each learner's seeded paper.

The item bank in ``autograder/banks`` holds the keys. A release writes ``test-items.json``
beside the unit notebook with the unit's test specification and the same items stripped of
``correct`` and any feedback (an item's learning outcome and element are not secret). Each
learner and attempt gets a seed; :func:`draw_paper` turns the seed into a paper drawn to the
specification's blueprint, so the grader can rebuild exactly the paper the learner saw.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from course.content.model import ItemBank, Option, Question, TestSpec

ITEMS_FILE = "test-items.json"


def public_items(bank: ItemBank, spec: TestSpec) -> dict:
    """The bank without anything that gives an answer away, with the paper's specification."""
    return {
        "unit": bank.unit,
        "test": spec.model_dump(),
        "items": [
            {"id": q.id, "type": q.type, "prompt": q.prompt, "outcome": q.outcome, "element": q.element,
             "options": [{"id": o.id, "text": o.text} for o in q.options]}
            for q in bank.items
        ],
    }


def write_public_items(bank: ItemBank, spec: TestSpec, folder: Path) -> Path:
    path = Path(folder) / ITEMS_FILE
    path.write_text(json.dumps(public_items(bank, spec), indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def read_public_items(folder: Path) -> tuple[TestSpec, list[Question]]:
    data = json.loads((Path(folder) / ITEMS_FILE).read_text(encoding="utf-8"))
    items = [Question(id=i["id"], type=i["type"], prompt=i["prompt"], outcome=i.get("outcome"),
                      element=i.get("element"), options=[Option(**o) for o in i["options"]])
             for i in data["items"]]
    return TestSpec.model_validate(data["test"]), items


def seed_for(learner: str, unit: str, attempt: int) -> int:
    digest = hashlib.sha256(f"{learner}\x1f{unit}\x1f{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class Paper:
    """One learner's test for one attempt: which items, in which order, options shuffled."""

    seed: int
    items: tuple[Question, ...]
    option_order: dict[str, tuple[str, ...]]


class PaperError(ValueError):
    """The bank cannot fill a paper to the specification (odp validate reports why)."""


def draw_paper(items: Sequence[Question], spec: TestSpec, seed: int, seen: Iterable[str] = ()) -> Paper:
    """The paper for ``seed``: ``spec.blueprint[outcome]`` items from each outcome, in a shuffled
    order, each choice item's options shuffled (true/false stays true, false).

    ``seen`` holds the ids of items the learner has already been given, oldest first (repeats
    are fine; a set is read as one group). Unseen items are drawn first; when an outcome has
    too few, the items seen longest ago fill the paper, so a resit repeats as little of the
    last paper as the bank allows. The same items, spec, seed and seen always give the same paper.
    """
    rng = random.Random(seed)
    if isinstance(seen, (set, frozenset)):
        last_seen = {i: 0 for i in seen}
    else:
        last_seen = {i: n for n, i in enumerate(seen)}  # the last sighting wins
    chosen: list[Question] = []
    for outcome, count in sorted(spec.blueprint.items()):
        pool = sorted((q for q in items if q.outcome == outcome), key=lambda q: q.id)
        if len(pool) < count:
            raise PaperError(f"outcome {outcome!r} has {len(pool)} item(s) in the bank; the paper "
                             f"needs {count}")
        tiebreak = {q.id: rng.random() for q in pool}
        # never seen first, then longest ago; random within each group
        pool.sort(key=lambda q: (q.id in last_seen, last_seen.get(q.id, 0), tiebreak[q.id]))
        chosen.extend(pool[:count])
    rng.shuffle(chosen)
    order = {}
    for q in chosen:
        ids = [o.id for o in q.options]
        if q.type != "true_false":
            rng.shuffle(ids)
        order[q.id] = tuple(ids)
    return Paper(seed, tuple(chosen), order)


def paper_for(items: Sequence[Question], spec: TestSpec, learner: str, unit: str, attempt: int) -> Paper:
    """The learner's paper for ``attempt``: seeded by learner, unit and attempt, with every item
    on their earlier papers as seen (oldest first). Needs nothing but the items, so the widget
    and the grader rebuild the same papers without trusting anything the learner holds."""
    seen: list[str] = []
    paper = None
    for n in range(1, attempt + 1):
        paper = draw_paper(items, spec, seed_for(learner, unit, n), seen)
        seen.extend(q.id for q in paper.items)
    assert paper is not None, "attempts are numbered from 1"
    return paper
