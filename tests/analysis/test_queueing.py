"""Erlang C against independently known values and an independent factorial formula."""

from __future__ import annotations

import math

import pytest

from course.analysis import AnalysisError, agents_for_service_level, erlang_c
from course.exceptions import CourseError


def erlang_c_by_factorials(traffic: float, agents: int) -> float:
    """The textbook closed form, written independently (fine for small N only)."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


@pytest.mark.parametrize("traffic,agents", [(2.0, 3), (10.0, 11), (10.0, 14), (48.0, 55), (25.5, 30), (80.0, 95)])
def test_matches_the_factorial_formula(traffic, agents):
    r = erlang_c(calls_per_hour=traffic * 3600 / 180, aht_seconds=180, agents=agents)
    assert r.traffic_erlangs == pytest.approx(traffic)
    assert r.p_wait == pytest.approx(erlang_c_by_factorials(traffic, agents), rel=1e-10)


def test_textbook_case_ten_erlangs_eleven_agents():
    # Classic textbook value: 10 Erlangs offered to 11 agents, P(wait) = 0.6821.
    r = erlang_c(calls_per_hour=360, aht_seconds=100, agents=11, answer_within_seconds=20)
    assert r.p_wait == pytest.approx(0.6821, abs=5e-4)
    assert r.asa_seconds == pytest.approx(0.6821182 * 100 / 1, rel=1e-5)  # ASA = C × AHT / (N − A)


def test_westbay_worked_example():
    # Westbay Engineers, "The Erlang-C formula" worked example: 360 calls per half hour, 4-minute
    # calls, 55 agents, 15-second answer target: traffic 48 Erlangs, occupancy 87.3%, P(wait) about 24%.
    r = erlang_c(calls_per_hour=720, aht_seconds=240, agents=55, answer_within_seconds=15)
    assert r.traffic_erlangs == pytest.approx(48.0)
    assert r.occupancy == pytest.approx(48 / 55)
    assert r.p_wait == pytest.approx(erlang_c_by_factorials(48, 55), rel=1e-10)
    assert r.p_wait == pytest.approx(0.239, abs=2e-3)
    expected_sl = 1 - r.p_wait * math.exp(-(55 - 48) * 15 / 240)
    assert r.service_level == pytest.approx(expected_sl)
    assert r.asa_seconds == pytest.approx(r.p_wait * 240 / 7)


def test_stable_for_thousands_of_agents():
    r = erlang_c(calls_per_hour=100_000, aht_seconds=300, agents=8_400, answer_within_seconds=20)
    assert 0 < r.p_wait < 1 and 0 < r.service_level <= 1 and math.isfinite(r.asa_seconds)


def test_fewest_agents_meeting_the_target():
    n = agents_for_service_level(720, 240, target=0.8, answer_within_seconds=20)
    assert erlang_c(720, 240, n, 20).service_level >= 0.8
    assert erlang_c(720, 240, n - 1, 20).service_level < 0.8
    assert n == 54


def test_result_shows_as_html():
    html = erlang_c(360, 100, 11)._repr_html_()
    assert "<table>" in html and "p wait" in html and "answered within" in html


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(calls_per_hour=0, aht_seconds=100, agents=5), "calls_per_hour must be a number greater than zero"),
        (dict(calls_per_hour=-5, aht_seconds=100, agents=5), "calls_per_hour must be a number greater than zero"),
        (dict(calls_per_hour=100, aht_seconds=0, agents=5), "aht_seconds must be a number greater than zero"),
        (dict(calls_per_hour=100, aht_seconds=100, agents=0), "agents must be a whole number greater than zero"),
        (dict(calls_per_hour=100, aht_seconds=100, agents=2.5), "agents must be a whole number"),
        (dict(calls_per_hour=100, aht_seconds=100, agents=5, answer_within_seconds=-1), "answer_within_seconds must be zero or more"),
        (dict(calls_per_hour=360, aht_seconds=100, agents=10), "the queue is unstable: 10 agents cannot handle 10.00 Erlangs"),
        (dict(calls_per_hour=360, aht_seconds=100, agents=8), "you need more than 10 agents"),
    ],
)
def test_bad_inputs_are_explained(kwargs, message):
    with pytest.raises(AnalysisError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        erlang_c(**kwargs)
    assert isinstance(info.value, CourseError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("target", [0, 1, 1.5, -0.2])
def test_service_level_target_must_be_a_share(target):
    with pytest.raises(AnalysisError, match="target must be a share between 0 and 1"):
        agents_for_service_level(100, 100, target=target)


def test_agents_for_service_level_rejects_zero_calls():
    with pytest.raises(AnalysisError, match="calls_per_hour must be a number greater than zero"):
        agents_for_service_level(0, 100, 0.8)
