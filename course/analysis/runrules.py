"""Western Electric run rules for spotting special-cause variation on a control chart.

The rules work on standardised distances from the centre line, z = (value - centre) / sigma,
so the same code serves the XmR chart and the p-chart (whose sigma varies point by point).
This module implements the four Western Electric rules (Western Electric Statistical Quality
Control Handbook, 1956):

1. One point beyond 3 sigma (outside a control limit).
2. Two of three consecutive points beyond 2 sigma, on the same side.
3. Four of five consecutive points beyond 1 sigma, on the same side.
4. Eight consecutive points on the same side of the centre line.

A signal is reported at the point that completes the pattern, so each position is flagged
once per rule. Using all four rules raises false alarms to about one in 90 points on a stable
process; use ``rules=(1,)`` for the most conservative reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RULES: dict[int, str] = {
    1: "one point outside the control limits (beyond 3 sigma)",
    2: "two of three points in a row beyond 2 sigma on the same side",
    3: "four of five points in a row beyond 1 sigma on the same side",
    4: "eight points in a row on the same side of the centre line",
}


@dataclass(frozen=True)
class Signal:
    """One special-cause signal: where it is, which rule found it, and on which side."""

    position: int
    rule: int
    side: str  # "above" or "below" the centre line

    @property
    def description(self) -> str:
        return f"point {self.position}: rule {self.rule}, {RULES[self.rule]} ({self.side})"


def _window_count(flags: np.ndarray, window: int) -> np.ndarray:
    """For each position, how many of the last ``window`` flags (ending here) are true."""
    c = np.concatenate([[0], np.cumsum(flags.astype(int))])
    idx = np.arange(1, flags.size + 1)
    return c[idx] - c[np.maximum(idx - window, 0)]


def find_signals(z: np.ndarray, rules: tuple[int, ...] = (1, 2, 3, 4)) -> list[Signal]:
    """Signals in a series of standardised values (NaN points never signal)."""
    z = np.asarray(z, dtype=float)
    unknown = set(rules) - set(RULES)
    if unknown:
        from course.analysis.errors import AnalysisError

        raise AnalysisError(f"unknown run rule(s) {sorted(unknown)}: choose from 1, 2, 3, 4")
    found: list[Signal] = []
    valid = np.isfinite(z)
    zz = np.where(valid, z, 0.0)
    for side, sign in (("above", 1.0), ("below", -1.0)):
        s = zz * sign
        checks = {
            1: (s > 3, 1, 1),
            2: (s > 2, 3, 2),
            3: (s > 1, 5, 4),
            4: (s > 0, 8, 8),
        }
        for rule in rules:
            flags, window, needed = checks[rule]
            hits = (_window_count(flags & valid, window) >= needed) & flags & valid
            found.extend(Signal(int(p), rule, side) for p in np.flatnonzero(hits))
    return sorted(found, key=lambda s: (s.position, s.rule))
