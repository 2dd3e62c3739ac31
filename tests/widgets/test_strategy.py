"""PESTLE, SWOT and stakeholder map widgets: learner action -> record -> restored on reopening;
bad input refused with a message a learner can act on, and nothing saved; tables for reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.content.loader import load
from course.content.model import Activity, Unit
from course.notebook import open_unit
from course.record import RECORD_FILE, ResponseRecord, read_record, verify
from course.record.keys import PUBLIC_KEY
from course.widgets.analysis_tables import REPORT_METADATA, analysis_html
from course.widgets.frameworks import (
    MAX_ENTRIES, MAX_TEXT, PESTLE, StrategyInputError, approach,
)
from course.widgets.strategy import (
    PestleWidget, StakeholderMapWidget, SwotWidget, analysis, strategy_widget,
)
from tests.conftest import FIXTURES

UNIT = FIXTURES / "strategy-unit"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "strategy-unit"
    shutil.copytree(UNIT, target)
    return target


def reopen(folder: Path):
    return open_unit(folder, learner="amy")


def answers(folder: Path) -> list:
    _, entries = read_record(folder / RECORD_FILE)
    return [e for e in entries if e.kind == "answer"]


def _record(folder: Path) -> ResponseRecord:
    return ResponseRecord.open(folder, "amy", "u", key=PUBLIC_KEY)


def test_the_frameworks_are_named_and_ordered_correctly(tmp_path):
    assert [b.title for b in PESTLE.boxes] == ["Political", "Economic", "Social", "Technological", "Legal",
                                               "Environmental"]
    swot = SwotWidget(_record(tmp_path), "s")
    assert [b["title"] for b in swot.config["boxes"]] == ["Strengths", "Weaknesses", "Opportunities", "Threats"]
    assert swot.config["impacts"] == []  # SWOT entries are not rated; PESTLE entries are
    assert [i["label"] for i in PestleWidget(_record(tmp_path), "p").config["impacts"]] == ["High", "Medium", "Low"]


@pytest.mark.parametrize("power, interest, expected", [
    ("high", "high", "Manage closely"), ("high", "low", "Keep satisfied"),
    ("low", "high", "Keep informed"), ("low", "low", "Monitor"),
])
def test_mendelow_gives_the_engagement_approach(power, interest, expected):
    assert approach(power, interest).title == expected


def test_pestle_saves_each_entry_and_restores_it(folder):
    pestle = analysis(reopen(folder), "pestle")
    pestle.add("political", "  Spending review cuts the budget by 5%  ", "high")
    pestle.add("technological", "New online application service", "medium")
    assert pestle.view["announce"] == ("Added to Technological: New online application service. "
                                       "Technological now has 1 entry.")
    assert len(answers(folder)) == 2  # saved on each add, not at the end
    again = analysis(reopen(folder), "pestle")
    assert again.response["political"] == [{"id": again.response["political"][0]["id"],
                                            "text": "Spending review cuts the budget by 5%", "impact": "high"}]
    assert again.response["technological"][0]["impact"] == "medium"
    assert set(again.response) == {"political", "economic", "social", "technological", "legal", "environmental"}
    again.remove(again.response["political"][0]["id"])
    assert analysis(reopen(folder), "pestle").response["political"] == []
    header, entries = read_record(folder / RECORD_FILE)
    assert verify(header, entries, PUBLIC_KEY, learner="amy").ok


def test_swot_saves_restores_and_has_no_impact(folder):
    swot = analysis(reopen(folder), "swot")
    swot.add("strengths", "Experienced, well-trained staff")
    swot.add("threats", "Rising demand after a policy change")
    restored = analysis(reopen(folder), "swot").response
    assert [e["text"] for e in restored["strengths"]] == ["Experienced, well-trained staff"]
    assert "impact" not in restored["threats"][0]


def test_stakeholder_map_saves_restores_and_removes(folder):
    people = analysis(reopen(folder), "stakeholders")
    people.add("Regional operations director", "high", "low", notes="Wants costs held flat")
    people.add("Frontline team leaders", "low", "high")
    assert "so keep informed" in people.view["announce"] and "2 stakeholders" in people.view["announce"]
    restored = analysis(reopen(folder), "stakeholders")
    assert [(s["name"], s["power"], s["interest"]) for s in restored.response] == [
        ("Regional operations director", "high", "low"), ("Frontline team leaders", "low", "high")]
    assert restored.response[0]["notes"] == "Wants costs held flat"
    restored.remove(restored.response[0]["id"])
    assert [s["name"] for s in analysis(reopen(folder), "stakeholders").response] == ["Frontline team leaders"]


@pytest.mark.parametrize("box, text, impact, messages", [
    ("political", "   ", "high", ["Enter a political factor"]),
    ("economic", "Inflation", None, ["Select the impact of this economic factor: high, medium or low"]),
    ("economic", "Inflation", "severe", ["Select the impact of this economic factor: high, medium or low"]),
    ("environmental", "x" * (MAX_TEXT + 1), "low", [f"Environmental factor must be {MAX_TEXT} characters or fewer"]),
    ("financial", "Budget", "high", ["Choose where this goes in your PESTLE analysis: Political, Economic, Social, "
                                     "Technological, Legal, Environmental"]),
    ("social", None, None, ["Enter a social factor", "Select the impact of this social factor: high, medium or low"]),
])
def test_pestle_refuses_bad_input_with_a_clear_message(folder, box, text, impact, messages):
    pestle = analysis(reopen(folder), "pestle")
    with pytest.raises(StrategyInputError) as caught:
        pestle.add(box, text, impact)
    assert [m for _, m in caught.value.errors] == messages
    assert pestle.view["errors"] == [list(e) for e in caught.value.errors]  # what the browser shows
    assert not (folder / RECORD_FILE).exists() or answers(folder) == []  # nothing saved


def test_duplicates_and_too_many_entries_are_refused(folder):
    swot = analysis(reopen(folder), "swot")
    swot.add("weaknesses", "Long waits on the phone")
    with pytest.raises(StrategyInputError, match="You have already added this weakness"):
        swot.add("weaknesses", "long waits on the PHONE")
    for n in range(MAX_ENTRIES - 1):
        swot.add("weaknesses", f"Weakness {n}")
    with pytest.raises(StrategyInputError, match=f"You can add up to {MAX_ENTRIES} entries to Weaknesses"):
        swot.add("weaknesses", "One too many")
    assert len(swot.response["weaknesses"]) == MAX_ENTRIES


@pytest.mark.parametrize("name, power, interest, notes, messages", [
    ("", "high", "high", "", ["Enter the stakeholder's name or role"]),
    ("Director", "medium", "high", "", ["Select how much power they have over the project: high or low"]),
    ("Director", "high", None, "", ["Select how interested they are in the project: high or low"]),
    ("x" * 101, "low", "low", "", ["The stakeholder's name or role must be 100 characters or fewer"]),
    ("Director", "low", "low", "n" * (MAX_TEXT + 1), [f"Notes must be {MAX_TEXT} characters or fewer"]),
])
def test_stakeholder_map_refuses_bad_input(folder, name, power, interest, notes, messages):
    people = analysis(reopen(folder), "stakeholders")
    with pytest.raises(StrategyInputError) as caught:
        people.add(name, power, interest, notes)
    assert [m for _, m in caught.value.errors] == messages
    assert people.response == []


def test_the_same_stakeholder_twice_is_refused_by_name(folder):
    people = analysis(reopen(folder), "stakeholders")
    people.add("Head of Finance", "high", "high")
    with pytest.raises(StrategyInputError, match="You have already added Head of Finance. Remove them first"):
        people.add("head of finance", "low", "low")


def test_removing_an_entry_twice_says_so(folder):
    people = analysis(reopen(folder), "stakeholders")
    people.add("Head of Finance", "high", "high")
    sid = people.response[0]["id"]
    people.remove(sid)
    with pytest.raises(StrategyInputError, match="That stakeholder has already been removed"):
        people.remove(sid)


def test_only_checked_answers_reach_the_record(folder):
    # The browser sends actions; a response set any other way must still be a valid analysis.
    pestle = analysis(reopen(folder), "pestle")
    pestle.add("legal", "New data protection rules", "high")
    before = pestle.response
    pestle.answer({"legal": [{"id": "zzz", "text": "x", "impact": "catastrophic"}]})
    assert pestle.response == before
    assert pestle.status == "That change was not saved: it is not a valid answer."
    assert len(answers(folder)) == 1


def test_damaged_saved_entries_are_left_out_and_the_learner_told(folder):
    record = ResponseRecord.open(folder, "amy", "strategy-unit")
    good = {"id": "a1", "name": "Head of Finance", "power": "high", "interest": "high", "notes": ""}
    record.append("stakeholders", "answer", [good, {"id": "a2", "name": "", "power": "up", "interest": "x"}])
    people = analysis(reopen(folder), "stakeholders")
    assert people.response == [good]
    assert people.status == "1 entry saved earlier could not be read and is not shown."


def test_a_failed_save_is_refused_and_the_entry_kept_out(folder):
    people = analysis(reopen(folder), "stakeholders")
    (folder / RECORD_FILE).unlink()
    (folder / RECORD_FILE).mkdir()  # the record can no longer be written
    with pytest.raises(StrategyInputError, match="Your answer could not be saved"):
        people.add("Head of Finance", "high", "high")
    assert people.response == []  # not shown as added when it was not saved


def test_unit_activities_validate_and_make_the_right_widgets(folder):
    unit, _, problems = load(Unit, folder / "unit.yaml", folder)
    assert not problems
    assert [a.type for a in unit.activities] == ["pestle", "swot", "stakeholder_map", "what_if"]
    session = reopen(folder)
    kinds = {aid: type(analysis(session, aid)).__name__ for aid in ("pestle", "swot", "stakeholders")}
    assert kinds == {"pestle": "BoxesWidget", "swot": "BoxesWidget", "stakeholders": "StakeholderMapWidget"}
    assert set(session.widgets) >= {"pestle", "swot", "stakeholders"}
    with pytest.raises(KeyError, match="no activity 'nope'"):
        analysis(session, "nope")
    with pytest.raises(ValueError, match="is a reflection"):
        strategy_widget(session.record, Activity(id="r", type="reflection", title="R", prompt="p"))


def test_named_widgets_default_their_labels(tmp_path):
    record = _record(tmp_path)
    assert PestleWidget(record, "p").label == "PESTLE analysis" and PestleWidget(record, "p").kind == "pestle"
    assert SwotWidget(record, "s").kind == "swot" and StakeholderMapWidget(record, "m").kind == "stakeholder_map"


def test_widgets_carry_their_entries_as_html_tables(folder):
    session = reopen(folder)
    pestle = analysis(session, "pestle")
    pestle.add("legal", "Equality Act <2010> duties", "low")
    people = analysis(session, "stakeholders")
    people.add("Customers who apply online", "low", "high", notes="Want fewer delays")
    data, metadata = pestle._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert metadata[REPORT_METADATA] == {"item": "pestle", "kind": "pestle", "label": "PESTLE analysis of your operation"}
    html = data["text/html"]
    assert "<caption" in html and "PESTLE analysis: PESTLE analysis of your operation" in html
    assert "Equality Act &lt;2010&gt; duties" in html and "<2010>" not in html  # escaped
    assert '<th scope="rowgroup" rowspan="1"' in html and ">Low</td>" in html
    assert html.count(">None added</td>") == 5
    table = people.report_html()
    assert '<th scope="row"' in table and "Customers who apply online" in table and ">Keep informed</td>" in table
    assert "Keep informed (power low, interest high): Customers who apply online" in table


def test_swot_table_is_the_two_by_two_layout():
    html = analysis_html("swot", {"strengths": [{"id": "a", "text": "Skilled staff"}], "threats": "junk"}, "SWOT")
    assert "Helpful to your objectives" in html and "Internal (your operation)" in html
    assert html.index("Strengths") < html.index("Weaknesses") < html.index("Opportunities") < html.index("Threats")
    assert "Skilled staff" in html and "1 saved entry could not be read" in html


def test_the_grid_is_labelled_in_words_not_colour(folder):
    config = analysis(reopen(folder), "stakeholders").config
    assert [(a["title"], a["power"], a["interest"]) for a in config["approaches"]] == [
        ("Keep satisfied", "high", "low"), ("Manage closely", "high", "high"),
        ("Monitor", "low", "low"), ("Keep informed", "low", "high")]  # grid order: power up, interest right
    assert all(a["advice"] for a in config["approaches"])
