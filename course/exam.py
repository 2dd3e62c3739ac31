"""Summative tests: the public (key-free) item file, and each learner's seeded variant.

The item bank in ``autograder/banks`` holds the keys. A release writes ``test-items.json``
beside the unit notebook with the same items stripped of ``correct`` and any feedback. Each
learner and attempt gets a seed; the seed picks the items and the option order, so a resit
sees a different paper and the grader can rebuild exactly the paper the learner saw.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from course.content.model import ItemBank, Option, Question

ITEMS_FILE = "test-items.json"


def public_items(bank: ItemBank) -> dict:
    """The bank without anything that gives an answer away."""
    return {
        "unit": bank.unit,
        "items_per_test": bank.items_per_test,
        "items": [
            {"id": q.id, "type": q.type, "prompt": q.prompt,
             "options": [{"id": o.id, "text": o.text} for o in q.options]}
            for q in bank.items
        ],
    }


def write_public_items(bank: ItemBank, folder: Path) -> Path:
    path = Path(folder) / ITEMS_FILE
    path.write_text(json.dumps(public_items(bank), indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def read_public_items(folder: Path) -> tuple[int, list[Question]]:
    data = json.loads((Path(folder) / ITEMS_FILE).read_text(encoding="utf-8"))
    items = [Question(id=i["id"], type=i["type"], prompt=i["prompt"],
                      options=[Option(**o) for o in i["options"]]) for i in data["items"]]
    return data["items_per_test"], items


def seed_for(learner: str, unit: str, attempt: int) -> int:
    digest = hashlib.sha256(f"{learner}\x1f{unit}\x1f{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class Paper:
    """One learner's test for one attempt: which items, in which order, options shuffled."""

    seed: int
    items: tuple[Question, ...]
    option_order: dict[str, tuple[str, ...]]


def draw(items: list[Question], per_test: int, seed: int) -> Paper:
    rng = random.Random(seed)
    chosen = rng.sample(sorted(items, key=lambda q: q.id), min(per_test, len(items)))
    order = {}
    for q in chosen:
        ids = [o.id for o in q.options]
        if q.type != "true_false":
            rng.shuffle(ids)
        order[q.id] = tuple(ids)
    return Paper(seed, tuple(chosen), order)
