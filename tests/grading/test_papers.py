"""Papers drawn to each unit's test specification: the blueprint on every paper, the same paper
for the same seed, and resits that repeat as little of the last paper as the bank allows."""

from __future__ import annotations

from collections import Counter

import pytest

from course.content import load_course
from course.content.model import Option, Question, TestSpec
from course.exam import PaperError, draw_paper, paper_for, public_items, read_public_items, seed_for, write_public_items
from tests.conftest import REPO

COURSE = load_course(REPO)
UNITS = sorted(u for u, unit in COURSE.units.items() if unit.test is not None and u in COURSE.banks)
SEEDS = range(300)


@pytest.mark.parametrize("unit", UNITS)
def test_every_paper_meets_the_blueprint(unit):
    spec, items = COURSE.units[unit].test, COURSE.banks[unit].items
    by_id = {q.id: q for q in items}
    for seed in SEEDS:
        paper = draw_paper(items, spec, seed)
        assert len(paper.items) == spec.paper_length == len({q.id for q in paper.items})
        assert Counter(q.outcome for q in paper.items) == Counter(spec.blueprint)
        for q in paper.items:  # each item's options, shuffled but all there
            assert sorted(paper.option_order[q.id]) == sorted(o.id for o in by_id[q.id].options)
            if q.type == "true_false":
                assert paper.option_order[q.id] == tuple(o.id for o in q.options)


@pytest.mark.parametrize("unit", UNITS)
def test_the_same_seed_gives_the_same_paper_and_seeds_differ(unit):
    spec, items = COURSE.units[unit].test, COURSE.banks[unit].items
    first = draw_paper(items, spec, 42, seen=["x", "y"])
    again = draw_paper(list(reversed(items)), spec, 42, seen=("x", "y"))  # bank order does not matter
    assert [q.id for q in first.items] == [q.id for q in again.items]
    assert first.option_order == again.option_order
    papers = {tuple(q.id for q in draw_paper(items, spec, seed).items) for seed in range(20)}
    assert len(papers) == 20


def overlap_allowed(spec: TestSpec, items: list[Question]) -> int:
    """The fewest repeats a resit can have: per outcome, what the bank cannot fill with unseen items."""
    have = Counter(q.outcome for q in items)
    return sum(max(0, 2 * n - have[o]) for o, n in spec.blueprint.items())


@pytest.mark.parametrize("unit", UNITS)
def test_a_resit_overlaps_the_last_paper_no_more_than_the_bank_allows(unit):
    spec, items = COURSE.units[unit].test, COURSE.banks[unit].items
    allowed = overlap_allowed(spec, items)
    assert allowed == 0  # the banks hold twice the blueprint: a first resit is all new items
    for learner in (f"learner-{n}" for n in range(100)):
        papers = [paper_for(items, spec, learner, unit, attempt) for attempt in (1, 2, 3)]
        ids = [{q.id for q in p.items} for p in papers]
        assert len(ids[0] & ids[1]) <= allowed
        assert len(ids[1] & ids[2]) <= allowed  # the third sitting reuses the first paper, not the second
        assert papers[0].seed == seed_for(learner, unit, 1)


def test_a_small_bank_repeats_the_items_seen_longest_ago():
    items = [Question(id=f"q{n}", type="single", prompt="?", outcome="lo1", correct=["a"],
                      options=[Option(id="a", text="A"), Option(id="b", text="B")]) for n in range(5)]
    spec = TestSpec(paper_length=3, pass_score=2, time_allowed_minutes=5, blueprint={"lo1": 3})
    first = [q.id for q in draw_paper(items, spec, 1).items]
    second = {q.id for q in draw_paper(items, spec, 2, seen=first).items}
    unseen = {q.id for q in items} - set(first)
    assert unseen <= second and len(second & set(first)) == overlap_allowed(spec, items) == 1
    # seen in order: the items of the first paper only came before those of the second
    third = {q.id for q in draw_paper(items, spec, 3, seen=first + sorted(second)).items}
    assert third <= set(first) | unseen


def test_a_bank_too_small_for_the_blueprint_is_a_clear_error():
    items = [Question(id="q1", type="single", prompt="?", outcome="lo1", correct=["a"],
                      options=[Option(id="a", text="A"), Option(id="b", text="B")])]
    spec = TestSpec(paper_length=2, pass_score=1, time_allowed_minutes=5, blueprint={"lo1": 2})
    with pytest.raises(PaperError, match="outcome 'lo1' has 1 item"):
        draw_paper(items, spec, 0)


def test_the_released_items_carry_the_spec_and_outcomes_but_no_keys(tmp_path):
    unit = UNITS[0]
    bank, spec = COURSE.banks[unit], COURSE.units[unit].test
    write_public_items(bank, spec, tmp_path)
    read_spec, items = read_public_items(tmp_path)
    assert read_spec == spec
    assert [q.outcome for q in items] == [q.outcome for q in bank.items]
    text = (tmp_path / "test-items.json").read_text()
    assert '"correct"' not in text and "misconception" not in text and "feedback" not in text
    assert public_items(bank, spec)["test"]["pass_score"] == spec.pass_score
