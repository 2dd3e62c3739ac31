"""A submitted test attempt, handed in to nbgrader as the learner's submission.

The service writes what ``nbgrader submit`` would, into the exchange's inbound folder, under
nbgrader's own naming (``learner+assignment+timestamp+random``) with its ``timestamp.txt``, so
the assessor's ``nbgrader collect`` and ``odp grade`` see it and no learner runs a command. The
submission is made by the course, not copied from the learner's folder: the released notebook
(nbgrader's release steps, nothing the learner added) and the service's own sealed record.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from course.content import CourseContent
from course.grading.handins import HandInNote, write_note
from course.grading.release import write_released
from course.grading.sittings import assignment_for
from course.record import RECORD_FILE

COURSE_ID = "odp"  # autograder/nbgrader_config.py's CourseDirectory.course_id
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format default


@dataclass(frozen=True)
class HandIn:
    exchange: Path  # Exchange.root
    course: CourseContent
    data_path: Path  # where the grader finds the hand-in notes

    @property
    def inbound(self) -> Path:
        return self.exchange / COURSE_ID / "inbound"

    def hand_in(self, learner: str, unit: str, attempt: int, head_mac: str, record: bytes) -> Path:
        assignment = assignment_for(unit, attempt)
        stamp = datetime.now(timezone.utc).strftime(TIMESTAMP_FORMAT)
        write_note(self.data_path, HandInNote(learner, unit, attempt, head_mac, stamp))
        tag = base64.urlsafe_b64encode(os.urandom(9)).decode("ascii")
        final = self.inbound / f"{learner}+{assignment}+{stamp}+{tag}"
        work = self.inbound / f".{final.name}.partial"  # collect globs learner+…: never a half folder
        work.mkdir(parents=True, mode=0o770)
        notebook = self.course.entry(unit).notebook
        write_released(notebook, work / notebook.name)
        (work / RECORD_FILE).write_bytes(record)
        (work / "timestamp.txt").write_text(stamp)
        os.replace(work, final)
        return final
