"""The engines as vectorised Monte Carlo models: ``(draws, judgments) -> outputs``.

Each model is a frozen, picklable dataclass built once from a scenario; calling it on a block of
draws (one row per draw, one column per uncertain judgment, option values as ranks, facts as 0/1)
returns arrays with one entry per draw, computed without a Python loop over draws:

- :class:`ReadinessModel`: the negotiability margin m* through the readiness fast path
  (docs/models.md §2; the exact solver per draw where the fast path does not apply), honouring
  drawn red-line thresholds and red lines drawn inactive, the veto parties' talks and agreement
  preconditions over the (possibly sampled) facts, the verdict code and the stage code;
- :class:`ForecastModel`: per issue, the weighted mean, the weighted median and the
  expected-utility forecast (docs/models.md §3) in its batched form.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.readiness.verdict import STAGES, VERDICTS, stage_codes, verdict_codes
from detente.scenario.paths import Judgment

if TYPE_CHECKING:
    from detente.bargaining import EUMSettings
    from detente.readiness.problem import Problem
    from detente.scenario.expr import Expr
    from detente.scenario.model import Scenario

__all__ = [
    "STAGES",
    "VERDICTS",
    "ForecastModel",
    "ReadinessModel",
    "forecast_model",
    "readiness_model",
    "uncertain_judgments",
]


FloatArray = npt.NDArray[np.float64]


def uncertain_judgments(scenario: Scenario) -> tuple[Judgment, ...]:
    """The scenario's ``uncertainty`` section as judgments with their valid ranges.

    Option values are encoded as 0-based ranks and facts as 0/1, so every draw is a number.
    """
    from detente.scenario.paths import resolve

    out: list[Judgment] = []
    for path, spec in scenario.uncertainty.items():
        j = resolve(scenario, path)
        if j.kind == "option":
            assert j.issue is not None
            spec = spec.encoded(scenario.issues[j.issue].to_number)
        elif j.kind == "number":
            # a capability must stay positive; an unbounded low end is the scale's 0, except for
            # a red line's named threshold, which may be any number
            low = 1e-9 if j.role == "capability" else (0.0 if j.low is None else j.low)
            if j.role == "red_line" and j.low is None:
                low = -math.inf
            j = dataclasses.replace(j, low=low, high=math.inf if j.high is None else j.high)
        out.append(dataclasses.replace(j, distribution=spec))
    return tuple(out)


@dataclass(frozen=True)
class ReadinessModel:
    """m*, preconditions, verdict and stage per draw.

    Attributes
    ----------
    problem : Problem
        The compiled readiness problem of the base scenario (its values are the defaults).
    paths : tuple of str
        The judgment of each column of the draws (a red line's ``active`` column is on where
        the draw is >= 0.5; its ``threshold`` column moves the rule).
    preconditions : tuple of Expr
        The veto parties' talks preconditions (expressions over facts).
    facts : mapping of str to bool
        The facts' base values; a fact among ``paths`` is sampled (draw >= 0.5 means true).
    agreement : tuple of Expr
        The veto parties' preconditions for signing.
    """

    problem: Problem
    paths: tuple[str, ...]
    preconditions: tuple[Expr, ...]
    facts: Mapping[str, bool]
    agreement: tuple[Expr, ...] = ()

    def __call__(self, params: FloatArray, /) -> dict[str, npt.NDArray[Any]]:
        from detente.readiness.fastpath import margin_batch
        from detente.readiness.margin import ZOPA_TOL
        from detente.scenario.expr import evaluate

        rows = params.shape[0]
        margin = margin_batch(self.problem, params, self.paths)
        env: dict[str, Any] = dict(self.facts)
        for j, path in enumerate(self.paths):
            if path.startswith("facts."):
                env[path.split(".", 1)[1]] = params[:, j] >= 0.5
        met = np.ones(rows, dtype=bool)
        for pre in self.preconditions:
            met &= np.broadcast_to(np.asarray(evaluate(pre, env), dtype=bool), (rows,))
        signable = np.ones(rows, dtype=bool)
        for pre in self.agreement:
            signable &= np.broadcast_to(np.asarray(evaluate(pre, env), dtype=bool), (rows,))
        zopa = margin >= -ZOPA_TOL
        verdict = verdict_codes(zopa=zopa, preconditions_met=met)
        stage = stage_codes(talks=met, zopa=zopa, signable=signable)
        return {"margin": margin, "preconditions_met": met, "verdict": verdict, "stage": stage}


def readiness_model(scenario: Scenario, judgments: tuple[Judgment, ...]) -> ReadinessModel:
    """Build the readiness model of ``scenario`` for draws of ``judgments``."""
    from detente.readiness.problem import compile_problem

    def veto(kind: str) -> tuple[Expr, ...]:
        return tuple(
            p.expr
            for actor in scenario.actors.values()
            if actor.veto
            for p in actor.preconditions
            if p.for_ == kind
        )

    facts = {f: fact.value for f, fact in scenario.facts.items()}
    paths = tuple(j.path for j in judgments)
    return ReadinessModel(
        compile_problem(scenario), paths, veto("talks"), facts, agreement=veto("agreement")
    )


@dataclass(frozen=True)
class _IssueArrays:
    issue: str
    low: float
    high: float
    n_options: int
    positions: FloatArray  # (n,)
    capability: FloatArray  # (n,)
    salience: FloatArray  # (n,)
    columns: tuple[
        tuple[int, str, int], ...
    ]  # (draw column, "positions"|"capability"|"salience", actor index)


@dataclass(frozen=True)
class ForecastModel:
    """Per issue: weighted mean, weighted median and the expected-utility forecast per draw.

    Option issues are forecast on their ranks (the output is a rank; the summary reports the
    nearest option).
    """

    issues: tuple[_IssueArrays, ...]
    eum: EUMSettings

    def __call__(self, params: FloatArray, /) -> dict[str, npt.NDArray[Any]]:
        from detente.bargaining._baselines import weighted_median_batch
        from detente.bargaining.eum import expected_utility_batch

        rows = params.shape[0]
        out: dict[str, npt.NDArray[Any]] = {}
        for arr in self.issues:
            table = {
                "positions": np.broadcast_to(arr.positions, (rows, arr.positions.size)).copy(),
                "capability": np.broadcast_to(arr.capability, (rows, arr.capability.size)).copy(),
                "salience": np.broadcast_to(arr.salience, (rows, arr.salience.size)).copy(),
            }
            for col, what, i in arr.columns:
                table[what][:, i] = params[:, col]
            x, w = table["positions"], table["capability"] * table["salience"]
            total = w.sum(axis=1)
            safe = np.where(total > 0, total, 1.0)
            out[f"mean.{arr.issue}"] = np.where(total > 0, (w * x).sum(axis=1) / safe, np.nan)
            out[f"median.{arr.issue}"] = weighted_median_batch(x, w)
            eum = expected_utility_batch(
                x,
                table["capability"],
                table["salience"],
                low=arr.low,
                high=arr.high,
                eum=self.eum,
            )
            out[f"eum.{arr.issue}"] = eum.medians[:, -1]
        return out


def forecast_model(
    scenario: Scenario,
    judgments: tuple[Judgment, ...],
    *,
    eum: EUMSettings | None = None,
) -> ForecastModel:
    """Build the forecast model of ``scenario`` for draws of ``judgments`` (the expected-utility
    model with the settings ``eum``, default ``EUMSettings()``)."""
    from detente.bargaining import EUMSettings
    from detente.bargaining.engine import issue_inputs

    index = {j.path: c for c, j in enumerate(judgments)}
    issues = []
    for k, issue in scenario.issues.items():
        inputs = issue_inputs(scenario, k)
        if isinstance(inputs, str):
            continue  # the forecast engine skips it for the same reason
        ids, positions, capability, salience = inputs
        columns: list[tuple[int, str, int]] = []
        for i, a in enumerate(ids):
            for what, path in (
                ("positions", f"actors.{a}.positions.{k}"),
                ("salience", f"actors.{a}.salience.{k}"),
                ("capability", f"actors.{a}.capability"),
            ):
                if path in index:
                    columns.append((index[path], what, i))
        issues.append(
            _IssueArrays(
                issue=k,
                low=issue.low,
                high=issue.high,
                n_options=issue.n_options,
                positions=positions,
                capability=capability,
                salience=salience,
                columns=tuple(columns),
            )
        )
    if not issues:
        raise InputError("no issue has actors with positions: there is nothing to forecast")
    return ForecastModel(tuple(issues), eum=EUMSettings() if eum is None else eum)
