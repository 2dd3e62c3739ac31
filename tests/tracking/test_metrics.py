"""Every dashboard figure, for every kind of viewer, against values worked out by hand.

The cohort and its timeline are in conftest.py. L2/L3 below are the two qualifications.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from course.tracking import metrics
from course.tracking.scope import Viewer
from tests.tracking.conftest import AS_OF, L2, L3

VIEWERS = {
    "profession": Viewer.profession(),
    "dwp": Viewer.department("dwp"),
    "hmrc": Viewer.department("hmrc"),
    "M1": Viewer.line_manager("M1"),
    "M2": Viewer.line_manager("M2"),
    "A4": Viewer.learner("A4"),
    "B2": Viewer.learner("B2"),
}


def rows_of(figure) -> list[tuple]:
    return [tuple(vars(r).values()) for r in figure.rows]


def total_of(figure) -> tuple:
    return tuple(vars(figure.total).values())[2:]


# -- funnel: started, active, submitted, passed, completed ---------------------------------------

FUNNEL = {
    "profession": ([(L2, 2, 5, 0, 3, 3, 3), (L3, 3, 5, 3, 3, 2, 0)], (10, 3, 6, 5, 3)),
    "dwp": ([(L2, 2, 3, 0, 2, 2, 2), (L3, 3, 2, 2, 1, 1, 0)], (5, 2, 3, 3, 2)),
    "hmrc": ([(L2, 2, 2, 0, 1, 1, 1), (L3, 3, 3, 1, 2, 1, 0)], (5, 1, 3, 2, 1)),
    "M1": ([(L2, 2, 3, 0, 2, 2, 2), (L3, 3, 3, 3, 2, 2, 0)], (6, 3, 4, 4, 2)),
    "M2": ([(L2, 2, 2, 0, 1, 1, 1), (L3, 3, 2, 0, 1, 0, 0)], (4, 0, 2, 1, 1)),
    "A4": ([(L3, 3, 1, 1, 1, 1, 0)], (1, 1, 1, 1, 0)),
    "B2": ([(L3, 3, 1, 0, 0, 0, 0)], (1, 0, 0, 0, 0)),
}


@pytest.mark.parametrize("who", FUNNEL)
def test_funnel(cohort, who):
    figure = metrics.funnel(cohort, VIEWERS[who], as_of=AS_OF, weeks=4)
    assert (rows_of(figure), total_of(figure)) == FUNNEL[who]


# -- on programme, completed, withdrawn, total --------------------------------------------------

STATUS = {
    "profession": ([(L2, 2, 1, 3, 1, 5), (L3, 3, 5, 0, 0, 5)], (6, 3, 1, 10)),
    "dwp": ([(L2, 2, 0, 2, 1, 3), (L3, 3, 2, 0, 0, 2)], (2, 2, 1, 5)),
    "hmrc": ([(L2, 2, 1, 1, 0, 2), (L3, 3, 3, 0, 0, 3)], (4, 1, 0, 5)),
    "M1": ([(L2, 2, 0, 2, 1, 3), (L3, 3, 3, 0, 0, 3)], (3, 2, 1, 6)),
    "M2": ([(L2, 2, 1, 1, 0, 2), (L3, 3, 2, 0, 0, 2)], (3, 1, 0, 4)),
    "A4": ([(L3, 3, 1, 0, 0, 1)], (1, 0, 0, 1)),
    "B2": ([(L3, 3, 1, 0, 0, 1)], (1, 0, 0, 1)),
}


@pytest.mark.parametrize("who", STATUS)
def test_status_counts(cohort, who):
    figure = metrics.status_counts(cohort, VIEWERS[who], as_of=AS_OF)
    assert (rows_of(figure), total_of(figure)) == STATUS[who]


# -- first-time pass rate: first attempts, passed first time, rate ------------------------------

PASS = {
    "profession": ([(L2, 2, 6, 4, 4 / 6), (L3, 3, 3, 1, 1 / 3)], (9, 5, 5 / 9)),
    "dwp": ([(L2, 2, 4, 3, 3 / 4), (L3, 3, 1, 0, 0.0)], (5, 3, 3 / 5)),
    "hmrc": ([(L2, 2, 2, 1, 1 / 2), (L3, 3, 2, 1, 1 / 2)], (4, 2, 1 / 2)),
    "M1": ([(L2, 2, 4, 3, 3 / 4), (L3, 3, 2, 1, 1 / 2)], (6, 4, 4 / 6)),
    "M2": ([(L2, 2, 2, 1, 1 / 2), (L3, 3, 1, 0, 0.0)], (3, 1, 1 / 3)),
    "A4": ([(L3, 3, 1, 0, 0.0)], (1, 0, 0.0)),
    "B2": ([(L3, 3, 0, 0, None)], (0, 0, None)),
}


@pytest.mark.parametrize("who", PASS)
def test_first_time_pass_rate(cohort, who):
    figure = metrics.first_time_pass_rate(cohort, VIEWERS[who], as_of=AS_OF)
    assert (rows_of(figure), total_of(figure)) == PASS[who]


# -- median days to complete: completed, median ---------------------------------------------------

TIME = {
    "profession": ([(L2, 2, 3, 304.0), (L3, 3, 0, None)], (3, 304.0)),
    "dwp": ([(L2, 2, 2, 296.5), (L3, 3, 0, None)], (2, 296.5)),
    "hmrc": ([(L2, 2, 1, 304.0), (L3, 3, 0, None)], (1, 304.0)),
    "M1": ([(L2, 2, 2, 296.5), (L3, 3, 0, None)], (2, 296.5)),
    "M2": ([(L2, 2, 1, 304.0), (L3, 3, 0, None)], (1, 304.0)),
    "A4": ([(L3, 3, 0, None)], (0, None)),
    "B2": ([(L3, 3, 0, None)], (0, None)),
}


@pytest.mark.parametrize("who", TIME)
def test_time_to_complete(cohort, who):
    figure = metrics.time_to_complete(cohort, VIEWERS[who], as_of=AS_OF)
    assert (rows_of(figure), total_of(figure)) == TIME[who]


# -- at risk: on programme, at risk, inactive, past planned end; and the list ----------------------

A4 = ("A4", datetime(2025, 3, 31, 17), 0, False, True)
B2 = ("B2", None, 334, True, False)
B3 = ("B3", datetime(2025, 1, 10, 9), 80, True, True)  # the 2025-04-05 event is after as_of

RISK = {
    "profession": ([(L2, 2, 1, 0, 0, 0), (L3, 3, 5, 3, 2, 2)], (6, 3, 2, 2), [A4, B2, B3]),
    "dwp": ([(L2, 2, 0, 0, 0, 0), (L3, 3, 2, 1, 0, 1)], (2, 1, 0, 1), [A4]),
    "hmrc": ([(L2, 2, 1, 0, 0, 0), (L3, 3, 3, 2, 2, 1)], (4, 2, 2, 1), [B2, B3]),
    "M1": ([(L2, 2, 0, 0, 0, 0), (L3, 3, 3, 1, 0, 1)], (3, 1, 0, 1), [A4]),
    "M2": ([(L2, 2, 1, 0, 0, 0), (L3, 3, 2, 2, 2, 1)], (3, 2, 2, 1), [B2, B3]),
    "A4": ([(L3, 3, 1, 1, 0, 1)], (1, 1, 0, 1), [A4]),
    "B2": ([(L3, 3, 1, 1, 1, 0)], (1, 1, 1, 0), [B2]),
}


@pytest.mark.parametrize("who", RISK)
def test_at_risk(cohort, who):
    figure = metrics.at_risk(cohort, VIEWERS[who], as_of=AS_OF, weeks=4)
    listed = [(x.learner_id, x.last_activity, x.days_inactive, x.inactive, x.past_planned_end)
              for x in figure.learners]
    assert (rows_of(figure), total_of(figure), listed) == RISK[who]


def test_at_risk_reasons_and_a_longer_window(cohort):
    figure = metrics.at_risk(cohort, VIEWERS["profession"], as_of=AS_OF, weeks=4)
    assert [x.reasons for x in figure.learners] == [
        "past planned end date", "no recent activity",
        "no recent activity; past planned end date"]
    # Twelve weeks back (from 2025-01-07) B3's last event (2025-01-10) counts as recent.
    longer = metrics.at_risk(cohort, VIEWERS["profession"], as_of=AS_OF, weeks=12)
    assert [(x.learner_id, x.inactive) for x in longer.learners] == [
        ("A4", False), ("B2", True), ("B3", False)]


def test_window_edges(cohort):
    """The window is the 28 days 2025-03-04..2025-03-31: C1's event at 03-04 00:00 is in it,
    and a day later it is not."""
    viewer = Viewer.learner("C1")
    assert metrics.funnel(cohort, viewer, as_of=AS_OF).total.active == 1
    assert metrics.funnel(cohort, viewer, as_of=AS_OF + timedelta(days=1)).total.active == 0


def test_a_viewer_with_nobody_gets_zeros(cohort):
    nobody = Viewer.line_manager("M9")
    assert metrics.funnel(cohort, nobody, as_of=AS_OF).total == metrics.FunnelRow(
        "all", None, 0, 0, 0, 0, 0)
    assert metrics.first_time_pass_rate(cohort, nobody, as_of=AS_OF).total.rate is None
    assert metrics.time_to_complete(cohort, nobody, as_of=AS_OF).total.median_days is None
    assert metrics.at_risk(cohort, nobody, as_of=AS_OF).learners == []


# -- exports ----------------------------------------------------------------------------------


def test_frames_csv_and_html(cohort, tmp_path):
    viewer = VIEWERS["M1"]
    figure = metrics.first_time_pass_rate(cohort, viewer, as_of=AS_OF)
    frame = figure.to_frame()
    assert list(frame.columns) == [
        "qualification_id", "level", "first_attempts", "passed_first_time", "rate"]
    assert frame.iloc[-1]["qualification_id"] == "all" and len(frame) == 3
    assert figure.to_csv().splitlines()[0] == "qualification_id,level,first_attempts,passed_first_time,rate"
    figure.to_csv(tmp_path / "rate.csv")
    assert (tmp_path / "rate.csv").read_text().count("\n") == 4
    page = figure._repr_html_()
    assert "First-time pass rate" in page and "line manager M1" in page and "67%" in page

    risk = metrics.at_risk(cohort, viewer, as_of=AS_OF)
    assert list(risk.to_frame()["learner_id"]) == ["A4"]
    assert risk.to_frame()["reasons"].tolist() == ["past planned end date"]
    assert "1 of 3 on programme at risk" in risk._repr_html_()
    for make in (metrics.funnel, metrics.status_counts, metrics.time_to_complete):
        shown = make(cohort, viewer, as_of=AS_OF)
        assert shown.title in shown._repr_html_()
        assert len(shown.to_frame()) == len(shown.rows) + 1


# -- progress unit by unit (the learner's own dashboard) ----------------------------------------

def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


UNITS = {
    # learner, unit, first, last, answers, submissions, graded, passed, passed first time, state
    "A4": [("A4", "u301", _at("2024-03-02T10:00"), _at("2024-09-01T10:00"), 0, 1, 2, True, False,
            "passed at a resit"),
           ("A4", "u302", _at("2025-03-31T17:00"), _at("2025-03-31T17:00"), 1, 0, 0, None, None,
            "in progress")],
    # B2 and B4 have done nothing; B3's u302 event (2025-04-05) is after as_of.
    "M2": [("B1", "u201", _at("2024-01-16T10:00"), _at("2024-04-01T10:00"), 0, 1, 2, True, False,
            "passed at a resit"),
           ("B1", "u202", _at("2024-08-01T10:00"), _at("2024-08-01T10:00"), 0, 1, 1, True, True,
            "passed"),
           ("B3", "u301", _at("2024-07-02T10:00"), _at("2025-01-10T09:00"), 1, 0, 1, False, False,
            "not passed yet: resit")],
    "B2": [],
}


@pytest.mark.parametrize("who", UNITS)
def test_unit_progress(cohort, who):
    from course.tracking.unit_progress import unit_progress

    figure = unit_progress(cohort, VIEWERS[who], as_of=AS_OF)
    assert [(*vars(r).values(), r.state) for r in figure.rows] == UNITS[who]
    assert len(figure.to_frame()) == len(UNITS[who])


def test_unit_progress_counts_events_up_to_as_of(cohort):
    from course.tracking.unit_progress import unit_progress

    later = unit_progress(cohort, Viewer.learner("B3"), as_of=AS_OF + timedelta(days=10))
    assert [(r.unit_id, r.answers, r.state) for r in later.rows] == [
        ("u301", 1, "not passed yet: resit"), ("u302", 0, "in progress")]
