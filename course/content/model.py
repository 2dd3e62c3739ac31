"""The content model: what a subject expert writes in YAML, as typed records.

Shapes and types live here (pydantic checks them); rules that span several fields or files
(a correct option that exists, scenario links, duplicate ids) live in ``checks.py`` so each
fault can be reported at the exact field it concerns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Level = Literal[2, 3, 4, 5, 6, 7]
Assessment = Literal["online_test", "assignment", "project"]
QuestionType = Literal["single", "multiple", "true_false", "numeric", "text"]


class Strict(BaseModel):
    """Unknown fields are errors: a misspelt field name must not be silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- questions --------------------------------------------------------------------------------


class Option(Strict):
    id: Id
    text: Text
    feedback: Text | None = Field(None, description="Shown after the learner picks this option.")
    misconception: Text | None = Field(
        None, description="The mistaken belief a learner who picks this wrong option holds."
    )


class Question(Strict):
    id: Id
    type: QuestionType
    prompt: Text
    options: list[Option] = []
    correct: list[Id] = Field(
        default_factory=list, description="Ids of the correct options (choice questions)."
    )
    answer: float | None = Field(None, description="The right number (numeric questions).")
    tolerance: float = Field(0.0, ge=0, description="Accepted distance from `answer`.")
    accept: list[Text] = Field(
        default_factory=list, description="Accepted answers, case-insensitive (text questions)."
    )
    hint: Text | None = None
    explanation: Text | None = Field(None, description="Why the right answer is right.")
    outcome: Id | None = Field(
        None, description="Id of the unit's learning outcome this item tests (summative items).")
    element: Id | None = Field(None, description="Id of the element this item tests (optional).")

    @field_validator("correct", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        # Authors write `correct: b` for single choice; store a list either way.
        return [value] if isinstance(value, str) else value

    @property
    def is_choice(self) -> bool:
        return self.type in ("single", "multiple", "true_false")


# -- scenarios --------------------------------------------------------------------------------


class Choice(Strict):
    text: Text
    consequence: Text = Field(description="What happens next because of this choice.")
    next: Id = Field(description="Id of the step this choice leads to.")
    quality: Literal["best", "acceptable", "poor"]


class Step(Strict):
    id: Id
    situation: Text
    choices: list[Choice] = []
    outcome: Text | None = Field(None, description="Set on ending steps only: the summary shown.")


class Scenario(Strict):
    id: Id
    title: Text
    setting: Text = Field(description="The real service it happens in, e.g. HM Passport Office.")
    start: Id
    steps: list[Step] = Field(min_length=2)


# -- activities and assignments ----------------------------------------------------------------


class Activity(Strict):
    id: Id
    type: Literal["cpd_log", "reflection", "checklist", "pestle", "swot", "stakeholder_map", "what_if"] = Field(
        description="what_if: one option's costs, benefits, years and discount rate, giving its NPV and "
        "sensitivity table (course.widgets.whatif).")
    title: Text
    prompt: Text
    items: list[Text] = Field(default_factory=list, description="Checklist items.")


class Criterion(Strict):
    id: Id
    ac: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*\.[1-9][0-9]*$")] | None = Field(
        None, description="Assessment criterion number, learning outcome first: \"2.3\" is the third "
        "criterion of the unit's second outcome (checked against the unit's outcomes).")
    text: Text = Field(description="What the learner must show: one judgement, led by its command verb.")
    meets: Text = Field(description="What an answer that meets it looks like.")
    marks: int = Field(1, ge=1)
    assessment_criterion: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+$")] | None = Field(
        None, description="The awarding body's assessment criterion this meets, e.g. '2.3'.")


class AnalysisCell(Strict):
    """A workbook cell before a task's writing box: guidance (markdown), a course activity (its
    id; e.g. a PESTLE analysis) or analysis code the learner may change and run."""

    id: Id
    kind: Literal["guidance", "activity", "code"]
    text: Text = Field(description="Markdown (guidance), an activity id (activity) or Python (code).")


TaskWidget = Literal["stakeholder_map", "risk_register", "swot", "pestle"]


class Task(Strict):
    id: Id
    title: Text
    brief: Text
    min_words: int = Field(ge=0)
    max_words: int = Field(gt=0)
    widget: TaskWidget | None = Field(
        None, description="A grid or table the task asks for, shown with the writing box (course.widgets."
        "strategy); its entries are part of the answer the assessor marks.")
    criteria: list[Criterion] = Field(min_length=1)
    analysis: list[AnalysisCell] = Field(
        default_factory=list, description="Workbook cells shown before the task's writing box.")


class Assignment(Strict):
    title: Text | None = Field(None, description="The assignment's own title (a project's report title).")
    brief: Text | None = Field(None, description="What the whole assignment asks, shown before its tasks.")
    tasks: list[Task] = Field(min_length=1)
    pass_rule: Literal["all_criteria_met", "pass_mark"] = "all_criteria_met"
    title_activity: Id | None = Field(None, description="Activity whose answer titles the learner's report.")
    summary_activity: Id | None = Field(None, description="Activity whose answer is the report's executive summary.")


# -- units and qualifications -------------------------------------------------------------------


class Misconception(Strict):
    """A mistaken belief the unit names once; wrong options point to it by id, so item analysis
    can count which misconceptions a cohort holds."""

    id: Id
    text: Text


class LearningOutcome(Strict):
    id: Id
    text: Text


class ResitPolicy(Strict):
    """How often a learner may sit a test, so the provisional result cannot be used as an oracle."""

    attempts: int = Field(3, ge=1, description="Most attempts a learner may make at the test.")
    cool_off_days: int = Field(7, ge=0, description="Days a learner waits between attempts.")
    provisional_on_resit: bool = Field(
        False, description="Whether a resit's provisional score is shown at submit.")


class TestSpec(Strict):
    """The test specification: what every learner's paper is drawn to."""

    __test__ = False  # not a pytest test class

    paper_length: int = Field(ge=1, description="Items on each paper.")
    pass_score: int = Field(ge=1, description="Items a learner must get right to pass.")
    time_allowed_minutes: int = Field(ge=1)
    blueprint: dict[Id, int] = Field(
        description="Items per learning outcome on each paper (outcome id: count); sums to "
        "paper_length.")
    resits: ResitPolicy = ResitPolicy()


class Element(Strict):
    id: Id
    title: Text
    synopsis: Text
    key_concepts: list[Text] = Field(min_length=1)
    exam_tips: list[Text] = Field(min_length=1)
    misconceptions: list[Text] = Field(min_length=1)
    marking_points: list[Text] = Field(min_length=2)
    questions: list[Question] = []
    scenarios: list[Scenario] = []


class Unit(Strict):
    id: Id
    code: Text
    title: Text
    level: Level
    qualification: Id
    assessment: Assessment
    learning_outcomes: list[Text | LearningOutcome] = Field(
        min_length=1, description="Each a sentence (its id is lo1, lo2... by position) or "
        "{id, text}.")
    elements: list[Element] = Field(min_length=1)
    activities: list[Activity] = []
    assignment: Assignment | None = None
    test: TestSpec | None = Field(None, description="The online test's specification.")
    misconceptions: list[Misconception] = Field(
        default_factory=list, description="The unit's named misconceptions: an option's "
        "`misconception` gives one of these ids.")
    sources: list[Text] = Field(
        default_factory=list, description="What the content relies on: acts, guidance, standards "
        "(title, publisher, year).")

    @property
    def outcomes(self) -> list[LearningOutcome]:
        return [o if isinstance(o, LearningOutcome) else LearningOutcome(id=f"lo{n}", text=o)
                for n, o in enumerate(self.learning_outcomes, 1)]

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class ItemBank(Strict):
    """A unit's summative item bank. It holds the answer keys, so it lives in
    ``autograder/banks/`` and is never copied into anything a learner receives."""

    unit: Id
    items: list[Question] = Field(min_length=1)


class UnitRef(Strict):
    """A unit as the catalogue lists it; ``path`` is set once the unit has content."""

    code: Text
    title: Text
    assessment: Assessment
    path: str | None = Field(None, description="Folder of the unit, relative to the content root.")

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class Qualification(Strict):
    id: Id
    title: Text
    level: Level
    awarding_body: Text
    family: Text | None = None
    assessment: Assessment | None = Field(
        None, description="How the qualification is assessed, where known (its units say per unit).")
    credits: int | None = Field(None, ge=1)
    guided_learning_hours: int | None = Field(None, ge=1)
    total_qualification_time: int | None = Field(None, ge=1)
    pass_mark: float = Field(0.7, gt=0, le=1, description="Share of the marks needed to pass an "
                             "assignment marked by pass mark (a unit test uses its test.pass_score).")
    note: Text | None = Field(None, description="Where a fact could not be confirmed, say so here.")
    units: list[UnitRef] = []


class Catalogue(Strict):
    qualifications: list[Qualification] = Field(min_length=1)
