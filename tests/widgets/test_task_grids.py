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
    assert isinstance(grid, StakeholderMapWidget) and grid.item_id == "mc-t3-stakeholder-map"
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
    assert isinstance(register, BoxesWidget) and register.item_id == "mr-t4-risk-register"
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


@pytest.mark.browser
def test_risk_register_in_the_browser_saves_to_the_record(tmp_path):
    """The register renders from the same front end as PESTLE (no new code), is operable with
    labelled fields, and an entry added in Chromium reaches the record."""
    import os
    import subprocess
    import sys

    import nbformat

    from course.record import RECORD_FILE, read_record
    from tests.browser import axe_violations, chromium, free_port, stop, wait_until_serving

    folder = unit_folder(tmp_path, "managing-risk")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course.notebook import open_unit\n"
                                          "unit = open_unit('.', learner='amy')\nunit.show_task('mr-t4')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "register.ipynb")
    port, bin_dir = free_port(), Path(sys.executable).parent
    with (folder / "voila.log").open("w") as log:
        proc = subprocess.Popen([str(bin_dir / "voila"), "register.ipynb", "--no-browser", f"--port={port}",
                                 "--Voila.ip=127.0.0.1"], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"))
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", proc, output=lambda: (folder / "voila.log").read_text())
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            box = page.locator("#odp-box-mr-t4-risk-register-treat")
            box.wait_for(timeout=120_000)
            assert page.get_by_role("heading", name="Monitor, record and escalate: Risk register").count() == 1
            box.get_by_label("Describe a risk to treat").fill("Listing clerks leave: fewer hearings listed")
            box.get_by_label("High").check()
            box.get_by_role("button", name="Add risk to treat").click()
            page.get_by_text("Added to Treat: Listing clerks leave").first.wait_for(timeout=30_000)
            violations = [v["id"] for v in axe_violations(page) if v["id"] != "region"]  # bare Voila has no <main>
            assert violations == [], violations
    finally:
        stop(proc)
    _, entries = read_record(folder / RECORD_FILE)
    [saved] = [e for e in entries if e.item == "mr-t4-risk-register" and e.kind == "answer"]
    assert saved.response["treat"][0]["text"] == "Listing clerks leave: fewer hearings listed"
    assert saved.response["treat"][0]["impact"] == "high"
