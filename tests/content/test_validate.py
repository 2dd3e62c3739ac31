"""`odp validate`: passes on the real repository, and names file, place and field for each fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from course.cli import main
from tests.conftest import REPO

UNIT = "level2/sample-unit/unit.yaml"
BANK = "autograder/banks/sample-unit.yaml"


def odp(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def edit(root: Path, rel: str, change) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_repository_content_is_valid():
    result = odp("validate", str(REPO))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_fixture_is_valid(content_tree):
    assert odp("validate", str(content_tree)).exit_code == 0


def fails_with(root: Path, expected: str) -> str:
    result = odp("validate", str(root))
    assert result.exit_code == 1
    assert expected in result.output, result.output
    return result.output


def test_yaml_syntax_error_gives_line(content_tree):
    path = content_tree / UNIT
    lines = path.read_text().splitlines()
    lines[4] = "level: [2"  # unclosed flow sequence on line 5
    path.write_text("\n".join(lines))
    out = fails_with(content_tree, f"{UNIT}: YAML syntax error")
    assert "(line " in out


def test_too_few_marking_points(content_tree):
    edit(content_tree, UNIT, lambda d: d["elements"][0].update(marking_points=["one"]))
    out = fails_with(content_tree, f"{UNIT}: elements[0].marking_points: at least 2 are required")
    assert "(line 1" in out  # the line of the field, taken from the YAML


def test_missing_section(content_tree):
    edit(content_tree, UNIT, lambda d: d["elements"][0].pop("exam_tips"))
    fails_with(content_tree, f"{UNIT}: elements[0].exam_tips: is required")


def test_wrong_type(content_tree):
    edit(content_tree, UNIT, lambda d: d.update(learning_outcomes="just one string"))
    fails_with(content_tree, f"{UNIT}: learning_outcomes: must be a list")


def test_unknown_level(content_tree):
    edit(content_tree, UNIT, lambda d: d.update(level=9))
    fails_with(content_tree, f"{UNIT}: level: unknown level 9: levels run from 2 to 7")


def test_unknown_field_is_not_silently_dropped(content_tree):
    edit(content_tree, UNIT, lambda d: d["elements"][0].update(synopis="typo"))
    fails_with(content_tree, f"{UNIT}: elements[0].synopis: is not a field this file can have")


def test_duplicate_question_ids(content_tree):
    def dup(d):
        qs = d["elements"][0]["questions"]
        qs[1]["id"] = qs[0]["id"]
    edit(content_tree, UNIT, dup)
    fails_with(content_tree, f"{UNIT}: elements: duplicate question id 'values-q1'")


def test_correct_option_that_does_not_exist(content_tree):
    edit(content_tree, UNIT, lambda d: d["elements"][0]["questions"][0].update(correct="e"))
    fails_with(content_tree,
               f"{UNIT}: elements[0].questions[0].correct: correct option 'e' does not exist; the options are a, b, c")


def test_wrong_option_without_misconception(content_tree):
    edit(content_tree, UNIT, lambda d: d["elements"][0]["questions"][0]["options"][0].pop("misconception"))
    fails_with(content_tree, f"{UNIT}: elements[0].questions[0].options[0].misconception: is required on a wrong option")


def test_scenario_step_that_links_nowhere(content_tree):
    def broken(d):
        d["elements"][0]["scenarios"][0]["steps"][0]["choices"][1]["next"] = "nowhere"
    edit(content_tree, UNIT, broken)
    out = fails_with(content_tree,
                     f"{UNIT}: elements[0].scenarios[0].steps[0].choices[1].next: links to step 'nowhere', which does not exist")
    # the ending it used to reach is now orphaned, and that is reported too
    assert "step 'end-poor' cannot be reached from the start" in out


def test_bank_too_small_for_resits(content_tree):
    edit(content_tree, UNIT, lambda d: d["test"].update(paper_length=2, blueprint={"lo1": 2}))
    fails_with(content_tree, f"{BANK}: items: outcome 'lo1' has 3 item(s); a paper takes 2, so the bank "
                             "needs at least 4")


def test_unit_disagreeing_with_catalogue(content_tree):
    edit(content_tree, UNIT, lambda d: d.update(title="Another title"))
    fails_with(content_tree, f"{UNIT}: title: is 'Another title' but catalogue.yaml says 'Sample unit'")


def test_unit_folder_not_in_catalogue(content_tree):
    stray = content_tree / "level2" / "stray"
    stray.mkdir()
    (stray / "unit.yaml").write_text((content_tree / UNIT).read_text())
    fails_with(content_tree, "level2/stray/unit.yaml: is not listed in catalogue.yaml")


def test_corrupt_notebook(content_tree):
    (content_tree / "level2/sample-unit/sample-unit.ipynb").write_text('{"cells": [')
    fails_with(content_tree, "level2/sample-unit/sample-unit.ipynb: is not a valid notebook")


def test_every_problem_is_reported_in_one_run(content_tree):
    def two_faults(d):
        d.update(level=9)
        d["elements"][0].pop("synopsis")
    edit(content_tree, UNIT, two_faults)
    out = fails_with(content_tree, "unknown level 9")
    assert "elements[0].synopsis: is required" in out


def test_not_utf8(content_tree):
    (content_tree / UNIT).write_bytes("title: caf\u00e9".encode("latin-1"))
    fails_with(content_tree, f"{UNIT}: is not UTF-8 text")


def test_online_test_unit_must_be_an_nbgrader_source(content_tree):
    shutil.rmtree(content_tree / "autograder" / "source" / "sample-unit")
    fails_with(content_tree, "autograder/source/sample-unit: must link to level2/sample-unit")


def test_test_cell_must_be_worth_the_items_a_test_draws(content_tree):
    edit(content_tree, UNIT, lambda d: d["test"].update(paper_length=2, blueprint={"lo1": 2}))
    fails_with(content_tree, "level2/sample-unit/sample-unit.ipynb: needs one autograded test cell worth 2 point(s)")


def test_notebook_that_disagrees_with_its_unit_yaml(content_tree):
    # The content changed but the notebook was not re-scaffolded.
    edit(content_tree, UNIT, lambda d: d.update(title="Sample unit, renamed"))
    edit(content_tree, "catalogue.yaml", lambda d: d["qualifications"][0]["units"][0].update(title="Sample unit, renamed"))
    fails_with(content_tree, "level2/sample-unit/sample-unit.ipynb: does not match unit.yaml from cell 1 "
                             "('introduction'): run `odp scaffold level2/sample-unit`")


def test_notebook_that_lost_its_graded_cell(content_tree):
    import nbformat

    path = content_tree / "level2/sample-unit/sample-unit.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if c.id != "test-result"]
    nbformat.write(nb, path)
    fails_with(content_tree, "level2/sample-unit/sample-unit.ipynb: has lost its graded cell 'test-result'")


L4 = "level4/managing-risk/unit.yaml"


def test_level4_criteria_are_numbered_to_their_outcomes_with_one_judgement_each():
    """Every Level 4 criterion has an assessment criterion number on one of its unit's outcomes,
    used once, and leads with a Level 4 command verb."""
    from course.content import load_course
    from course.content.checks import COMMAND_VERBS

    course = load_course(REPO, with_banks=False)
    units = [u for u in course.units.values() if u.level == 4]
    assert {u.id for u in units} >= {"leadership-management", "managing-change", "managing-risk"}
    for unit in units:
        criteria = [c for t in unit.assignment.tasks for c in t.criteria]
        assert len({c.ac for c in criteria}) == len(criteria) and all(c.ac for c in criteria)
        assert {int(c.ac.split(".")[0]) for c in criteria} == set(range(1, len(unit.outcomes) + 1))
        assert all(c.text.split()[0].lower() in COMMAND_VERBS for c in criteria)


@pytest.mark.parametrize("change,message", [
    (lambda d: d["assignment"]["tasks"][0]["criteria"][0].update(ac="9.1"),
     "assignment.tasks[0].criteria[0].ac: '9.1' names learning outcome 9, but the unit has 5"),
    (lambda d: d["assignment"]["tasks"][0]["criteria"][1].update(ac="5.1"),
     "assignment.tasks[0].criteria[1].ac: '5.1' is also criterion 'mr-t1-c1': each number is used once"),
    (lambda d: d["assignment"]["tasks"][1]["criteria"][0].pop("ac"),
     "assignment.tasks[1].criteria[0].ac: is required: the unit's other criteria are numbered"),
    (lambda d: d["assignment"]["tasks"][0]["criteria"][0].update(ac="one"),
     "assignment.tasks[0].criteria[0].ac"),
    (lambda d: d["assignment"]["tasks"][0]["criteria"][0].update(text="State what a risk is"),
     "assignment.tasks[0].criteria[0].text: starts with 'state': a Level 4 criterion leads with a command verb"),
])
def test_criterion_numbers_and_verbs_are_checked(tmp_path, change, message):
    root = tmp_path / "content"
    shutil.copytree(REPO / "level4" / "managing-risk", root / "level4" / "managing-risk")
    shutil.copy(REPO / "catalogue.yaml", root / "catalogue.yaml")
    edit(root, L4, change)
    fails_with(root, message)


def test_a_wrong_option_names_one_of_the_units_misconceptions(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(REPO / "level4" / "managing-risk", root / "level4" / "managing-risk")
    shutil.copy(REPO / "catalogue.yaml", root / "catalogue.yaml")
    edit(root, L4, lambda d: d["elements"][0]["questions"][0]["options"][0].update(misconception="Risks are bad"))
    fails_with(root, "elements[0].questions[0].options[0].misconception: question ")
    fails_with(root, "misconception 'Risks are bad' is not in the unit's misconceptions list")
