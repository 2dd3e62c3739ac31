"""The marking rules on their own: the rubric's pass rules, the second-marking sample, the
similar-answer check, the learner's text as markdown, and `odp validate` on rubrics."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from course.cli import main
from course.content import load_course
from course.grading.written import UNTRUSTED, WrittenAnswer, answer_cell_source, plain_markdown
from course.marking.feedback import task_feedback
from course.marking.iqa import draw, sample_size
from course.marking.rubric import rubric_for
from course.marking.similarity import similar_answers
from tests.conftest import REPO
from tests.grading.course_copy import make_copy

COURSE = load_course(REPO, with_banks=False)
RISK = "level4/managing-risk/unit.yaml"


# -- rubric ---------------------------------------------------------------------------------

def test_all_criteria_met_rule_needs_every_criterion():
    rubric = rubric_for(COURSE, "managing-risk")
    every = {k: True for k in rubric.keys()}
    assert rubric.outcome(every).passed and rubric.outcome(every).total == 19   # 4 + 5 + 5 + 5 criteria
    one_short = {**every, ("mr-t3", "mr-t3-c2"): False}
    assert not rubric.outcome(one_short).passed and rubric.outcome(one_short).total == 18
    unfinished = dict(list(every.items())[:-1])
    assert not rubric.outcome(unfinished).complete and not rubric.outcome(unfinished).passed


def test_pass_mark_rule_uses_the_qualifications_pass_mark():
    rubric = rubric_for(COURSE, "managing-risk-attempt-2")   # a resit marks the same unit
    rubric = replace(rubric, pass_rule="pass_mark", pass_mark=0.7)
    keys = rubric.keys()
    assert rubric.outcome({k: i < 14 for i, k in enumerate(keys)}).passed       # 14 of 19 >= 13.3
    assert not rubric.outcome({k: i < 13 for i, k in enumerate(keys)}).passed   # 13 of 19
    assert rubric.describe_rule() == "at least 14 of 19 marks"


def test_feedback_is_per_criterion_met_or_not_yet_with_the_comment():
    task = rubric_for(COURSE, "managing-risk").task("mr-t1")
    text = task_feedback(task, {"mr-t1-c2": (False, "Say what *tolerance* is."), "mr-t1-c1": (True, "")})
    assert text.splitlines() == [
        "- **Criterion 1 (learning outcome 5, AC 5.1): Explain the difference between a risk and an issue, with an "
        "example of each from own area.** Met.",
        "- **Criterion 2 (learning outcome 1, AC 1.1): Explain how risk appetite and tolerance guide decisions in "
        "own organisation.** Not yet met. Say what \\*tolerance\\* is.",
    ]


def test_criteria_cite_their_learning_outcome_and_assessment_criterion():
    from course.marking.learner_feedback import result_cell

    rubric = rubric_for(COURSE, "strategic-project")   # Level 7 numbers criteria as assessment_criterion
    c = rubric.task("smp-t2").criterion("smp-t2-c4")
    assert (c.ac, c.outcome_number, c.label) == ("AC 2.3", 2, "Criterion 4 (learning outcome 2, AC 2.3)")
    assert c.outcome_label == "Learning outcome 2: Research and synthesise data and options from internal and external sources"
    risk = rubric_for(COURSE, "managing-risk")         # Level 4 numbers them as ac
    assert risk.task("mr-t1").criteria[0].outcome_label.startswith("Learning outcome 5: Understand the difference")
    cell = result_cell("SMP", "Pass: you met every criterion.", rubric.describe_rule(), rubric.outcomes_cited())
    assert "- Learning outcome 4: Develop an implementation plan" in cell.source
    assert cell.source.index("Pass") < cell.source.index("The learning outcomes")


# -- second-marking sample -------------------------------------------------------------------

@pytest.mark.parametrize("marked, size", [(0, 0), (1, 1), (4, 1), (5, 1), (6, 2), (10, 2), (11, 3)])
def test_sample_is_a_fifth_rounded_up_and_at_least_one(marked, size):
    assert sample_size(marked, 0.2, 1) == size


def test_each_assessor_is_sampled_and_a_later_draw_only_tops_up():
    marked = {"ann": [f"a{i}" for i in range(10)], "bob": ["b1"]}
    first = draw(marked, {}, rate=0.2, minimum=1, rng=random.Random(1))
    assert len(first["ann"]) == 2 and first["bob"] == ["b1"]
    already = {k: set(v) for k, v in first.items()}
    assert draw(marked, already, rate=0.2, minimum=1, rng=random.Random(2)) == {}
    marked["ann"] += [f"a{i}" for i in range(10, 15)]   # 15 marked now: 3 needed, 2 held
    [extra] = draw(marked, already, rate=0.2, minimum=1, rng=random.Random(3))["ann"]
    assert extra not in already["ann"]


# -- similar answers -------------------------------------------------------------------------

SOURCE = ("Because three of our clerks are leaving in June, there is a risk that fewer hearings are "
          "listed over the summer, leading to a longer backlog and more complaints from appellants. "
          "I scored it likelihood four and impact four, sixteen, which is above our tolerance.")
OTHER = ("Our biggest risk is the video platform failing during a hearing. It has happened twice this "
         "year. I would score it three for likelihood and five for impact because hearings are adjourned.")


def test_a_near_copy_is_flagged_with_its_passage_and_an_independent_answer_is_not():
    copy = SOURCE.replace("June", "July").replace("complaints", "letters")
    found = similar_answers("t", {"amy": SOURCE, "ben": copy, "cat": OTHER})
    assert [(s.learner, s.other) for s in found] == [("amy", "ben")]
    assert found[0].percent >= 50
    assert "there is a risk that fewer hearings are listed over the summer, leading to a longer backlog and more" \
        in found[0].passages[0]


def test_quoting_the_task_brief_is_not_copying():
    brief = "Explain what a risk is and how it differs from an issue, using an example of each from your own area."
    a = f"{brief} {OTHER}"
    b = f"{brief} {SOURCE}"
    assert similar_answers("t", {"a": a, "b": b}, brief=brief, passage_words=15) == []
    assert similar_answers("t", {"a": a, "b": b}, brief="", passage_words=15) != []


def test_one_long_shared_passage_in_a_long_answer_is_flagged():
    padding_a = " ".join(f"alpha{i}" for i in range(300))
    padding_b = " ".join(f"beta{i}" for i in range(300))
    found = similar_answers("t", {"a": f"{padding_a} {SOURCE}", "b": f"{SOURCE} {padding_b}"}, passage_words=30)
    assert len(found) == 1 and found[0].score < 0.3 and len(found[0].passages[0].split()) >= 30


# -- the learner's answer as nbgrader shows it ---------------------------------------------------

def test_learner_text_cannot_inject_html_or_formatting():
    text = "<script>alert(1)</script> *bold* [link](http://x)\n# not a heading\n1. not a list\n\nNew para"
    md = plain_markdown(text)
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\*bold\\*" in md and "\\[link\\]" in md and "\\# not a heading" in md and "1\\. not a list" in md
    assert md.endswith("\n\nNew para") and "  \n" in md


def test_answer_cell_says_when_an_answer_cannot_be_trusted():
    task = COURSE.entry("managing-risk").unit.assignment.tasks[1]
    problem = f"{UNTRUSTED} (entry 3 (item 'mr-t2') was edited)"
    cell = answer_cell_source(task, 2, 4, WrittenAnswer("mr-t2", "", "2026-01-01T10:00:00+00:00", problem))
    assert cell.startswith("**Task 2 of 4: Identify and assess risks in your area**")
    assert "cannot be shown: the saved answer failed the record's tamper check" in cell and "was edited" in cell
    ok = answer_cell_source(task, 2, 4, WrittenAnswer("mr-t2", "Three risks.", "2026-01-01T10:00:00.000+00:00"))
    assert "*2 words (400 to 700 words asked for). Last saved 1 January 2026 at 10:00 (UTC).*" in ok


# -- odp validate --------------------------------------------------------------------------------

def odp(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def tree(tmp_path) -> Path:
    return make_copy(tmp_path).root


def edit(root: Path, change) -> None:
    path = root / RISK
    data = yaml.safe_load(path.read_text())
    change(data["assignment"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def fails_with(root: Path, *expected: str) -> None:
    result = odp("validate", str(root))
    assert result.exit_code == 1
    for text in expected:
        assert text in result.output, result.output


def test_the_copy_is_valid(tree):
    assert odp("validate", str(tree)).exit_code == 0


def test_rubric_faults_are_reported_at_the_criterion(tree):
    def faults(a):
        a["tasks"][1]["criteria"][0]["id"] = "mr-t1-c1"                  # also used in task 1
        a["tasks"][2]["criteria"][0]["meets"] = a["tasks"][2]["criteria"][0]["text"]
        a["tasks"][3]["criteria"][1]["meets"] = "Good."
        a["tasks"][0]["criteria"][2]["text"] = a["tasks"][0]["criteria"][1]["text"]
    edit(tree, faults)
    fails_with(tree,
               f"{RISK}: assignment.tasks[1].criteria[0].id: criterion id 'mr-t1-c1' is also used in task 'mr-t1'",
               f"{RISK}: assignment.tasks[2].criteria[0].meets: repeats the criterion",
               f"{RISK}: assignment.tasks[3].criteria[1].meets: is too short to mark against",
               f"{RISK}: assignment.tasks[0].criteria: two criteria say the same thing")


def test_a_rubric_without_what_meets_it_or_marks_is_refused(tree):
    def faults(a):
        del a["tasks"][0]["criteria"][0]["meets"]
        a["tasks"][1]["criteria"][0]["marks"] = 0
        a["pass_rule"] = "most_criteria"
    edit(tree, faults)
    fails_with(tree, "assignment.tasks[0].criteria[0].meets", "assignment.tasks[1].criteria[0].marks",
               "assignment.pass_rule")


def test_assignment_units_must_be_nbgrader_sources_with_answer_cells(tree):
    (tree / "autograder" / "source" / "managing-risk").unlink()
    edit(tree, lambda a: a["tasks"][0]["criteria"].append(
        {"id": "mr-t1-c9", "ac": "1.9", "text": "Explain a further thing", "meets": "Explains a further thing from own area.",
         "marks": 2}))
    fails_with(tree, "autograder/source/managing-risk: must link to level4/managing-risk",
               "level4/managing-risk/managing-risk.ipynb: needs a manually graded answer cell 'task-mr-t1' worth 6")


def test_shared_passages_are_found_word_for_word_in_any_order():
    from course.marking.similarity import passages, tokens

    one = "The Orange Book asks each risk to have an owner who can act on it. " * 3
    two = "Our team reviews the register monthly with the director. " + one[:60] + " Nothing else matches here at all."
    found = passages(tokens(one), tokens(two), 8)
    assert found and all(len(p.split()) >= 8 and " ".join(tokens(p).words) in " ".join(tokens(two).words)
                         for p in found)
    assert found[0].startswith("The Orange Book asks each risk to have an owner")
    assert passages(tokens(one), tokens("Completely different words about something else entirely here."), 8) == []


def test_the_marking_apps_kernel_is_forked_from_a_server_that_has_imported_the_app():
    from course.marking.server import voila_args, voila_env
    from course.marking.settings import MarkingSettings
    from course.serve import provisioner

    args = voila_args(8899)
    assert f"--KernelProvisionerFactory.default_provisioner_name={provisioner.NAME}" in args
    assert not any("Provisioner" in a for a in voila_args(8899, forked=False))
    env = voila_env(MarkingSettings(assessor="a"), base={})
    assert env[provisioner.EXTRA_PRELOAD_ENV] == "course.marking.app"


def test_the_marking_app_is_preheated_only_when_asked():
    # `odp mark serve` asks (course.marking.server.start); under `odp hub` one server serves every
    # assessor and gives each page's kernel its identity, which a pool cannot.
    from course.marking.server import voila_args

    assert not any("preheat" in a or "pool" in a for a in voila_args(8899))
    args = voila_args(8899, pool_size=2, pool_refill_seconds=0.5)
    assert {"--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=2",
            "--VoilaKernelManager.fill_delay=0.5"} <= set(args)
