"""``detente.simulate``: Monte Carlo over a scenario's uncertain judgments (docs/models.md §4).

Every judgment with a distribution in ``uncertainty`` is drawn jointly (seeded; plain or Latin
hypercube), the chosen engine runs on every draw, vectorised (:mod:`detente.uncertainty.models`),
and the outputs are summarised: the probability of each verdict with a 95% Wilson interval, the
quantiles of the margin or of each forecast, Sobol' first-order and total indices (SALib) and a
tornado of one-at-a-time swings between the 10th and 90th percentiles, around the scenario's own
values.  The readiness engine also gives the probability of each stage (how far the conflict
can go: none, talks, deal, signature) and ranks every uncertain judgment -- numbers, facts and
red-line activity alike -- by how much knowing it would settle the verdict (mutual information,
:mod:`detente.uncertainty.decisive`).  Runs go in fixed chunks, in process, on local processes
or on a Dask cluster, with bit-identical results for the same seed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, did_you_mean
from detente.uncertainty.decisive import Decisiveness, decisiveness
from detente.uncertainty.models import (
    STAGES,
    VERDICTS,
    ForecastModel,
    ReadinessModel,
    forecast_model,
    readiness_model,
    uncertain_judgments,
)
from detente.uncertainty.runner import Execution, check_draw_cells, run
from detente.uncertainty.sampling import Judgment, Method, sample
from detente.uncertainty.sensitivity import sobol, tornado
from detente.uncertainty.summary import SimulationSummary, summarize

if TYPE_CHECKING:
    from detente.bargaining import EUMSettings
    from detente.scenario.model import Scenario

__all__ = ["ENGINES", "simulate"]

Engine = Literal["readiness", "forecast"]
ENGINES: tuple[Engine, ...] = ("readiness", "forecast")
#: Sobol' base sample per engine: n (p + 2) model runs; the forecast engine is the costlier.
SOBOL_BASE = {"readiness": 1024, "forecast": 128}


def _base_values(scenario: Scenario, judgments: tuple[Judgment, ...]) -> dict[str, float]:
    """The scenario's own value of every judgment, as the numbers the models take."""
    from detente.scenario.paths import resolve

    base: dict[str, float] = {}
    for j in judgments:
        value = resolve(scenario, j.path)
        if value.kind == "option":
            assert value.issue is not None and isinstance(value.value, str)
            base[j.path] = scenario.issues[value.issue].to_number(value.value)
        else:
            assert value.value is not None and not isinstance(value.value, str)
            base[j.path] = float(value.value)
    return base


class _Draws(Mapping[str, npt.NDArray[np.float64]]):
    """The run's draws of each judgment, regenerated one judgment at a time (each judgment's
    draws are a pure function of the seed, its path and the draw index: the sampling contract),
    so that no draws x judgments array is kept."""

    def __init__(self, judgments: tuple[Judgment, ...], n: int, seed: int, method: Method):
        self._by = {j.path: j for j in judgments}
        self._n, self._seed, self._method = n, seed, method

    def __getitem__(self, path: str) -> npt.NDArray[np.float64]:
        j = self._by[path]
        column = sample((j,), self._n, seed=self._seed, method=self._method, total=self._n)
        return column[:, 0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by)

    def __len__(self) -> int:
        return len(self._by)


def what_decides(
    verdicts: npt.ArrayLike,
    judgments: tuple[Judgment, ...],
    *,
    n: int,
    execution: Execution,
) -> Decisiveness:
    """Every judgment ranked by the information its draws carry about the run's verdicts."""
    discrete = [
        j.path
        for j in judgments
        if j.kind in ("bool", "option")
        or (j.distribution is not None and j.distribution.is_discrete)
    ]
    draws = _Draws(judgments, n, execution.seed, execution.method)
    return decisiveness(draws, verdicts, discrete=discrete, seed=execution.seed)


def simulate(
    scenario: Scenario,
    *,
    n: int = 10_000,
    engine: str = "readiness",
    sensitivity: bool = True,
    sobol_n: int | None = None,
    execution: Execution | None = None,
    eum: EUMSettings | None = None,
    decisive: bool | None = None,
) -> SimulationSummary:
    """Monte Carlo over the scenario's uncertain judgments.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario with an ``uncertainty`` section, or a transformation of one
        (``scenario.at(date).variant(name)``): a what-if's changes fix the judgments they set
        (those judgments are not drawn).
    n : int
        Number of joint draws.
    engine : {"readiness", "forecast"}
        ``readiness``: verdict, margin and preconditions per draw; ``forecast``: weighted mean,
        weighted median and expected-utility forecast of every issue per draw.
    sensitivity : bool
        Also compute Sobol' indices (base sample ``sobol_n``) and the tornado.
    decisive : bool, optional
        Rank the judgments by what decides the verdict (readiness engine; default: as
        ``sensitivity``).
    execution : Execution, optional
        Seed (the same seed gives identical results however the run is split), plain or
        Latin hypercube draws, chunk size, local processes or a Dask scheduler address, its
        timeout, a progress callback; see :class:`detente.uncertainty.runner.Execution`.
    eum : EUMSettings, optional
        Settings of the expected-utility model for ``engine="forecast"``.

    Returns
    -------
    SimulationSummary
        Probabilities with 95% Wilson intervals, quantiles, Sobol' indices and tornado.

    Raises
    ------
    ProblemTooLarge
        Before any draw, when draws x judgments, the outputs kept or the expected-utility
        work would exceed their limits (docs/security.md).

    References
    ----------
    Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Computer
    Physics Communications 181(2):259-270.  Wilson, E. B. (1927). Probable inference, the law of
    succession, and statistical inference. JASA 22(158):209-212.
    """
    ex = Execution() if execution is None else execution
    if engine not in ENGINES:
        raise InputError(
            f"unknown engine '{engine}'{did_you_mean(engine, ENGINES)}; "
            f"choose {' or '.join(ENGINES)}"
        )
    what_if = scenario.what_if
    fixed = set(scenario.what_ifs[what_if].set) if what_if is not None else set()
    judgments = tuple(j for j in uncertain_judgments(scenario) if j.path not in fixed)
    if not judgments:
        raise InputError(
            "no uncertain judgment to draw: give distributions in the 'uncertainty' section",
            path="uncertainty",
            file=scenario.filename,
        )
    if isinstance(n, int) and not isinstance(n, bool):
        check_draw_cells(n, len(judgments))  # before the engines are compiled
    notes = [f"engine: {engine}"]
    if what_if is not None:
        notes.append(f"what-if: {what_if}")
        overridden = sorted(fixed & set(scenario.uncertainty))
        if overridden:
            notes.append("fixed by the what-if (not drawn): " + ", ".join(overridden))
    if scenario.as_of is not None:
        notes.append(f"as of {scenario.as_of.isoformat()}")
    if engine == "readiness":
        model: ReadinessModel | ForecastModel = _readiness(scenario, judgments, notes)
        outputs = ["margin"]
        categorical: dict[str, tuple[str, ...] | None] = {"verdict": VERDICTS, "stage": STAGES}
    else:
        base = (sobol_n or SOBOL_BASE[engine]) * (len(judgments) + 2) if sensitivity else 0
        model = _forecast(scenario, judgments, eum=eum, draws=max(n, 1) + base)
        outputs = [f"eum.{issue.issue}" for issue in model.issues]
        categorical = {}
    results = run(model, judgments, n, execution=ex)
    ranked = None
    if engine == "readiness" and (sensitivity if decisive is None else decisive):
        ranked = what_decides(results["verdict"], judgments, n=n, execution=ex)
    sobol_result = tornado_result = None
    if sensitivity:
        sobol_result = sobol(
            model,
            judgments,
            sobol_n or SOBOL_BASE[engine],
            outputs=outputs,
            execution=dataclasses.replace(ex, progress=None),
        )
        tornado_result = tornado(
            model, judgments, base=_base_values(scenario, judgments), outputs=outputs
        )
    return summarize(
        results,
        seed=ex.seed,
        method=ex.method,
        judgments=[j.path for j in judgments],
        categorical=categorical,
        sobol=sobol_result,
        tornado=tornado_result,
        notes=notes,
        decisive=ranked,
    )


def _readiness(
    scenario: Scenario, judgments: tuple[Judgment, ...], notes: list[str]
) -> ReadinessModel:
    """The readiness model of the draws; a note when its red lines leave the fast path."""
    from detente.readiness.fastpath import fast_applicable

    model = readiness_model(scenario, judgments)
    if not fast_applicable(model.problem):
        notes.append("the exact solver ran on every draw (red lines outside the fast path)")
    return model


def _forecast(
    scenario: Scenario,
    judgments: tuple[Judgment, ...],
    *,
    eum: EUMSettings | None,
    draws: int,
) -> ForecastModel:
    """The forecast model of the draws, refused before any draw when its work is too large."""
    from detente.bargaining.settings import check_eum_size

    model = forecast_model(scenario, judgments, eum=eum)
    sizes = [issue.positions.size for issue in model.issues]
    check_eum_size(sizes, model.eum, draws=draws)
    return model
