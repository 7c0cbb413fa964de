"""Uncertainty over judgments: distributions, seeded sampling, chunked runs and sensitivity.

- :func:`simulate` -- Monte Carlo over a scenario's uncertain judgments (the engines as
  vectorised models in :mod:`detente.uncertainty.models`).

Building blocks:

- :class:`DistributionSpec` -- one judgment's distribution, as written in ``uncertainty``;
- :func:`sample` -- seeded joint draws (plain or Latin hypercube), identical however split;
- :func:`run` / :func:`iter_chunks` / :func:`evaluate` -- a vectorised model over the draws, in
  chunks, in process, on local processes or on a Dask cluster;
- :func:`sobol` and :func:`tornado` -- which judgments move each answer;
- :func:`summarize` -- probabilities with Wilson intervals and quantiles of the outputs.
"""

from __future__ import annotations

from detente.scenario.distributions import KINDS, DistributionSpec
from detente.uncertainty.runner import DEFAULT_CHUNK, evaluate, iter_chunks, run
from detente.uncertainty.sampling import BLOCK, Judgment, as_judgments, sample, uniforms
from detente.uncertainty.sensitivity import (
    SobolIndices,
    SobolResult,
    TornadoBar,
    TornadoResult,
    sobol,
    tornado,
)
from detente.uncertainty.simulate import ENGINES, simulate
from detente.uncertainty.summary import (
    CategoryProbability,
    CategorySummary,
    NumericSummary,
    SimulationSummary,
    summarize,
    summarize_categories,
    summarize_numeric,
    wilson_interval,
)

__all__ = [
    "BLOCK",
    "DEFAULT_CHUNK",
    "ENGINES",
    "KINDS",
    "CategoryProbability",
    "CategorySummary",
    "DistributionSpec",
    "Judgment",
    "NumericSummary",
    "SimulationSummary",
    "SobolIndices",
    "SobolResult",
    "TornadoBar",
    "TornadoResult",
    "as_judgments",
    "evaluate",
    "iter_chunks",
    "run",
    "sample",
    "simulate",
    "sobol",
    "summarize",
    "summarize_categories",
    "summarize_numeric",
    "tornado",
    "uniforms",
    "wilson_interval",
]
