"""The analysis toolkit for the Level 7 strategic management project.

One concern per module; everything a notebook needs is importable from here:

- :mod:`~course.analysis.queueing`     Erlang C staffing (``erlang_c``, ``agents_for_service_level``)
- :mod:`~course.analysis.finance`      ``npv``, ``payback_period``, ``compare_investments``, ``discount_factors`` (Green Book
  3.5% to year 30, declining after)
- :mod:`~course.analysis.spc`          ``xmr`` and ``p_chart`` control charts, with
  :mod:`~course.analysis.runrules` (Western Electric rules 1-4)
- :mod:`~course.analysis.kpi`          ``kpi_over_time``: a KPI by week or month against its target
- :mod:`~course.analysis.periods`      ``totals_by_period``: counts or sums per week or month
- :mod:`~course.analysis.seasonality`  ``decompose``: trend and seasonality (STL)
- :mod:`~course.analysis.pareto`       ``pareto``: the vital few causes
- :mod:`~course.analysis.forecast`     ``forecast``: Holt-Winters with prediction intervals
- :mod:`~course.analysis.options`      ``score_options``: weighted criteria matrix
- :mod:`~course.analysis.appraisal`    ``sensitivity`` (with switching values), ``scenarios``, ``tornado_chart``
  (what-if inputs in the app: :func:`course.widgets.whatif.what_if`)
- :mod:`~course.analysis.benchmark`    ``benchmark``: one measure across teams or sites
- :mod:`~course.analysis.display`      ``Chart`` (figure + caption), ``show`` (accessible <figure>)
- :mod:`~course.analysis.report`       ``export_report``: the notebook as HTML without code

Every ``*_chart`` function returns a :class:`Chart` whose caption states the finding in words.

Example:
    >>> from course.analysis import npv
    >>> round(npv([-100, 60, 60]), 2)
    13.98
"""

from course.analysis.appraisal import Scenarios, Sensitivity, scenarios, sensitivity, tornado_chart
from course.analysis.benchmark import Benchmark, benchmark, benchmark_chart
from course.analysis.display import Chart, HtmlResult, figure_html, show
from course.analysis.errors import AnalysisError
from course.analysis.finance import (GREEN_BOOK, GREEN_BOOK_RATE, GREEN_BOOK_SCHEDULE, InvestmentComparison,
                                    compare_investments, discount_factors, npv, payback_period)
from course.analysis.forecast import Forecast, forecast, forecast_chart
from course.analysis.kpi import KpiResult, kpi_chart, kpi_over_time
from course.analysis.options import OptionsAppraisal, options_chart, score_options
from course.analysis.pareto import ParetoResult, pareto, pareto_chart
from course.analysis.queueing import ErlangCResult, agents_for_service_level, erlang_b, erlang_c
from course.analysis.runrules import RULES, Signal, find_signals
from course.analysis.seasonality import Decomposition, decompose, decomposition_chart
from course.analysis.periods import totals_by_period
from course.analysis.spc import (LANEY_THRESHOLD, PChartResult, XmRResult, control_chart, laney_sigma_z, p_chart,
                                p_chart_of_misses, xmr)

__all__ = [
    "GREEN_BOOK", "GREEN_BOOK_SCHEDULE", "LANEY_THRESHOLD", "Scenarios", "Sensitivity", "discount_factors",
    "laney_sigma_z", "scenarios", "sensitivity", "tornado_chart",
    "AnalysisError", "Benchmark", "Chart", "Decomposition", "ErlangCResult", "Forecast", "GREEN_BOOK_RATE",
    "HtmlResult", "InvestmentComparison", "KpiResult", "OptionsAppraisal", "PChartResult", "ParetoResult",
    "RULES", "Signal", "XmRResult", "agents_for_service_level", "benchmark", "benchmark_chart",
    "compare_investments", "control_chart", "decompose", "decomposition_chart", "erlang_b", "erlang_c",
    "figure_html", "find_signals", "forecast", "forecast_chart", "kpi_chart", "kpi_over_time", "npv",
    "options_chart", "p_chart", "p_chart_of_misses", "pareto", "pareto_chart", "payback_period", "score_options", "show", "totals_by_period", "xmr",
]
