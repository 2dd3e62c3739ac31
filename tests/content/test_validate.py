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
