"""What-if inputs for options appraisal: change an input, see the result and its sensitivity again.

Two widgets: :class:`NpvWhatIfWidget` (a ``what_if`` activity in a unit: one option's costs,
benefits, years and discount rate, saved to the learner's record) and :func:`what_if`, for any
model function in a learner's own cell.

:func:`what_if` is plain ipywidgets (labelled number boxes), so it works in JupyterLab and the Voila app alike; the
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
from typing import Any, ClassVar, Mapping

import ipywidgets as widgets

from course.analysis.appraisal import Model, base_inputs, sensitivity
from course.analysis.display import number
from course.analysis.errors import AnalysisError
from course.analysis.option_figures import (
    FIELDS, NUMERIC, Figures, missing_message, read_figures, sensitivity_table_html, what_if_html,
)
from course.analysis.option_figures import what_if as option_what_if
from course.analysis.report_format import money
from course.record import ResponseRecord
from course.widgets.base import CourseWidget
from course.widgets.guard import Request, ShortText


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


# -- The options-appraisal what-if (a `what_if` activity) ---------------------------------------
class Calculate(Request):
    option: ShortText = ""
    upfront_cost: ShortText = ""
    annual_cost: ShortText = ""
    annual_benefit: ShortText = ""
    years: ShortText = ""
    discount_rate: ShortText = ""


class NpvWhatIfWidget(CourseWidget):
    """One option's figures in a labelled form (fieldset and legend); on "Work out the NPV" the
    kernel reads them, saves them to the record and sends back the NPV in words (announced by a
    live region) and the sensitivity table. Figures it cannot read come back as GOV.UK errors,
    and nothing is saved. The learner's last figures are restored from the record."""

    actions: ClassVar = {"calculate": Calculate}

    def __init__(self, record: ResponseRecord, item_id: str, label: str = "What if? Options appraisal", *,
                 prompt: str = "", attempt: int = 1) -> None:
        config = {"prompt": prompt, "fields": [{"key": k, "label": lab, "hint": hint, "numeric": k in NUMERIC,
                                                "missing": missing_message(k)}
                                               for k, (lab, hint) in FIELDS.items()]}
        super().__init__(record, item_id, attempt=attempt, kind="what_if", label=label, config=config)

    def restore(self) -> None:
        figures, _ = read_figures(self.response if isinstance(self.response, dict) else {})
        self.figures = figures or Figures()
        self.response = self.figures.to_record()
        self.view = self._result_view(None)

    def _on_response(self, change: dict[str, Any]) -> None:
        """Only the kernel sets ``response`` (after reading the figures), and saves it itself."""

    def _result_view(self, request: int | None) -> dict[str, Any]:
        result = option_what_if(self.figures)
        return {"request": request, "figures": self.response, "summary": result.summary,
                "npv": money(result.npv), "table": sensitivity_table_html(result), "announce": result.summary}

    def on_calculate(self, content: dict[str, Any]) -> None:
        request = content.get("request")
        figures, errors = read_figures(content)
        if figures is None:
            self.view = {**self.view, "request": request, "errors": [list(e) for e in errors]}
            return
        self.figures = figures
        self.response = figures.to_record()
        self.write("answer", self.response)
        self.view = self._result_view(request)

    def calculate(self, **figures: Any) -> None:
        """Work out the NPV as the browser does (tests and the widget API); raises ValueError with
        the learner's messages if a figure cannot be read."""
        self.act("calculate", **{k: str(v) for k, v in figures.items()})
        if self.view.get("errors"):
            raise ValueError("; ".join(m for _, m in self.view["errors"]))

    def report_html(self) -> str:
        return what_if_html(self.response, self.label)

    def _repr_mimebundle_(self, **kwargs: Any):
        # The figures and the table travel with the widget, for an exported copy with no kernel.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/html": self.report_html()}, metadata
