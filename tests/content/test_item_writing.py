"""`odp validate`'s item-writing and test-specification rules: a bad item (or spec) for each
rule, on a copy of the fixture tree, fails with the rule's own message and the line."""

from __future__ import annotations

import pytest

from course.content.checks import binomial_tail, tail
from tests.content.test_validate import BANK, UNIT, edit, fails_with


def item(n: int, options: list[str], correct="a", **extra) -> dict:
    ids = "abcdefgh"[:len(options)]
    return {"id": f"x{n}", "outcome": "lo1", "type": "single", "prompt": f"Question {n}?", "correct": correct,
            "options": [{"id": i, "text": t} for i, t in zip(ids, options)], **extra}


def add_items(*items: dict):
    return lambda d: d["items"].extend(items)


def key_longest(d: dict) -> None:
    # 12 items (and t3) whose key is the one longest option: chance would give 3.7
    d["items"].extend(item(n, ["The right answer, written out at length", "Wrong one", "Wrong two", "Wrong three"])
                      for n in range(12))


BANK_RULES = [
    pytest.param(key_longest, "items: the key is the longest option on 13 of 13 items (chance would give 3.7",
                 id="key-longest"),
    pytest.param(add_items(item(1, ["Report it", "Never report it", "Wait a week"])),
                 "'never' appears only in distractors (items x1)", id="cue-word-in-distractors"),
    pytest.param(add_items(item(1, ["You may report it", "Report it today", "Wait a week"])),
                 "'may' appears only in keys (items x1)", id="cue-word-in-keys"),
    pytest.param(add_items(item(1, ["Honesty", "Speed", "honesty."])),
                 "item 'x1' options 'a' and 'c' are the same option", id="duplicate-options"),
    pytest.param(add_items(item(1, ["Record your findings", "Review your assessment",
                                    "Review your assessment and update it"])),
                 "item 'x1' options 'b' and 'c' are near-duplicates", id="near-duplicate-options"),
    pytest.param(add_items(item(1, ["Honesty", "Speed", "All of the above"])),
                 "item 'x1' option 'c' says 'all of the above'", id="all-of-the-above"),
    pytest.param(add_items(item(1, ["Honesty", "Speed", "None of the above"])),
                 "item 'x1' option 'c' says 'none of the above'", id="none-of-the-above"),
    pytest.param(add_items({"id": "x1", "outcome": "lo1", "type": "true_false", "prompt": "Honesty is a value.",
                            "correct": "true", "options": [{"id": "true", "text": "True"},
                                                           {"id": "false", "text": "False"}]}),
                 "items: 1 of 4 items are true/false (25%); at most 10% may be", id="true-false-share"),
    pytest.param(lambda d: d["items"][0].pop("outcome"), "items[0].outcome: item 't1' has no outcome",
                 id="item-without-outcome"),
    pytest.param(lambda d: d["items"][0].update(outcome="lo9"),
                 "items[0].outcome: item 't1': outcome 'lo9' is not one of the unit's learning outcomes (lo1)",
                 id="item-with-unknown-outcome"),
    pytest.param(add_items(item(1, ["The answer that gives itself away by its length", "No", "Not this"])),
                 "item 'x1': the key is 5.9 times as long as the longest distractor", id="key-much-longer"),
]


@pytest.mark.parametrize("change, message", BANK_RULES)
def test_bank_item_writing_rule(content_tree, change, message):
    edit(content_tree, BANK, change)
    out = fails_with(content_tree, f"{BANK}: ")
    line = next(line for line in out.splitlines() if message in line)  # the rule's own message...
    assert line.startswith(BANK) and "(line " in line                   # ...naming file and line


def with_misconceptions(d: dict) -> None:
    d["misconceptions"] = [{"id": "serve-the-party", "text": "Civil servants serve the party in power"}]


SPEC_RULES = [
    pytest.param(UNIT, lambda d: d["test"].update(paper_length=2, blueprint={"lo1": 2}), None,
                 f"{BANK}: items: outcome 'lo1' has 3 item(s); a paper takes 2, so the bank needs at least 4",
                 id="outcome-with-too-few-items"),
    pytest.param(UNIT, lambda d: d["test"].update(paper_length=3), None,
                 f"{UNIT}: test.blueprint: adds up to 1 items but paper_length is 3", id="blueprint-sum"),
    pytest.param(UNIT, lambda d: d["test"].update(blueprint={"lo1": 0, "lo7": 1}), None,
                 f"{UNIT}: test.blueprint.lo7: names outcome 'lo7', which is not one of the unit's learning "
                 "outcomes (lo1)", id="blueprint-unknown-outcome"),
    pytest.param(UNIT, lambda d: d["test"].update(pass_score=5), None,
                 f"{UNIT}: test.pass_score: is 5, more than the 1 items on the paper", id="pass-score"),
    pytest.param(UNIT, lambda d: d.pop("test"), None,
                 f"{UNIT}: test: is required for a unit assessed by online test", id="no-test-spec"),
    pytest.param(UNIT, with_misconceptions,
                 lambda d: d["items"][1]["options"][1].update(misconception="loyalty-is-a-value"),
                 f"{BANK}: items[1].options[1].misconception: item 't2' option 'b': misconception "
                 "'loyalty-is-a-value' is not in the unit's misconceptions list", id="bank-misconception"),
    pytest.param(UNIT, lambda d: None,
                 lambda d: d["items"][0].update(prompt="Which of these is a Civil Service Code value?"),
                 f"{BANK}: items[0].prompt: item 't1' repeats the prompt of formative question 'values-q1'",
                 id="prompt-of-a-formative-question"),
    pytest.param(UNIT, with_misconceptions, None,
                 f"{UNIT}: elements[0].questions[0].options[0].misconception: question 'values-q1' option 'a': "
                 "misconception 'Civil servants serve the party in power' is not in the unit's misconceptions list",
                 id="formative-misconception"),
]


@pytest.mark.parametrize("rel, change, bank_change, message", SPEC_RULES)
def test_test_specification_rule(content_tree, rel, change, bank_change, message):
    edit(content_tree, rel, change)
    if bank_change:
        edit(content_tree, BANK, bank_change)
    out = fails_with(content_tree, message)
    assert "(line " in next(line for line in out.splitlines() if message in line)


def test_a_named_misconception_passes(content_tree):
    edit(content_tree, UNIT, lambda d: d.update(misconceptions=[
        {"id": "serve-the-party", "text": "Civil servants serve the party in power"},
        {"id": "targets-in-code", "text": "Targets are part of the Code"}]))

    def named(d):
        for element in d["elements"]:
            for q in element["questions"]:
                for o in q.get("options", []):
                    if "misconception" in o:
                        o["misconception"] = "serve-the-party"
    edit(content_tree, UNIT, named)
    edit(content_tree, BANK, lambda d: d["items"][1]["options"][1].update(misconception="serve-the-party"))
    from tests.content.test_validate import odp
    result = odp("validate", str(content_tree))
    assert result.exit_code == 0, result.output


def test_the_chance_figures_are_binomial_tails():
    assert tail([0.25] * 4, 0) == pytest.approx(1.0)
    assert tail([0.25] * 4, 4) == pytest.approx(0.25 ** 4)
    assert tail([0.25] * 20, 9) == pytest.approx(binomial_tail(20, 9, 0.25))
    assert binomial_tail(20, 9, 0.25) == pytest.approx(0.0409, abs=1e-4)
