"""One chart style for the whole course: a colour-blind-safe palette, markers and line styles.

Colours come from the Okabe-Ito palette (Okabe and Ito, 2008), which stays distinct for the
common forms of colour blindness. Colour is never the only cue: every series also gets its own
marker and line style, and important points are labelled in words.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no screen is needed: charts are rendered to PNG for notebooks and reports

from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe-Ito colours, in the order series use them.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1))]

#: Roles used across charts, so the same idea looks the same everywhere.
MAIN = OKABE_ITO["blue"]
TARGET = OKABE_ITO["black"]
ALERT = OKABE_ITO["vermillion"]
LIMIT = OKABE_ITO["orange"]
GOOD = OKABE_ITO["green"]


def new_figure(width: float = 8.0, height: float = 4.0, nrows: int = 1, sharex: bool = False) -> tuple[Figure, list[Axes]]:
    """A figure not attached to pyplot, so notebooks never show it twice or leak memory."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows=nrows, ncols=1, sharex=sharex, squeeze=False)[:, 0]
    for ax in axes:
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, list(axes)


def series_style(i: int) -> dict:
    """Colour, marker and line style for the i-th series (they cycle together)."""
    return {
        "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
        "marker": MARKERS[i % len(MARKERS)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
    }
