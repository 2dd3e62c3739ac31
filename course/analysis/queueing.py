"""Contact centre staffing with the Erlang C queueing model.

Erlang C assumes calls arrive at random (Poisson), handle times are exponential and callers
wait rather than hang up. It is the standard first estimate of how many advisers an interval
needs; because it ignores abandonment it overstates waiting when queues are long.

Example (a classic textbook case: 10 Erlangs of traffic offered to 11 advisers):
    >>> r = erlang_c(calls_per_hour=360, aht_seconds=100, agents=11, answer_within_seconds=20)
    >>> round(r.p_wait, 3)
    0.682
    >>> agents_for_service_level(360, 100, target=0.8, answer_within_seconds=20)
    13
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course.analysis.display import HtmlResult
from course.analysis.errors import AnalysisError


@dataclass(frozen=True)
class ErlangCResult(HtmlResult):
    """Erlang C: waiting and service level for one staffing level"""

    calls_per_hour: float
    aht_seconds: float
    agents: int
    answer_within_seconds: float
    traffic_erlangs: float
    occupancy: float
    p_wait: float
    service_level: float
    asa_seconds: float

    @property
    def summary(self) -> str:
        return (
            f"With {self.agents} advisers, {self.p_wait:.1%} of callers wait; "
            f"{self.service_level:.1%} are answered within {self.answer_within_seconds:g} seconds; "
            f"average speed of answer {self.asa_seconds:.1f} seconds."
        )


def _positive(name: str, value: float) -> float:
    if value is None or not math.isfinite(value) or value <= 0:
        raise AnalysisError(f"{name} must be a number greater than zero (got {value!r})")
    return float(value)


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability by the Erlang B recursion: stable for thousands of agents.

    B(0) = 1; B(n) = A·B(n-1) / (n + A·B(n-1)). No factorials, so no overflow.
    """
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c(
    calls_per_hour: float, aht_seconds: float, agents: int, answer_within_seconds: float = 20
) -> ErlangCResult:
    """Probability of waiting, service level and average speed of answer (ASA).

    ``service_level`` is the share of calls answered within ``answer_within_seconds``.
    Raises :class:`AnalysisError` for zero or negative inputs, and when the advisers cannot
    keep up (agents <= traffic), because then the queue grows without limit.
    """
    calls = _positive("calls_per_hour", calls_per_hour)
    aht = _positive("aht_seconds", aht_seconds)
    if isinstance(agents, bool) or int(agents) != agents or agents <= 0:
        raise AnalysisError(f"agents must be a whole number greater than zero (got {agents!r})")
    agents = int(agents)
    if answer_within_seconds is None or answer_within_seconds < 0:
        raise AnalysisError(f"answer_within_seconds must be zero or more (got {answer_within_seconds!r})")
    traffic = calls * aht / 3600.0
    if agents <= traffic:
        raise AnalysisError(
            f"the queue is unstable: {agents} agents cannot handle {traffic:.2f} Erlangs of traffic "
            f"({calls:g} calls an hour × {aht:g} s). Waiting times grow without limit; "
            f"you need more than {math.floor(traffic)} agents"
        )
    b = erlang_b(traffic, agents)
    p_wait = agents * b / (agents - traffic * (1 - b))
    spare = agents - traffic
    service_level = 1 - p_wait * math.exp(-spare * answer_within_seconds / aht)
    asa = p_wait * aht / spare
    return ErlangCResult(
        calls_per_hour=calls, aht_seconds=aht, agents=agents,
        answer_within_seconds=float(answer_within_seconds), traffic_erlangs=traffic,
        occupancy=traffic / agents, p_wait=p_wait, service_level=service_level, asa_seconds=asa,
    )


def agents_for_service_level(
    calls_per_hour: float, aht_seconds: float, target: float = 0.8, answer_within_seconds: float = 20
) -> int:
    """The fewest agents whose Erlang C service level meets ``target`` (a share, e.g. 0.8)."""
    calls = _positive("calls_per_hour", calls_per_hour)
    aht = _positive("aht_seconds", aht_seconds)
    if not 0 < target < 1:
        raise AnalysisError(f"target must be a share between 0 and 1, e.g. 0.8 for 80% (got {target!r})")
    traffic = calls * aht / 3600.0
    agents = math.floor(traffic) + 1  # the fewest that keep the queue stable
    while erlang_c(calls, aht, agents, answer_within_seconds).service_level < target:
        agents += 1
    return agents
