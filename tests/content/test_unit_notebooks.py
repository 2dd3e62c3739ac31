"""Every unit notebook under level2/, level3/ and level4/ runs top to bottom in a fresh kernel, as a
learner receives it (released copy, with the key-free test items), and matches its unit.yaml."""

from __future__ import annotations

import shutil

import nbclient
import nbformat
import pytest

from course.content import load_course
from course.content.scaffold import unit_notebook
from course.exam import write_public_items
from course.grading.release import released
from course.record import RECORD_FILE, read_record
from tests.conftest import REPO

COURSE = load_course(REPO)
ENTRIES = [e for e in COURSE.unit_entries if e.notebook and e.unit.level in (2, 3, 4)]


def test_there_are_level2_and_level4_notebooks():
    levels = sorted(e.unit.level for e in ENTRIES)
    assert levels.count(2) >= 3 and levels.count(3) == 10 and levels.count(4) >= 3


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.unit.id)
def test_notebook_matches_its_unit_yaml(entry):
    committed = nbformat.read(entry.notebook, as_version=4)
    expected = unit_notebook(entry.unit, COURSE.banks.get(entry.unit.id))
    # Cell ids too: they are the grade ids, so re-scaffolding leaves an unchanged notebook as it was.
    assert [(c.id, c.source, c.metadata) for c in committed.cells] == \
        [(c.id, c.source, c.metadata) for c in expected.cells], f"run `odp scaffold {entry.folder.relative_to(REPO)}`"


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.unit.id)
def test_notebook_executes_in_a_fresh_kernel(entry, tmp_path, monkeypatch):
    folder = tmp_path / entry.unit.id
    shutil.copytree(entry.folder, folder)
    if entry.unit.id in COURSE.banks:
        write_public_items(COURSE.banks[entry.unit.id], entry.unit.test, folder)
    monkeypatch.setenv("ODP_LEARNER", "test-learner")
    for name in ("ODP_SERVICE_URL", "ODP_SERVICE_TOKEN"):  # JupyterLab with no service
        monkeypatch.delenv(name, raising=False)
    # What the learner runs: the released copy (the hidden test, which fails closed outside
    # grading, is nbgrader's to restore at autograde).
    nb = released(nbformat.read(folder / entry.notebook.name, as_version=4))
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    widgets = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
    assert widgets >= len(entry.unit.elements)
    header, _ = read_record(folder / RECORD_FILE)
    assert header.learner == "test-learner" and header.unit == entry.unit.id


def test_the_building_relationships_and_working_collaboratively_units_are_executed():
    # The two Level 2 qualifications the programme names first for frontline staff: their
    # notebooks are in ENTRIES, so the tests above execute them.
    assert {"building-relationships", "working-collaboratively"} <= {e.unit.id for e in ENTRIES}


def test_odp_scaffold_on_every_unit_changes_nothing(tmp_path):
    """What the README says to run after every edit leaves every committed notebook as it is
    (the same as `odp scaffold level*/*` followed by an empty `git diff`)."""
    from click.testing import CliRunner

    from course.cli import main

    shutil.copy(REPO / "catalogue.yaml", tmp_path / "catalogue.yaml")
    shutil.copytree(REPO / "autograder" / "banks", tmp_path / "autograder" / "banks")
    entries = [e for e in COURSE.unit_entries if e.notebook]  # a unit two qualifications list, once
    assert {e.unit.level for e in entries} >= {2, 4, 7}
    folders = []
    for e in entries:
        folder = tmp_path / e.folder.relative_to(REPO)
        shutil.copytree(e.folder, folder, ignore=shutil.ignore_patterns(RECORD_FILE, ".*"))
        folders.append(folder)
    result = CliRunner().invoke(main, ["scaffold", *map(str, folders)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    changed = [str(e.notebook.relative_to(REPO)) for e, folder in zip(entries, folders)
               if (folder / e.notebook.name).read_bytes() != e.notebook.read_bytes()]
    assert changed == [], "run `odp scaffold` on these and commit the result"
