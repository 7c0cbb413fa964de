"""What every section builder receives: the scenario, its assessment, and engine results that
several sections share (computed once, on first use)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.bargaining.engine import ForecastResult
    from detente.readiness import Assessment
    from detente.scenario import Scenario

__all__ = ["Context"]


class Context:
    """The inputs of the section builders.

    Parameters
    ----------
    scenario : Scenario
        The scenario as briefed (possibly ``scenario.at(date)`` or a what-if variant).
    assessment : Assessment
        ``assess(scenario)``.
    simulate : int or None
        Monte Carlo draws asked for (None: no simulation).
    """

    def __init__(self, scenario: Scenario, assessment: Assessment, simulate: int | None) -> None:
        self.scenario = scenario
        self.assessment = assessment
        self.simulate = simulate
        self.names = {aid: a.name for aid, a in scenario.actors.items()}

    @functools.cached_property
    def _forecast(self) -> ForecastResult | BaseException:
        from detente.bargaining import forecast

        try:
            return forecast(self.scenario)
        except Exception as exc:  # kept, and raised again to every section that asks
            return exc

    def forecast(self) -> ForecastResult:
        """The bargaining engine's forecasts (run once; an error is raised to every caller)."""
        result = self._forecast
        if isinstance(result, BaseException):
            raise result
        return result
