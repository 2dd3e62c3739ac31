"""The worked example's project written up as a learner would (tests/fixtures/level7), saved
through the widgets' own API into a copy of the unit folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from course.notebook import open_unit
from course.record import RECORD_FILE
from course.widgets.strategy import analysis
from tests.conftest import FIXTURES, REPO

FOLDER = REPO / "level7" / "strategic-project"
ANSWERS = FIXTURES / "level7" / "worked-example-answers.yaml"


def worked_example(target: Path, learner: str = "amy") -> Path:
    """A copy of the unit folder at ``target`` with the worked example's answers saved."""
    shutil.copytree(FOLDER, target, ignore=shutil.ignore_patterns(RECORD_FILE, ".*", "report"))
    answers = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    session = open_unit(target, learner=learner)
    for item in ("smp-title", "smp-summary"):
        session.activity(item).answer(answers[item])
    for task in ("smp-t1", "smp-t2", "smp-t3", "smp-t4"):
        session.task(task).answer(answers[task])
    for kind in ("smp-pestle", "smp-swot"):
        widget = analysis(session, kind)
        for box, entries in answers[kind].items():
            for e in entries:
                widget.add(box, e["text"], e.get("impact"))
    people = analysis(session, "smp-stakeholders")
    for p in answers["smp-stakeholders"]:
        people.add(p["name"], p["power"], p["interest"], p.get("notes", ""))
    session.activity("smp-whatif").calculate(**answers["smp-whatif"])
    return target
