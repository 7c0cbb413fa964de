"""Scoring rules, baselines, bootstrap intervals and calibration bins (docs/track-record.md).

For a forecast probability ``p`` of an event and its outcome ``y`` in {0, 1}:

- the **Brier score** (Brier 1950, *Monthly Weather Review* 78) is ``(p - y)^2``: 0 for a
  perfect forecast, 0.25 for always saying 0.5, 1 for a confident miss;
- the **log score**, written here as a loss, is ``-ln(p)`` if the event happened and
  ``-ln(1 - p)`` if not (Good 1952, *JRSS B* 14): 0 for a perfect forecast, ``ln 2 = 0.693`` for
  0.5, unbounded for a confident miss.  So that one certain miss does not make a mean infinite,
  every forecaster's probability is clipped to ``[epsilon, 1 - epsilon]`` (default
  :data:`EPSILON` = 0.01) *for the log score only*; the Brier score uses the probability as
  given.  Both are strictly proper: the expected score is lowest when ``p`` is the true
  probability (Gneiting & Raftery 2007, *JASA* 102).  Lower is better for both.

Baselines measured on the same questions:

- the **base rate** of the corpus, leave one case out: the forecast for every question of case
  ``c`` is the share of ``true`` outcomes among the questions of all *other* cases, so no case
  sees its own outcomes (0.5 if there is no other case);
- the **status quo**: nothing changes by the deadline; every question asks whether an event
  happens that has not happened on the as-of date, so the forecast is ``epsilon``.

Intervals resample *cases* (the questions of one conflict are not independent) with
replacement: each replicate's score is the mean over all questions of the resampled cases, and
the interval is the percentile interval of the replicates (Efron & Tibshirani 1993, ch. 13).
The generator is NumPy's PCG64 seeded with ``seed``; the same seed gives the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente._results import jsonable
from detente.errors import InputError

__all__ = [
    "EPSILON",
    "Interval",
    "base_rates",
    "bootstrap_means",
    "brier_scores",
    "log_scores",
    "reliability_bins",
    "status_quo",
]

#: Probabilities are clipped to [EPSILON, 1 - EPSILON] for the log score (every forecaster).
EPSILON = 0.01

FloatArray = npt.NDArray[np.float64]


def _pair(p: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    pp = np.asarray(p, dtype=np.float64)
    yy = np.asarray(y, dtype=np.float64)
    if pp.shape != yy.shape:
        raise InputError(f"{pp.size} probabilities for {yy.size} outcomes")
    if np.any(~np.isfinite(pp)) or np.any((pp < 0.0) | (pp > 1.0)):
        raise InputError("probabilities must lie in [0, 1]")
    if np.any((yy != 0.0) & (yy != 1.0)):
        raise InputError("outcomes must be 0 or 1 (false or true)")
    return pp, yy


def brier_scores(p: npt.ArrayLike, y: npt.ArrayLike) -> FloatArray:
    """``(p - y)^2`` per forecast."""
    pp, yy = _pair(p, y)
    return np.asarray((pp - yy) ** 2, dtype=np.float64)


def log_scores(p: npt.ArrayLike, y: npt.ArrayLike, *, epsilon: float = EPSILON) -> FloatArray:
    """``-ln`` of the probability given to what happened, ``p`` clipped to ``[eps, 1 - eps]``."""
    if not 0.0 < epsilon < 0.5:
        raise InputError(f"epsilon must lie in (0, 0.5); got {epsilon}")
    pp, yy = _pair(p, y)
    q = np.clip(pp, epsilon, 1.0 - epsilon)
    return np.asarray(-np.log(np.where(yy == 1.0, q, 1.0 - q)), dtype=np.float64)


def _case_codes(case: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], int]:
    labels = np.asarray(case)
    _, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    return codes, int(codes.max()) + 1 if codes.size else 0


def base_rates(y: npt.ArrayLike, case: npt.ArrayLike) -> FloatArray:
    """Leave-one-case-out base rate for every question: the share of ``true`` elsewhere."""
    yy = np.asarray(y, dtype=np.float64)
    codes, n_cases = _case_codes(case)
    if codes.size != yy.size:
        raise InputError(f"{codes.size} case labels for {yy.size} outcomes")
    hits = np.bincount(codes, weights=yy, minlength=n_cases)
    counts = np.bincount(codes, minlength=n_cases).astype(np.float64)
    other_hits = hits.sum() - hits[codes]
    other_counts = counts.sum() - counts[codes]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(other_counts > 0, other_hits / np.maximum(other_counts, 1.0), 0.5)
    return np.asarray(rate, dtype=np.float64)


def status_quo(n: int, *, epsilon: float = EPSILON) -> FloatArray:
    """The status-quo forecast of ``n`` questions: ``epsilon`` each (nothing changes)."""
    return np.full(int(n), float(epsilon))


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with its bootstrap interval."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": jsonable(self.value),
            "low": jsonable(self.low),
            "high": jsonable(self.high),
        }

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def bootstrap_means(
    scores: npt.ArrayLike,
    case: npt.ArrayLike,
    *,
    replicates: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> list[Interval]:
    """Mean score of each row of ``scores`` with a case-resampling percentile interval.

    Parameters
    ----------
    scores : array (F, Q) or (Q,)
        One row per forecaster (or a row of paired differences), one column per question.
    case : array (Q,)
        The case (conflict) of each question; cases are resampled, not questions.
    replicates, seed, level
        Bootstrap replicates, the generator's seed, the interval's coverage.

    Every row is resampled with the same cases, so differences between rows are paired.
    """
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    codes, n_cases = _case_codes(case)
    if codes.size != s.shape[1]:
        raise InputError(f"{codes.size} case labels for {s.shape[1]} scores")
    if n_cases == 0:
        raise InputError("no scores to summarise")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise InputError(f"bootstrap replicates must be a positive integer; got {replicates!r}")
    if not 0.0 < level < 1.0:
        raise InputError(f"interval level must lie in (0, 1); got {level}")
    counts = np.bincount(codes, minlength=n_cases).astype(np.float64)  # (C,)
    sums = np.stack([np.bincount(codes, weights=row, minlength=n_cases) for row in s])  # (F, C)
    rng = np.random.Generator(np.random.PCG64(seed))
    # Draw case indices in blocks so that memory stays bounded for large corpora.
    block = max(1, 2_000_000 // n_cases)
    reps = np.empty((s.shape[0], replicates))
    for start in range(0, replicates, block):
        size = min(block, replicates - start)
        idx = rng.integers(0, n_cases, size=(size, n_cases))
        # How often each case is drawn in each replicate: one bincount over offset indices.
        flat = (idx + (np.arange(size) * n_cases)[:, None]).ravel()
        freq = np.bincount(flat, minlength=size * n_cases).reshape(size, n_cases).astype(float)
        reps[:, start : start + size] = (sums @ freq.T) / (freq @ counts)[None, :]
    point = s.sum(axis=1) / counts.sum()
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(reps, [tail, 1.0 - tail], axis=1)
    return [
        Interval(float(v), float(lo), float(hi))
        for v, lo, hi in zip(point.tolist(), low.tolist(), high.tolist(), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """Forecasts whose probability fell in ``[low, high)`` and how often their events happened.

    ``frequency_low``/``frequency_high`` are the 95% Wilson interval of the observed frequency.
    """

    forecaster: str
    low: float
    high: float
    count: int
    mean_probability: float
    frequency: float
    frequency_low: float
    frequency_high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "forecaster": self.forecaster,
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_probability": jsonable(self.mean_probability),
            "frequency": jsonable(self.frequency),
            "frequency_low": jsonable(self.frequency_low),
            "frequency_high": jsonable(self.frequency_high),
        }


def reliability_bins(
    p: npt.ArrayLike, y: npt.ArrayLike, *, forecaster: str, bins: int = 5
) -> list[ReliabilityBin]:
    """Calibration: equal-width bins of the probability (the last one includes 1), non-empty only.

    A calibrated forecaster's points lie on the diagonal: of the events given about 30%, about
    30% happened (Murphy & Winkler 1977, *Applied Statistics* 26).
    """
    from detente.uncertainty.summary import wilson_interval

    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise InputError(f"bins must be a positive integer; got {bins!r}")
    pp, yy = _pair(p, y)
    which = np.minimum((pp * bins).astype(np.int64), bins - 1)
    counts = np.bincount(which, minlength=bins)
    psum = np.bincount(which, weights=pp, minlength=bins)
    hits = np.bincount(which, weights=yy, minlength=bins)
    low, high = wilson_interval(hits, counts)
    out = []
    for b in np.flatnonzero(counts).tolist():
        out.append(
            ReliabilityBin(
                forecaster=forecaster,
                low=b / bins,
                high=(b + 1) / bins,
                count=int(counts[b]),
                mean_probability=float(psum[b] / counts[b]),
                frequency=float(hits[b] / counts[b]),
                frequency_low=float(low[b]),
                frequency_high=float(high[b]),
            )
        )
    return out
