"""What will the bargained outcome be?  The forecast engine (docs/models.md §3).

Per issue, over every actor with a position: the capability-times-salience weighted mean and
median, the weighted Nash bargaining solution, and Bueno de Mesquita's expected-utility model in
named variants (``"scholz-code"`` reproducing Scholz, Calbert & Smith 2011, Table 2, and
``"as-printed"`` following the paper's equations).

- :func:`forecast` — a scenario, issue by issue (:class:`ForecastResult`); :func:`forecast_issue`
  — one issue given as arrays;
- :func:`forecast_table` / :func:`read_table` — a plain CSV actor table;
- :class:`EUMSettings` — the expected-utility model's settings, checked in one place;
- :func:`weighted_mean`, :func:`weighted_median`, :func:`nash_bargaining`,
  :func:`expected_utility`, :func:`expected_utility_batch` — the array core.
"""

from __future__ import annotations

from detente.bargaining._baselines import nash_bargaining, weighted_mean, weighted_median
from detente.bargaining.engine import (
    METHODS,
    ForecastResult,
    IssueForecast,
    forecast,
    forecast_issue,
)
from detente.bargaining.eum import (
    EUMBatchResult,
    EUMResult,
    expected_utility,
    expected_utility_batch,
)
from detente.bargaining.settings import VARIANTS, EUMSettings
from detente.bargaining.table import TableIssue, forecast_table, read_table

__all__ = [
    "METHODS",
    "VARIANTS",
    "EUMBatchResult",
    "EUMResult",
    "EUMSettings",
    "ForecastResult",
    "IssueForecast",
    "TableIssue",
    "expected_utility",
    "expected_utility_batch",
    "forecast",
    "forecast_issue",
    "forecast_table",
    "nash_bargaining",
    "read_table",
    "weighted_mean",
    "weighted_median",
]
