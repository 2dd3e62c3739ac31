"""What the course service knows of each attempt it handed in, where the grader reads it.

When the service closes an attempt it writes a note to ``handins/<learner>/<assignment>.json``
in the data folder (never in anything a learner receives or submits): the record's head mac at
submit. The grader then chooses how to check a submission from this, never from the record's
own header:

- a note for this attempt: the record must verify under the learner's server key and end at the
  head mac noted, so a record cut short, re-sealed with the public key or taken from another
  learner is caught;
- notes for this learner but none for this attempt: she sits tests through the service, so a
  submission it did not hand in (``nbgrader submit`` from JupyterLab, say) is not scored;
- no notes at all: a learner working offline in JupyterLab; her record's public seal is all
  there is, and the assessor is told so.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from course.grading.sittings import assignment_for

HANDINS_DIR = "handins"


@dataclass(frozen=True)
class HandInNote:
    learner: str
    unit: str
    attempt: int
    head_mac: str
    at: str


def _folder(data_path: Path, learner: str) -> Path:
    return Path(data_path) / HANDINS_DIR / learner


def write_note(data_path: Path, note: HandInNote) -> Path:
    folder = _folder(data_path, note.learner)
    folder.mkdir(parents=True, exist_ok=True, mode=0o770)  # the umask decides: the service alone, or its staff group (hub)
    path = folder / f"{assignment_for(note.unit, note.attempt)}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(note)))
    os.replace(tmp, path)
    return path


def read_note(data_path: Path, learner: str, unit: str, attempt: int) -> HandInNote | None:
    path = _folder(data_path, learner) / f"{assignment_for(unit, attempt)}.json"
    try:
        return HandInNote(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None


def is_served(data_path: Path, learner: str) -> bool:
    """Whether the course service has handed in any attempt of this learner's."""
    folder = _folder(data_path, learner)
    return folder.is_dir() and any(folder.glob("*.json"))


@dataclass(frozen=True)
class HowToCheck:
    """The key a submitted record must verify under and the head it must end at, or why the
    submission is not scored at all."""

    key: bytes | None
    head_mac: str | None = None
    refusal: str | None = None


def how_to_check(data_path: Path | None, learner: str, unit: str, attempt: int, header_keyed: bool,
                 course_secret: bytes | None) -> HowToCheck:
    from course.record.keys import PUBLIC_KEY, learner_key

    note = read_note(data_path, learner, unit, attempt) if data_path else None
    if note is not None:  # the service's key, whatever the header claims, up to the noted head
        return HowToCheck(learner_key(course_secret, learner) if course_secret else None, note.head_mac)
    if data_path and is_served(data_path, learner):
        return HowToCheck(None, refusal=(
            f"attempt {attempt} was not handed in by the course service, through which this learner "
            "works: this submission was made some other way and is not scored"))
    if not header_keyed:
        return HowToCheck(PUBLIC_KEY)
    return HowToCheck(learner_key(course_secret, learner) if course_secret else None)
