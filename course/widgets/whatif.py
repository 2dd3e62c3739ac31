"""What-if inputs for options appraisal: change an input, see the result and its sensitivity again.

Plain ipywidgets (labelled number boxes), so it works in JupyterLab and the Voila app alike; the
result is written into a ``role="status"`` region so a screen reader announces each new figure.

    >>> from course.analysis.finance import npv
    >>> def automate(cost=250_000, saving=80_000, years=5):
    ...     return npv([-cost] + [saving] * int(years))
    >>> w = what_if(automate)
    >>> w.inputs["saving"].value = 60_000
    >>> w.result.value.startswith('<div role="status"') and "Result: 20,903" in w.result.value
    True
"""

from __future__ import annotations

from html import escape
from typing import Mapping

import ipywidgets as widgets

from course.analysis.appraisal import Model, base_inputs, sensitivity
from course.analysis.display import number
from course.analysis.errors import AnalysisError


class WhatIf(widgets.VBox):
    """A labelled number box per model input and the result, recomputed on every change."""

    def __init__(self, model: Model, base: Mapping[str, float] | None = None, label: str = "Result",
                 change: float = 0.2) -> None:
        self.model, self.label, self.change = model, label, change
        start = base_inputs(model, base)
        self.inputs = {
            name: widgets.FloatText(value=float(value), description=name.replace("_", " "),
                                    style={"description_width": "initial"},
                                    layout=widgets.Layout(width="auto", min_height="44px"))
            for name, value in start.items() if isinstance(value, (int, float)) and not isinstance(value, bool)
        }
        self.result = widgets.HTML()
        for box in self.inputs.values():
            box.observe(self._update, names="value")
        heading = widgets.HTML(f"<p><strong>What if? Change an input to see the {escape(label.lower())} "
                               "and which input matters most.</strong></p>")
        super().__init__([heading, *self.inputs.values(), self.result])
        self._update()

    @property
    def values(self) -> dict[str, float]:
        return {k: w.value for k, w in self.inputs.items()}

    def _update(self, _change: dict | None = None) -> None:
        try:
            s = sensitivity(self.model, self.values, change=self.change)
        except AnalysisError as exc:
            self.result.value = (f'<div role="alert" aria-live="assertive"><strong>There is a problem:</strong> '
                                 f"{escape(str(exc))}</div>")
            return
        self.result.value = (f'<div role="status" aria-live="polite"><p><strong>{escape(self.label)}: '
                             f"{escape(number(s.base_result))}</strong></p><p>{escape(s.summary)}</p></div>")


def what_if(model: Model, base: Mapping[str, float] | None = None, label: str = "Result",
            change: float = 0.2) -> WhatIf:
    """What-if inputs for ``model`` (a function of named inputs returning, say, an NPV)."""
    return WhatIf(model, base, label=label, change=change)
