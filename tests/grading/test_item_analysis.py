"""Item analysis on a cohort worked out by hand."""

from __future__ import annotations

import pytest

from course.content.model import ItemBank, Option, Question
from course.grading.item_analysis import analyse
from course.grading.marking import ItemMark
from course.grading.marking import TestMark as Mark  # (not a pytest class)

OPTS = [Option(id="a", text="A"), Option(id="b", text="B")]
BANK = ItemBank(unit="u", items_per_test=2, items=[
    Question(id=f"q{i}", type="single", prompt=f"Question {i}", correct=["a"], options=OPTS) for i in (1, 2, 3, 4)])


def learner(name: str, answers: str) -> Mark:
    """answers: R or W for q1..q4."""
    return Mark(name, "u", 1, 0.5, tuple(ItemMark(n, f"q{n}", True, a == "R")
                                              for n, a in enumerate(answers, 1)))


def cohort() -> list[Mark]:
    # s0-s2 weak (2 of 4), s3-s6 middle (2 of 4), s7-s9 strong (3 of 4)
    return ([learner(f"s{i}", "WRRW") for i in range(3)] + [learner(f"s{i}", "RRWW") for i in range(3, 7)]
            + [learner(f"s{i}", "RRWR") for i in range(7, 10)])


def test_facility_and_discrimination_match_the_hand_worked_figures():
    table = analyse(BANK, cohort()).table.set_index("item")
    assert table.loc["q1", "facility"] == pytest.approx(0.7)
    assert table.loc["q2", "facility"] == pytest.approx(1.0)
    assert table.loc["q3", "facility"] == pytest.approx(0.3)
    # upper 27% of 10 ranks = s7-s9 (3 of 4); lower = the first two of the 2-of-4 group, s0 and s1
    assert table.loc["q1", "discrimination"] == pytest.approx(1.0)
    assert table.loc["q2", "discrimination"] == pytest.approx(0.0)
    assert table.loc["q3", "discrimination"] == pytest.approx(-1.0)
    assert "check the key" in table.loc["q3", "verdict"]
    assert "does not separate" in table.loc["q2", "verdict"] and "very easy" in table.loc["q2", "verdict"]
    assert table.loc["q1", "verdict"] == "working"


def test_untrusted_answers_are_left_out_and_the_chart_names_the_weak_items():
    marks = cohort() + [Mark("t", "u", 1, 0.5, (ItemMark(1, "q1", True, True, untrusted=True),))]
    result = analyse(BANK, marks)
    assert result.table.set_index("item").loc["q1", "seen_by"] == 10
    chart = result.chart()
    assert "q3" in chart.caption and "q2" in chart.caption and "q1" not in chart.caption.split("look:")[1]
    assert "<figcaption" in chart._repr_html_()
