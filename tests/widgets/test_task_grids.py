"""A Level 4 task that asks for a power/interest grid or a risk register gets that widget beside its
writing box (the Level 7 strategy widgets, reused); the entries are saved to the record and land
in the nbgrader answer cell as a table, with the written answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.content.loader import load
from course.content.model import Unit
from course.grading.written import answer_cell_source, written_answers
from course.notebook import open_unit
from course.widgets.frameworks import RISK_REGISTER
from course.widgets.strategy import BoxesWidget, StakeholderMapWidget
from tests.conftest import REPO


def read_unit(folder: Path) -> Unit:
    unit, _, problems = load(Unit, folder / "unit.yaml", folder)
    assert not problems, problems
    return unit


def unit_folder(tmp_path: Path, unit: str) -> Path:
    target = tmp_path / unit
    shutil.copytree(REPO / "level4" / unit, target)
    return target


@pytest.mark.parametrize("unit,task,kind", [("managing-change", "mc-t3", "stakeholder_map"),
                                            ("managing-risk", "mr-t4", "risk_register")])
def test_the_tasks_that_ask_for_a_grid_or_register_name_it(unit, task, kind):
    content = read_unit(REPO / "level4" / unit)
    assert {t.id: t.widget for t in content.assignment.tasks if t.widget} == {task: kind}


def test_power_interest_grid_is_saved_and_reaches_the_answer_cell_as_a_table(tmp_path):
    folder = unit_folder(tmp_path, "managing-change")
    session = open_unit(folder, learner="amy")
    grid = session.task_grid("mc-t3")
    assert isinstance(grid, StakeholderMapWidget) and grid.item_id == "mc-t3.stakeholder_map"
    assert grid.label == "Stakeholders and communication: stakeholder map"
    grid.add("Claimants with limited digital skills", "low", "high", "Highly affected by online booking")
    grid.add("PCS trade union", "high", "high")
    session.task("mc-t3").answer("I placed claimants as low power, high interest because they rely on the office.")
    unit = read_unit(folder)
    answers = written_answers(folder, unit, "amy", course_secret=None)
    a = answers["mc-t3"]
    assert a.answered and a.problem is None
    cell = answer_cell_source(unit.assignment.tasks[2], 3, 4, a)
    assert cell.startswith("**Task 3 of 4: Stakeholders and communication**")
    assert "I placed claimants as low power" in cell
    assert "<table" in cell and "Claimants with limited digital skills" in cell and "Keep informed" in cell
    assert "PCS trade union" in cell and "Manage closely" in cell
    # reopened: the grid restores from the record
    again = open_unit(folder, learner="amy").task_grid("mc-t3")
    assert [s.name for s in again.stakeholders] == ["Claimants with limited digital skills", "PCS trade union"]
    assert open_unit(folder, learner="amy").task_grid("mc-t1") is None


def test_risk_register_only_still_counts_as_an_answer(tmp_path):
    folder = unit_folder(tmp_path, "managing-risk")
    session = open_unit(folder, learner="amy")
    register = session.task_grid("mr-t4")
    assert isinstance(register, BoxesWidget) and register.item_id == "mr-t4.risk_register"
    assert [b["key"] for b in register.config["boxes"]] == [b.key for b in RISK_REGISTER.boxes] == \
        ["treat", "tolerate", "transfer", "terminate"]
    register.add("treat", "Because two listing clerks leave in May, fewer hearings may be listed; owner: "
                          "operations manager; inherent 4x4=16, residual 16; target 8; review monthly", "high")
    unit = read_unit(folder)
    a = written_answers(folder, unit, "amy", course_secret=None)["mr-t4"]
    assert a.answered and a.text == "" and "fewer hearings may be listed" in a.table
    cell = answer_cell_source(unit.assignment.tasks[3], 4, 4, a)
    assert "Risk register" in cell and '<th scope="col"' in cell and ">Treat<" in cell and ">High<" in cell


def test_entries_are_escaped_in_the_answer_cell(tmp_path):
    folder = unit_folder(tmp_path, "managing-change")
    grid = open_unit(folder, learner="amy").task_grid("mc-t3")
    grid.add("<script>alert(1)</script>", "high", "low")
    unit = read_unit(folder)
    cell = answer_cell_source(unit.assignment.tasks[2], 3, 4, written_answers(folder, unit, "amy", None)["mc-t3"])
    assert "<script>" not in cell and "&lt;script&gt;" in cell
