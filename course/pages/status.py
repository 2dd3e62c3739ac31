"""Where a learner is with each unit of her qualification, from the store and the catalogue.

One function for every page that says it: my progress, the course home and a line manager's
team table. A unit is, in order:

- **passed**: an attempt is graded as a pass;
- **being checked again**: an attempt's published result was withdrawn because its regrade
  failed, and no new result is published yet (it counts as neither pass nor fail);
- **awaiting result**: the newest attempt is submitted and not graded yet;
- **not yet passed**: the newest attempt is graded and did not pass; a resit is open from the
  day the unit's resit policy allows (``cool_off_days`` after the result), while attempts are
  left; with none left, the learner speaks to her assessor;
- **in progress**: opened (any activity) but nothing submitted;
- **not started**.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from course.content import CourseContent, Qualification, UnitRef
from course.content.model import ResitPolicy, Unit
from course.pages.ukformat import uk_date
from course.tracking.activity import Attempt, UnitActivity, unit_key

NOT_STARTED, IN_PROGRESS, AWAITING, PASSED, NOT_PASSED, RECHECKING = (
    "not_started", "in_progress", "awaiting_result", "passed", "not_passed", "being_checked_again")
RECHECKING_WORDS = "Your result is being checked again"


@dataclass(frozen=True)
class UnitStatus:
    unit_id: str
    code: str
    title: str
    assessment: str  # online_test | assignment | project
    state: str
    attempts: list[Attempt]
    pass_mark: str  # in words: "7 of 10 correct (70%)"
    practice_done: int
    practice_total: int
    last_active: object  # datetime | None
    resit_from: date | None = None
    attempts_left: int = 0
    topics: list[str] = field(default_factory=list)  # misconceptions to revise, most shown first
    has_app: bool = False

    @property
    def label(self) -> str:
        return f"Unit {self.code}: {self.title}"

    @property
    def test_word(self) -> str:
        return "assignment" if self.assessment == "assignment" else (
            "project" if self.assessment == "project" else "test")

    def describe(self, as_of: date) -> str:
        """The status in words, as the learner reads it."""
        match self.state:
            case "passed":
                n = next(a.number for a in self.attempts if a.passed)
                return "Passed" + ("" if n == 1 else f" at attempt {n}")
            case "being_checked_again":
                return RECHECKING_WORDS
            case "awaiting_result":
                return f"{self.test_word.capitalize()} submitted: awaiting your result"
            case "not_passed":
                if not self.attempts_left:
                    return ("Not yet passed: no attempts left. Speak to your assessor "
                            "about what happens next")
                when = ("now" if self.resit_from is None or self.resit_from <= as_of
                        else f"from {uk_date(self.resit_from)}")
                return (f"Not yet passed: resit available {when} "
                        f"({self.attempts_left} {'attempt' if self.attempts_left == 1 else 'attempts'} left)")
            case "in_progress":
                if self.practice_total:
                    return (f"In progress: {self.practice_done} of {self.practice_total} "
                            "practice questions done")
                return "In progress"
        return "Not started"


def pass_mark(qual: Qualification, unit: Unit | None) -> str:
    if unit is not None and unit.test is not None:
        t = unit.test
        return f"{t.pass_score} of {t.paper_length} correct ({t.pass_score / t.paper_length:.0%})"
    if unit is not None and unit.assignment is not None:
        if unit.assignment.pass_rule == "all_criteria_met":
            return "every assessment criterion met"
    return f"{qual.pass_mark:.0%} of the marks"


def _policy(unit: Unit | None) -> ResitPolicy:
    return unit.test.resits if unit is not None and unit.test is not None else ResitPolicy()


def _topics(unit: Unit | None, activity: UnitActivity) -> list[str]:
    named = {m.id: m.text for m in unit.misconceptions} if unit is not None else {}
    ranked = sorted(activity.misconceptions.items(), key=lambda kv: (-kv[1], kv[0]))
    return [named.get(key, key) for key, _ in ranked]


def unit_status(qual: Qualification, ref: UnitRef, unit: Unit | None,
                activity: UnitActivity | None, *, has_app: bool = False) -> UnitStatus:
    key = unit_key(qual, ref)
    a = activity or UnitActivity(key)
    questions = ({q.id for e in unit.elements for q in e.questions} if unit is not None else set())
    done = len(a.practice_items & questions) if questions else len(a.practice_items)
    policy = _policy(unit)
    newest = a.attempts[-1] if a.attempts else None
    resit_from, left = None, 0
    if a.passed:
        state = PASSED
    elif any(x.rechecking for x in a.attempts):
        state = RECHECKING
    elif newest is not None and not newest.graded:
        state = AWAITING
    elif newest is not None:
        state = NOT_PASSED
        left = max(0, policy.attempts - newest.number)
        if newest.graded_at is not None:
            resit_from = newest.graded_at.date() + timedelta(days=policy.cool_off_days)
    elif a.opened:
        state = IN_PROGRESS
    else:
        state = NOT_STARTED
    return UnitStatus(key, ref.code, ref.title, ref.assessment, state, a.attempts,
                      pass_mark(qual, unit), done, len(questions), a.last_at, resit_from, left,
                      _topics(unit, a), has_app)


def qualification_units(course: CourseContent, qualification_id: str,
                        activity: dict[str, UnitActivity]) -> list[UnitStatus]:
    """Every unit of the qualification, catalogue order, with its status."""
    try:
        qual = course.qualification(qualification_id)
    except (KeyError, AssertionError):
        return []
    entries = {(e.qualification.id, e.ref.code): e for e in course.entries}
    out = []
    for ref in qual.units:
        entry = entries.get((qual.id, ref.code))
        unit = entry.unit if entry else None
        out.append(unit_status(qual, ref, unit, activity.get(unit_key(qual, ref)),
                               has_app=bool(entry and entry.notebook)))
    return out


@dataclass(frozen=True)
class Step:
    text: str
    unit: UnitStatus | None = None


def next_step(units: list[UnitStatus], as_of: date) -> Step:
    """The one thing to do next, first match wins: a resit that is open, the test of a unit
    whose practice is all done, a unit in progress (the most recent), the first unit not started, a resit that opens later, a
    result being checked again, waiting for a result, or done."""
    if not units:
        return Step("There are no units listed for this qualification yet.")
    open_resits = [u for u in units if u.state == NOT_PASSED and u.attempts_left
                   and (u.resit_from is None or u.resit_from <= as_of)]
    if open_resits:
        u = open_resits[0]
        return Step(f"Resit the {u.test_word} for {u.label}: revise the topics listed, "
                    "then sit a new paper.", u)
    working = [u for u in units if u.state == IN_PROGRESS]
    ready = [u for u in working if u.practice_total and u.practice_done >= u.practice_total]
    if ready:
        u = ready[0]
        what = "Hand in your assignment" if u.assessment == "assignment" else "Sit the test"
        return Step(f"{what} for {u.label}: you have done every practice question.", u)
    if working:
        u = max(working, key=lambda s: s.last_active or 0)
        return Step(f"Carry on with {u.label}.", u)
    fresh = [u for u in units if u.state == NOT_STARTED]
    ready_to_start = [u for u in fresh if u.has_app]
    if ready_to_start:
        return Step(f"Start {ready_to_start[0].label}.", ready_to_start[0])
    later = [u for u in units if u.state == NOT_PASSED and u.attempts_left]
    if later:
        u = later[0]
        return Step(f"Revise for {u.label}: your resit opens on {uk_date(u.resit_from)}.", u)
    checking = [u for u in units if u.state == RECHECKING]
    if checking:
        return Step(f"{RECHECKING_WORDS} for {checking[0].label}: you will see it here when "
                    "your assessor has published it.", checking[0])
    waiting = [u for u in units if u.state == AWAITING]
    if waiting:
        return Step(f"Wait for your result for {waiting[0].label}.", waiting[0])
    stuck = [u for u in units if u.state == NOT_PASSED]
    if stuck:
        return Step(f"Speak to your assessor about {stuck[0].label}.", stuck[0])
    if fresh:
        return Step(f"Start {fresh[0].label} when its app is ready (it has none yet).", fresh[0])
    return Step("You have passed every unit. Well done.")


def next_step_for_manager(units: list[UnitStatus], as_of: date) -> str:
    """The learner's next step as her line manager reads it (short, third person)."""
    step = next_step(units, as_of)
    u = step.unit
    if u is None:
        return "All units passed" if units else "No units listed"
    code = f"unit {u.code}"
    if u.state == NOT_PASSED:
        if not u.attempts_left:
            return f"Speak to the assessor about {code}: no attempts left"
        if u.resit_from is None or u.resit_from <= as_of:
            return f"Resit {code} (open now)"
        return f"Resit {code} from {uk_date(u.resit_from)}"
    if u.state == IN_PROGRESS:
        return f"Carry on with {code}"
    if u.state == NOT_STARTED:
        return f"Start {code}"
    if u.state == AWAITING:
        return f"Awaiting result for {code}"
    if u.state == RECHECKING:
        return f"Result for {code} being checked again"
    return step.text
