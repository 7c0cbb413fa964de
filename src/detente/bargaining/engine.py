"""The forecast engine: where will bargaining land, issue by issue (docs/models.md §3).

:func:`forecast` takes a :class:`~detente.scenario.Scenario`; :func:`forecast_issue` does the
same for plain arrays (the ``--table`` input).  Every actor with a position on the issue counts,
whatever its role (parties, backers, mediators, stakeholders), weighted by capability times its
salience on that issue.  Option issues are forecast on their 0-based ranks and reported as the
nearest option (the lower one on an exact half).

Each method's forecasts are checked against the veto parties' red lines
(:mod:`detente.bargaining.redlines`: which red lines a forecast breaks, and the nearest value of
the issue that meets them), and an expected-utility median that cycles between rounds is
reported as the cycle (:func:`detente.bargaining.cycles.find_cycle`), not as one answer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente._results import jsonable
from detente.bargaining._baselines import (
    FloatArray,
    check_issue_arrays,
    nash_bargaining,
    power_of_two_scale,
    weighted_mean,
    weighted_median,
)
from detente.bargaining.eum import EUMResult, expected_utility
from detente.bargaining.redlines import RedLineCheck, check_red_lines
from detente.bargaining.settings import EUMSettings, check_eum_size
from detente.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "METHODS",
    "METHOD_LABELS",
    "ForecastResult",
    "IssueForecast",
    "forecast",
    "forecast_issue",
]

Method = Literal["mean", "median", "nash", "eum"]
METHODS: tuple[Method, ...] = ("mean", "median", "nash", "eum")
_DEFAULT = EUMSettings()
METHOD_LABELS = {
    "mean": "weighted mean",
    "median": "weighted median",
    "nash": "Nash bargaining",
    "eum": "expected utility",
}


def check_methods(methods: Sequence[str]) -> tuple[Method, ...]:
    """Validate method names (with a "did you mean" hint); keep their order, drop repeats."""
    out: list[Method] = []
    for m in methods:
        if m not in METHODS:
            raise InputError(
                f"unknown forecast method {m!r}{did_you_mean(m, METHODS)}; "
                f"choose from {', '.join(METHODS)}",
                path="method",
            )
        if m not in out:
            out.append(m)
    if not out:
        raise InputError("give at least one forecast method", path="method")
    return tuple(out)


@dataclass(frozen=True, eq=False)
class IssueForecast:
    """The forecasts of one issue.

    Attributes
    ----------
    issue, label : str
        The issue's id and label.
    low, high : float
        The scale (ranks ``0 .. n-1`` for an option issue).
    options : tuple of str or None
        The options of an option issue, in order.
    actors : tuple of str
        The actors with a position on the issue (every role).
    positions, capability, salience : ndarray, shape (n,)
        Their positions (ranks for options), capabilities and saliences.
    values : dict
        Each method's forecast, on the scale (ranks for options).
    eum : EUMResult or None
        The full expected-utility run, when ``"eum"`` was asked for.
    red_lines : dict
        Per method, the forecast against the veto parties' red lines that name this issue
        (:class:`~detente.bargaining.redlines.RedLineCheck`); empty when none names it.
    """

    issue: str
    label: str
    unit: str | None
    low: float
    high: float
    options: tuple[str, ...] | None
    actors: tuple[str, ...]
    positions: FloatArray
    capability: FloatArray
    salience: FloatArray
    values: dict[str, float]
    eum: EUMResult | None = None
    red_lines: dict[str, RedLineCheck] = field(default_factory=dict)
    weights: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        # Relative weights (capabilities scaled by a power of two): only ratios matter, and
        # capabilities near the float range would overflow their sum.
        object.__setattr__(self, "weights", power_of_two_scale(self.capability) * self.salience)

    def reported(self, method: str) -> str | float:
        """A method's forecast as reported: the number, or the nearest option; for an
        expected-utility median that cycles, the cycle (``cycles between 4 and 6 (period 2)``).
        """
        cycle = self.cycle(method)
        if cycle is not None:
            return cycle
        value = self.values[method]
        if self.options is None:
            return value
        return self.options[nearest_rank(value, len(self.options))]

    def cycle(self, method: str) -> str | None:
        """``cycles between X and Y (period k)`` when the method's forecast cycles, else None.

        Only the expected-utility model cycles; on an option issue a cycle between ranks that
        all round to one option is that option, not a cycle.
        """
        c = self.eum.cycle if method == "eum" and self.eum is not None else None
        if c is None:
            return None
        n = len(self.options) if self.options is not None else 0
        if n and len({nearest_rank(v, n) for v in c.values}) < 2:
            return None
        return c.describe(self.show)

    def show(self, value: float) -> str:
        """A value of the issue as text: the nearest option, or the number with its unit."""
        if self.options is not None:
            return self.options[nearest_rank(value, len(self.options))]
        return f"{value:.4g} {self.unit}" if self.unit else f"{value:.4g}"

    def describe(self, method: str) -> str:
        """A method's forecast as text (``7.39 years``, ``deferred (rank 1.3)``, ``cycles
        between 4 and 6 years (period 2)``)."""
        cycle = self.cycle(method)
        if cycle is not None:
            return cycle
        value = self.values[method]
        if self.options is not None:
            return f"{self.reported(method)} (rank {value:.3g})"
        return self.show(value)

    def red_line_note(self, method: str) -> str | None:
        """What the method's forecast breaks and the nearest value within the red lines, in
        words; None when it breaks none."""
        check = self.red_lines.get(method)
        if check is None or not check.breaks:
            return None
        names = "; ".join(b.describe() for b in check.broken)
        breaks = f"breaks {names}"
        if check.projection is None:
            return (
                f"{breaks}; no value of this issue meets the veto parties' red lines on it "
                "with the other issues at their forecasts"
            )
        near = self.show(check.projection)
        if check.open_end is not None:
            near = f"just {check.open_end} {near}"
        return f"{breaks}; nearest within the veto parties' red lines: {near}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "issue": self.issue,
            "label": self.label,
            "unit": self.unit,
            "scale": [self.low, self.high],
            "options": list(self.options) if self.options is not None else None,
            "actors": [
                {
                    "name": a,
                    "position": float(self.positions[i]),
                    "capability": float(self.capability[i]),
                    "salience": float(self.salience[i]),
                }
                for i, a in enumerate(self.actors)
            ],
            "forecasts": {m: self._forecast_dict(m) for m in self.values},
        }
        if self.eum is not None:
            out["eum"] = self.eum.to_dict()
        return jsonable(out)  # type: ignore[no-any-return]

    def _forecast_dict(self, method: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.values[method],
            "reported": self.reported(method),
            "cycle": None,
            "red_lines": None,
        }
        if method == "eum" and self.eum is not None and self.cycle(method) is not None:
            assert self.eum.cycle is not None
            out["cycle"] = self.eum.cycle.to_dict() | {"text": self.cycle(method)}
        check = self.red_lines.get(method)
        if check is not None:
            red = check.to_dict()
            red["projection_reported"] = (
                None
                if check.projection is None
                else self.options[int(check.projection)]
                if self.options is not None
                else check.projection
            )
            red["text"] = self.red_line_note(method)
            out["red_lines"] = red
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per method: the forecast value and how it is reported."""
        return pd.DataFrame(
            [
                {
                    "issue": self.issue,
                    "method": m,
                    "value": v,
                    "reported": self.describe(m),
                }
                for m, v in self.values.items()
            ],
            columns=["issue", "method", "value", "reported"],
        )

    def explain(self) -> str:
        w = self.weights
        share = w / w.sum()
        top = np.argsort(-share, kind="stable")[:3]
        heavy = ", ".join(
            f"{self.actors[i]} ({share[i]:.0%} of the weight, at {self._show(self.positions[i])})"
            for i in top
        )
        lines = [
            f"Issue '{self.label}': {len(self.actors)} actors with a position; weights are "
            f"capability x salience. Heaviest: {heavy}."
        ]
        for m in self.values:
            note = self.red_line_note(m)
            lines.append(
                f"- {METHOD_LABELS[m]}: {self.describe(m)}{'' if note is None else f'; {note}'}."
            )
        if self.eum is not None:
            lines.append(self.eum.explain())
        return "\n".join(lines)

    def _show(self, value: float) -> str:
        if self.options is None:
            return f"{value:.4g}"
        return self.options[nearest_rank(value, len(self.options))]


def nearest_rank(value: float, n_options: int) -> int:
    """The rank nearest to ``value`` (the lower one on an exact half), clipped to the options."""
    return int(min(max(math.ceil(value - 0.5), 0), n_options - 1))


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """Forecasts of every issue of a scenario (or of a table)."""

    source: str
    title: str
    methods: tuple[str, ...]
    eum: EUMSettings
    issues: tuple[IssueForecast, ...]
    skipped: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, issue: str) -> IssueForecast:
        for f in self.issues:
            if f.issue == issue:
                return f
        raise KeyError(issue)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "settings": {"methods": list(self.methods), **self.eum.to_dict()},
            "issues": [f.to_dict() for f in self.issues],
            "skipped": dict(self.skipped),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per (issue, method)."""
        frames = [f.to_frame() for f in self.issues]
        if not frames:
            return pd.DataFrame(columns=["issue", "method", "value", "reported"])
        return pd.concat(frames, ignore_index=True)

    def explain(self) -> str:
        parts = [f"Forecast of where bargaining lands: {self.title}."]
        parts.extend(f.explain() for f in self.issues)
        parts.extend(f"Issue '{k}' not forecast: {why}." for k, why in self.skipped.items())
        return "\n\n".join(parts)


def forecast_issue(
    *,
    issue: str,
    label: str,
    actors: Sequence[str],
    positions: npt.ArrayLike,
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    low: float,
    high: float,
    unit: str | None = None,
    options: tuple[str, ...] | None = None,
    methods: Sequence[str] = METHODS,
    eum: EUMSettings = _DEFAULT,
) -> IssueForecast:
    """Forecast one issue from arrays with every requested method.

    The baselines weigh actor ``i`` by :math:`w_i = c_i s_i`; the Nash bargaining solution uses
    the scale's range ``high - low`` as :math:`R` (docs/models.md §1); the expected-utility
    model runs with the settings ``eum`` (:class:`EUMSettings`).
    """
    chosen = check_methods(methods)
    names = tuple(actors)
    x, c, s = check_issue_arrays(positions, capability, salience, low=low, high=high, names=names)
    w = power_of_two_scale(c) * s  # exact rescaling: only ratios of weights matter
    values: dict[str, float] = {}
    run: EUMResult | None = None
    for m in chosen:
        if m == "mean":
            values[m] = weighted_mean(x, w)
        elif m == "median":
            values[m] = weighted_median(x, w)
        elif m == "nash":
            values[m] = nash_bargaining(x, w, utility_range=high - low)
        else:
            run = expected_utility(x, c, s, low=low, high=high, eum=eum, names=names)
            values[m] = run.forecast
    return IssueForecast(
        issue=issue,
        label=label,
        unit=unit,
        low=float(low),
        high=float(high),
        options=options,
        actors=names,
        positions=x,
        capability=c,
        salience=s,
        values=values,
        eum=run,
    )


def issue_inputs(
    scenario: Scenario, issue: str
) -> tuple[tuple[str, ...], FloatArray, FloatArray, FloatArray] | str:
    """The actors with a position on ``issue`` (every role) and their positions (ranks for an
    option issue), capabilities and saliences; or, as a string, why it cannot be forecast."""
    spec = scenario.issues[issue]
    held = [(aid, a) for aid, a in scenario.actors.items() if issue in a.positions]
    if not held:
        return "no actor has a position on it"
    salience = np.array([float(a.salience.get(issue, 0.5)) for _, a in held])
    if not (salience > 0).any():
        return "every actor with a position gives it salience 0"
    return (
        tuple(aid for aid, _ in held),
        np.array([spec.to_number(a.positions[issue]) for _, a in held]),
        np.array([float(a.capability) for _, a in held]),
        salience,
    )


def forecast(
    scenario: Scenario,
    *,
    issue: str | None = None,
    methods: Sequence[str] = METHODS,
    eum: EUMSettings = _DEFAULT,
) -> ForecastResult:
    """Forecast the bargained outcome of every issue of a scenario (or of one issue).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.  On each issue every actor with a position takes part, with
        capability ``actor.capability`` and salience ``actor.salience[issue]``.
    issue : str, optional
        Forecast only this issue.
    methods : sequence of {"mean", "median", "nash", "eum"}
        The methods to run (default: all four).
    eum : EUMSettings
        Settings of the expected-utility model (variant, Q, rounds, risk pass, utility range).

    Returns
    -------
    ForecastResult
        Per issue, each method's forecast (the nearest option for option issues) and the
        expected-utility model's rounds.  An issue where nobody has a position, or every
        salience is 0, is listed in ``skipped`` with the reason.

    Raises
    ------
    ProblemTooLarge
        When the expected-utility model would exceed its limits (docs/security.md), before
        any issue is forecast.
    """
    chosen = check_methods(methods)
    if not isinstance(eum, EUMSettings):
        raise InputError(f"eum must be an EUMSettings (got {type(eum).__name__})", path="eum")
    if issue is not None and issue not in scenario.issues:
        raise InputError(f"no issue {issue!r}{did_you_mean(issue, scenario.issues)}", path="issue")
    keys = [issue] if issue is not None else list(scenario.issues)
    inputs = {key: issue_inputs(scenario, key) for key in keys}
    if "eum" in chosen:
        sizes = [len(got[0]) for got in inputs.values() if not isinstance(got, str)]
        check_eum_size(sizes, eum, record=True)
    out: list[IssueForecast] = []
    skipped: dict[str, str] = {}
    for key, got in inputs.items():
        spec = scenario.issues[key]
        if isinstance(got, str):
            skipped[key] = got
            continue
        actors, positions, capability, salience = got
        out.append(
            forecast_issue(
                issue=key,
                label=spec.label,
                unit=spec.unit,
                actors=list(actors),
                positions=positions.tolist(),
                capability=capability.tolist(),
                salience=salience.tolist(),
                low=spec.low,
                high=spec.high,
                options=tuple(spec.options) if spec.options is not None else None,
                methods=chosen,
                eum=eum,
            )
        )
    checks = check_red_lines(scenario, {f.issue: f.values for f in out})
    out = [dataclasses.replace(f, red_lines=checks.get(f.issue, {})) for f in out]
    return ForecastResult(
        source=scenario.id,
        title=scenario.title,
        methods=chosen,
        eum=eum,
        issues=tuple(out),
        skipped=skipped,
    )
