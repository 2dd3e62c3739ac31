"""Item analysis on cohorts worked out by hand, and indices that depend on scores alone."""

from __future__ import annotations

import random

import pytest
from pandas.testing import assert_frame_equal

from course.content.model import ItemBank, Option, Question
from course.grading.item_analysis import analyse, group_weights
from course.grading.marking import ItemMark
from course.grading.marking import TestMark as Mark  # (not a pytest class)

OPTS = [Option(id="a", text="A"), Option(id="b", text="B"), Option(id="c", text="C")]
BANK = ItemBank(unit="u", items=[
    Question(id=f"q{i}", outcome="lo1", type="single", prompt=f"Question {i}", correct=["a"], options=OPTS)
    for i in (1, 2, 3, 4)])


def learner(name: str, answers: str, *, sat: bool = True) -> Mark:
    """answers: one letter per item q1..: the option chosen (a is the key), or - for no answer."""
    return Mark(name, "u", 1, 2, tuple(ItemMark(n, f"q{n}", a != "-", a == "a", response=() if a == "-" else (a,))
                                       for n, a in enumerate(answers, 1)), sat=sat)


def cohort() -> list[Mark]:
    # s0-s2 weak (2 of 4), s3-s6 middle (2 of 4), s7-s9 strong (3 of 4)
    return ([learner(f"s{i}", "baab") for i in range(3)] + [learner(f"s{i}", "aabc") for i in range(3, 7)]
            + [learner(f"s{i}", "aaba") for i in range(7, 10)])


def test_facility_and_discrimination_match_the_hand_worked_figures():
    table = analyse(BANK, cohort()).table.set_index("item")
    assert table.loc["q1", "facility"] == pytest.approx(0.7)
    assert table.loc["q2", "facility"] == pytest.approx(1.0)
    assert table.loc["q3", "facility"] == pytest.approx(0.3)
    # upper 27% of 10 = 2.7 learners: s7-s9 (3 of 4) count 0.9 each. The lower 2.7 places go to
    # the seven learners tied on 2 of 4, 0.386 each: 3 weak (q1 wrong, q3 right), 4 middle.
    assert table.loc["q1", "discrimination"] == pytest.approx(1 - 4 / 7)
    assert table.loc["q2", "discrimination"] == pytest.approx(0.0)
    assert table.loc["q3", "discrimination"] == pytest.approx(0 - 3 / 7)
    assert "check the key" in table.loc["q3", "verdict"]
    assert "does not separate" in table.loc["q2", "verdict"] and "very easy" in table.loc["q2", "verdict"]
    assert table.loc["q1", "verdict"] == "working"
    # correlation with the rest of the paper: q3 is right for the weak learners only
    assert table.loc["q3", "point_biserial"] < 0


def test_learners_who_did_not_sit_are_not_counted_as_having_seen_an_item():
    # 19 right of 24 who sat; 2 more with no record (or another learner's) must not count.
    marks = [learner(f"r{i}", "aaaa") for i in range(19)] + [learner(f"w{i}", "bbbb") for i in range(5)]
    marks += [learner("missing", "----", sat=False), learner("someone-elses", "----", sat=False)]
    result = analyse(BANK, marks)
    row = result.table.set_index("item").loc["q1"]
    assert (row["seen_by"], row["facility"]) == (24, pytest.approx(19 / 24))
    assert (result.learners, result.left_out) == (24, 2)


def test_indices_do_not_depend_on_learner_order_or_names():
    rng = random.Random(7)
    marks = [learner(f"p{i:02d}", "".join(rng.choice("aabc-") for _ in range(4))) for i in range(60)]
    forward = analyse(BANK, marks)
    backward = analyse(BANK, marks[::-1])
    renamed = analyse(BANK, [Mark(f"z{99 - n}", m.unit, m.attempt, m.pass_score, m.items) for n, m in enumerate(marks)])
    for other in (backward, renamed):
        # the same values (to rounding in the last bits of a sum) and the same verdicts
        assert_frame_equal(forward.table, other.table, rtol=1e-9)
        assert_frame_equal(forward.distractors, other.distractors, rtol=1e-9)
        assert forward.reliability == pytest.approx(other.reliability)


def test_tied_learners_share_the_edge_of_a_group_equally():
    weights = group_weights(__import__("numpy").array([3, 2, 2, 2, 1], dtype=float), share=0.4)
    # 2 upper places: the top learner, then three tied learners share the last place (1/3 each)
    assert weights["upper"].tolist() == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3, 0])
    assert weights["lower"].tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3, 1])
    assert weights["middle"].tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3, 0])


def test_distractor_analysis_counts_each_option_by_score_group_and_flags_dead_distractors():
    # 20 strong learners choose the key on q1; 10 weak choose b; nobody chooses c
    marks = [learner(f"s{i}", "aaaa") for i in range(20)] + [learner(f"w{i}", "bbbb") for i in range(10)]
    result = analyse(BANK, marks)
    q1 = result.distractors[result.distractors["item"] == "q1"].set_index("option")
    assert q1.loc["a", "key"] and q1.loc["a", "chosen"] == pytest.approx(20 / 30)
    assert q1.loc["a", "chosen_upper"] == pytest.approx(1.0) and q1.loc["b", "chosen_lower"] == pytest.approx(1.0)
    assert q1.loc["c", "chosen"] == 0
    assert "option c is chosen by almost nobody" in result.table.set_index("item").loc["q1", "verdict"]


def test_a_distractor_that_draws_the_strong_learners_suggests_a_wrong_key():
    # on q4 the strong learners pick c, the weak pick the key a
    marks = ([learner(f"s{i}", "aaac") for i in range(10)] + [learner(f"m{i}", "abbb") for i in range(10)]
             + [learner(f"w{i}", "bbba") for i in range(10)])
    verdict = analyse(BANK, marks).table.set_index("item").loc["q4", "verdict"]
    assert "option c draws more of the upper group than the key" in verdict


def test_kr20_and_sem_match_the_formula():
    marks = cohort()
    result = analyse(BANK, marks)
    scores = [m.score for m in marks]
    mean = sum(scores) / len(scores)
    variance = sum((s - mean) ** 2 for s in scores) / len(scores)
    p = [0.7, 1.0, 0.3, 0.3]  # q4 is right for s7-s9 only
    kr20 = 4 / 3 * (1 - sum(x * (1 - x) for x in p) / variance)
    assert result.reliability == pytest.approx(kr20)
    assert result.sem == pytest.approx((variance * (1 - kr20)) ** 0.5)
    assert "KR-20" in result.summary()


def test_untrusted_answers_are_left_out_and_the_chart_names_the_weak_items():
    marks = cohort() + [Mark("t", "u", 1, 2, (ItemMark(1, "q1", True, True, untrusted=True),))]
    result = analyse(BANK, marks)
    assert result.table.set_index("item").loc["q1", "seen_by"] == 10
    chart = result.chart()
    assert "q3" in chart.caption and "q2" in chart.caption and "q1" not in chart.caption.split("look:")[1]
    assert "<figcaption" in chart._repr_html_()
