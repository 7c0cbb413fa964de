"""Uncertainty over judgments: distributions, seeded sampling, chunked runs and sensitivity.

Building blocks (the scenario-level ``simulate`` is assembled from them):

- :class:`DistributionSpec` -- one judgment's distribution, as written in ``uncertainty``;
- :func:`sample` -- seeded joint draws (plain or Latin hypercube), identical however split;
- :func:`run` / :func:`iter_chunks` / :func:`evaluate` -- a vectorised model over the draws, in
  chunks, in process, on local processes or on a Dask cluster;
- :func:`sobol` and :func:`tornado` -- which judgments move each answer;
- :func:`summarize` -- probabilities with Wilson intervals and quantiles of the outputs.
"""

from __future__ import annotations

from detente.uncertainty.distributions import KINDS, DistributionSpec
from detente.uncertainty.runner import DEFAULT_CHUNK, evaluate, iter_chunks, run
from detente.uncertainty.sampling import BLOCK, Judgment, as_judgments, sample, uniforms

__all__ = [
    "BLOCK",
    "DEFAULT_CHUNK",
    "KINDS",
    "DistributionSpec",
    "Judgment",
    "as_judgments",
    "evaluate",
    "iter_chunks",
    "run",
    "sample",
    "uniforms",
]
