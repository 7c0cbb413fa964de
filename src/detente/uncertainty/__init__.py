"""Uncertainty over judgments: distributions, seeded sampling, chunked runs and sensitivity.

- :func:`simulate` -- Monte Carlo over a scenario's uncertain judgments (the engines as
  vectorised models in :mod:`detente.uncertainty.models`).

Building blocks:

- :class:`DistributionSpec` -- one judgment's distribution, as written in ``uncertainty``;
  :class:`Judgment` -- a distribution with its name and valid range;
- :func:`sample` -- seeded joint draws (plain or Latin hypercube), identical however split;
- :class:`Execution` -- seed, sampling method, chunks, local processes or a Dask cluster;
- :func:`run` / :func:`iter_chunks` / :func:`evaluate` -- a vectorised model over the draws, in
  chunks, in process, on local processes or on a Dask cluster;
- :func:`sobol` and :func:`tornado` -- which judgments move each answer;
- :func:`summarize` -- probabilities with Wilson intervals and quantiles of the outputs.
"""

from __future__ import annotations

from detente.scenario.distributions import DistributionSpec
from detente.uncertainty.runner import Execution, evaluate, iter_chunks, run
from detente.uncertainty.sampling import Judgment, sample
from detente.uncertainty.sensitivity import SobolResult, TornadoResult, sobol, tornado
from detente.uncertainty.simulate import simulate
from detente.uncertainty.summary import SimulationSummary, summarize

__all__ = [
    "DistributionSpec",
    "Execution",
    "Judgment",
    "SimulationSummary",
    "SobolResult",
    "TornadoResult",
    "evaluate",
    "iter_chunks",
    "run",
    "sample",
    "simulate",
    "sobol",
    "summarize",
    "tornado",
]
