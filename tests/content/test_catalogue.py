"""`odp catalogue`: every qualification by level; units without notebooks shown as planned."""

from __future__ import annotations

import json

from click.testing import CliRunner

from course.cli import main
from tests.conftest import REPO


def catalogue_report(root) -> dict:
    result = CliRunner().invoke(main, ["catalogue", "--json", "--root", str(root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def catalogue_json(root) -> list[dict]:
    return catalogue_report(root)["qualifications"]


def list_sample_unit_twice(root, title: str = "Sample unit", own: str = "l2-sample") -> None:
    """A second qualification that lists the fixture's unit, as the L2 Award lists unit 201."""
    catalogue = (root / "catalogue.yaml").read_text()
    catalogue += (
        "  - id: l2-sample-award\n"
        "    title: Level 2 Sample Award\n"
        "    level: 2\n"
        "    awarding_body: City & Guilds\n"
        "    units:\n"
        f"      - {{code: \"900\", title: {title}, assessment: online_test, path: level2/sample-unit}}\n")
    (root / "catalogue.yaml").write_text(catalogue)
    unit = root / "level2" / "sample-unit" / "unit.yaml"
    unit.write_text(unit.read_text().replace("qualification: l2-sample", f"qualification: {own}"))


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


def test_json_says_which_qualifications_are_complete_and_counts_the_programme(content_tree):
    report = catalogue_report(content_tree)
    (qual,) = report["qualifications"]
    assert qual["complete"] is False  # unit 901 is planned
    (available,) = [u for u in qual["units"] if u["status"] == "available"]
    assert available["elements"] == [{"id": "values", "questions": 5, "scenarios": 1}]
    assert report["totals"] == {
        "qualifications_complete": 0, "qualifications_listed": 1,
        "units_available": 1, "units_listed": 2,
        "elements": 1, "min_questions_per_element": 5, "min_scenarios_per_element": 1,
        "elements_below_standard": 1,  # 5 questions, fewer than 8
    }


def test_a_unit_two_qualifications_list_is_read_once_and_completes_both(content_tree):
    from course.content import load_course

    list_sample_unit_twice(content_tree)
    course = load_course(content_tree)
    assert course.problems == []
    assert list(course.units) == ["sample-unit"]
    assert [e.qualification.id for e in course.unit_entries] == ["l2-sample"]  # its own
    assert course.entry("sample-unit").qualification.id == "l2-sample"
    report = catalogue_report(content_tree)
    assert {q["id"]: q["complete"] for q in report["qualifications"]} == {
        "l2-sample": False, "l2-sample-award": True}
    assert report["totals"]["units_listed"] == 2  # unit 900 counts once
    assert report["totals"]["qualifications_complete"] == 1


def test_a_second_listing_must_describe_the_unit_as_its_unit_yaml_does(content_tree):
    from course.content import load_course

    list_sample_unit_twice(content_tree, title="Another title")
    messages = [str(p) for p in load_course(content_tree).problems]
    assert any("catalogue.yaml: qualifications[1].units[0].title: is 'Another title' but "
               "level2/sample-unit/unit.yaml says 'Sample unit'" in m for m in messages), messages


def test_a_unit_names_one_of_the_qualifications_that_list_it(content_tree):
    from course.content import load_course

    list_sample_unit_twice(content_tree, own="l2-elsewhere")
    messages = [str(p) for p in load_course(content_tree).problems]
    assert any("level2/sample-unit/unit.yaml: qualification: is 'l2-elsewhere' but the catalogue "
               "lists this unit under 'l2-sample', 'l2-sample-award'" in m for m in messages), messages


def test_repository_catalogue_lists_the_level2_qualifications_complete():
    report = catalogue_report(REPO)
    complete = {q["id"] for q in report["qualifications"] if q["complete"]}
    assert {"l2-od-award", "l2-od-principles", "l2-personal-development"} <= complete
    award = next(q for q in report["qualifications"] if q["id"] == "l2-od-award")
    assert [u["code"] for u in award["units"]] == ["201", "207", "208"]
    totals = report["totals"]
    assert totals["qualifications_listed"] == len(report["qualifications"])
    assert totals["qualifications_complete"] == len(complete)
    assert 0 < totals["units_available"] <= totals["units_listed"]
