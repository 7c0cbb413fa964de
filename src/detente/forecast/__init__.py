"""What will the bargained outcome be?  The forecast engine (MODELS.md §3).

Per issue, over every actor with a position: the capability-times-salience weighted mean and
median, the weighted Nash bargaining solution, and Bueno de Mesquita's expected-utility model in
named variants (``"scholz-code"`` reproducing Scholz, Calbert & Smith 2011, Table 2, and
``"as-printed"`` following the paper's equations).

- :func:`forecast` — a scenario, issue by issue (:class:`ForecastResult`);
- :func:`forecast_table` / :func:`read_table` — a plain CSV actor table;
- :func:`weighted_mean`, :func:`weighted_median`, :func:`nash_bargaining`,
  :func:`expected_utility`, :func:`expected_utility_batch` — the array core.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING

from detente.forecast._baselines import (
    nash_bargaining,
    weighted_mean,
    weighted_median,
    weighted_median_batch,
)
from detente.forecast.engine import (
    METHODS,
    ForecastResult,
    IssueForecast,
    forecast,
    forecast_issue,
)
from detente.forecast.eum import (
    DEFAULT_ROUNDS,
    VARIANTS,
    EUMBatchResult,
    EUMResult,
    UtilityRange,
    expected_utility,
    expected_utility_batch,
)
from detente.forecast.table import TableIssue, forecast_table, read_table, read_table_text

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "DEFAULT_ROUNDS",
    "METHODS",
    "VARIANTS",
    "EUMBatchResult",
    "EUMResult",
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
    "read_table_text",
    "weighted_mean",
    "weighted_median",
    "weighted_median_batch",
]


class _CallableModule(types.ModuleType):
    """This package, callable as :func:`forecast`.

    ``detente.forecast`` names both this package and the lazily exported function; once the
    package has been imported, ``detente.forecast`` is the module, so the module itself answers
    ``detente.forecast(scenario, ...)``.
    """

    def __call__(
        self,
        scenario: Scenario,
        *,
        issue: str | None = None,
        methods: Sequence[str] = METHODS,
        variant: str = "scholz-code",
        rounds: int = DEFAULT_ROUNDS,
        q: float = 1.0,
        risk: bool = True,
        utility_range: UtilityRange = "positions",
    ) -> ForecastResult:
        return forecast(
            scenario,
            issue=issue,
            methods=methods,
            variant=variant,
            rounds=rounds,
            q=q,
            risk=risk,
            utility_range=utility_range,
        )


sys.modules[__name__].__class__ = _CallableModule
