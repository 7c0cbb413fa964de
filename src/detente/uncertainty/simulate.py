"""``detente.simulate``: Monte Carlo over a scenario's uncertain judgments (docs/models.md §4).

Every judgment with a distribution in ``uncertainty`` is drawn jointly (seeded; plain or Latin
hypercube), the chosen engine runs on every draw, vectorised (:mod:`detente.uncertainty.models`),
and the outputs are summarised: the probability of each verdict with a 95% Wilson interval, the
quantiles of the margin or of each forecast, Sobol' first-order and total indices (SALib) and a
tornado of one-at-a-time swings between the 10th and 90th percentiles, around the scenario's own
values.  Runs go in fixed chunks, in process, on local processes or on a Dask cluster, with
bit-identical results for the same seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from detente.errors import InputError, did_you_mean
from detente.uncertainty.models import (
    VERDICTS,
    ForecastModel,
    ReadinessModel,
    forecast_model,
    readiness_model,
    uncertain_judgments,
)
from detente.uncertainty.runner import DEFAULT_CHUNK, run
from detente.uncertainty.sampling import Judgment, Method
from detente.uncertainty.sensitivity import sobol, tornado
from detente.uncertainty.summary import SimulationSummary, summarize

if TYPE_CHECKING:
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


def simulate(
    scenario: Scenario,
    *,
    n: int = 10_000,
    seed: int = 0,
    engine: str = "readiness",
    method: Method = "plain",
    sensitivity: bool = True,
    sobol_n: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    timeout: float = 10.0,
    progress: Callable[[int, int], None] | None = None,
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
    seed : int
        The same seed gives identical results however the run is split.
    engine : {"readiness", "forecast"}
        ``readiness``: verdict, margin and preconditions per draw; ``forecast``: weighted mean,
        weighted median and expected-utility forecast of every issue per draw.
    method : {"plain", "lhs"}
        Independent draws or a Latin hypercube design.
    sensitivity : bool
        Also compute Sobol' indices (base sample ``sobol_n``) and the tornado.
    workers, scheduler, chunk_size, timeout, progress
        Execution: local processes, or a Dask scheduler address; see
        :func:`detente.uncertainty.runner.run`.

    Returns
    -------
    SimulationSummary
        Probabilities with 95% Wilson intervals, quantiles, Sobol' indices and tornado.

    References
    ----------
    Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Computer
    Physics Communications 181(2):259-270.  Wilson, E. B. (1927). Probable inference, the law of
    succession, and statistical inference. JASA 22(158):209-212.
    """
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
    notes = [f"engine: {engine}"]
    if what_if is not None:
        notes.append(f"what-if: {what_if}")
        overridden = sorted(fixed & set(scenario.uncertainty))
        if overridden:
            notes.append("fixed by the what-if (not drawn): " + ", ".join(overridden))
    if scenario.as_of is not None:
        notes.append(f"as of {scenario.as_of.isoformat()}")
    model: ReadinessModel | ForecastModel
    categorical: dict[str, tuple[str, ...] | None] = {}
    if engine == "readiness":
        model = readiness_model(scenario, judgments)
        from detente.readiness.fastpath import fast_applicable

        if not fast_applicable(model.problem):
            notes.append("the exact solver ran on every draw (red lines outside the fast path)")
        outputs = ["margin"]
        categorical = {"verdict": VERDICTS}
    else:
        model = forecast_model(scenario, judgments)
        outputs = [f"eum.{issue.issue}" for issue in model.issues]
    results = run(
        model,
        judgments,
        n,
        seed=seed,
        method=method,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        progress=progress,
    )
    sobol_result = tornado_result = None
    if sensitivity:
        sobol_result = sobol(
            model,
            judgments,
            sobol_n or SOBOL_BASE[engine],
            seed=seed,
            outputs=outputs,
            chunk_size=chunk_size,
            workers=workers,
            scheduler=scheduler,
            timeout=timeout,
        )
        tornado_result = tornado(
            model, judgments, base=_base_values(scenario, judgments), outputs=outputs
        )
    return summarize(
        results,
        seed=seed,
        method=method,
        judgments=[j.path for j in judgments],
        categorical=categorical,
        sobol=sobol_result,
        tornado=tornado_result,
        notes=notes,
    )
