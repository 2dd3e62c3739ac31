"""`odp catalogue`: every qualification by level; units without notebooks shown as planned."""

from __future__ import annotations

import json

from click.testing import CliRunner

from course.cli import main
from tests.conftest import REPO


def catalogue_json(root) -> list[dict]:
    result = CliRunner().invoke(main, ["catalogue", "--json", "--root", str(root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_lists_units_with_status(content_tree):
    (qual,) = catalogue_json(content_tree)
    assert qual["level"] == 2
    status = {u["code"]: (u["status"], u["notebook"]) for u in qual["units"]}
    assert status == {
        "900": ("available", "level2/sample-unit/sample-unit.ipynb"),
        "901": ("planned", None),
    }


def test_repository_catalogue_covers_levels_2_to_7_and_the_named_families():
    quals = catalogue_json(REPO)
    assert {q["level"] for q in quals} == {2, 3, 4, 5, 6, 7}
    assert [q["level"] for q in quals] == sorted(q["level"] for q in quals)
    families = " ".join(q["family"] or "" for q in quals)
    for name in ("first line", "middle managers", "advanced", "strategic", "Managing Change",
                 "Customer Service", "Personal and Professional Development",
                 "Building Relationships", "Working Collaboratively"):
        assert name in families


def test_table_output_shows_planned_units():
    result = CliRunner().invoke(main, ["catalogue", "--root", str(REPO)])
    assert result.exit_code == 0
    assert "planned" in result.output


def test_every_subcommand_has_help():
    for name in main.commands:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, name


def test_the_learner_facing_home_never_reads_the_item_banks(content_tree):
    from course.content import require_course
    from course.pages.home import render_catalogue

    course = require_course(content_tree, with_banks=False)
    assert course.banks == {}
    assert "Sample unit" in render_catalogue(course, lambda entry: entry.unit.id)
