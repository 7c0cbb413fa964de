"""Input checks and the three baseline forecasts of one issue: weighted mean, median, Nash.

Every baseline weighs actor ``i`` by ``w_i = c_i s_i`` (capability times salience), the weighting
of Bueno de Mesquita (1994) and of the DEU literature (Thomson et al. 2006, *The European Union
Decides*, ch. 10), where these simple rules are the benchmarks bargaining models are measured
against (docs/models.md §3).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from detente.errors import InputError

__all__ = [
    "FloatArray",
    "check_issue_arrays",
    "nash_bargaining",
    "power_of_two_scale",
    "weighted_mean",
    "weighted_median",
    "weighted_median_batch",
]

FloatArray = npt.NDArray[np.float64]

# Relative tolerance under which two sums of weights count as equal: ties are resolved by a fixed
# rule (the lower position) rather than by floating-point noise, so that results do not depend on
# the order in which actors are listed.
_TIE = 1e-12


def check_issue_arrays(
    positions: npt.ArrayLike,
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    *,
    low: float,
    high: float,
    names: tuple[str, ...] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Check one issue's actor data and return it as float arrays of shape ``(n,)``.

    Raises
    ------
    InputError
        For mismatched or empty arrays, non-finite numbers, ``low >= high``, a position outside
        ``[low, high]``, a capability ``<= 0``, a salience outside ``[0, 1]``, or all weights 0.
        The message names the offending actor (by ``names[i]`` when given, else its index).
    """
    x = np.asarray(positions, dtype=np.float64)
    c = np.asarray(capability, dtype=np.float64)
    s = np.asarray(salience, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise InputError("positions must be a non-empty 1-D array (one number per actor)")
    if c.shape != x.shape or s.shape != x.shape:
        raise InputError(
            f"positions, capability and salience must have the same length "
            f"(got {x.size}, {c.size}, {s.size})"
        )
    if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        raise InputError(f"the scale must be [low, high] with low < high (got [{low}, {high}])")
    if not math.isfinite(high - low):
        raise InputError(
            f"the scale [{low:g}, {high:g}] is too wide to compute with: high - low overflows"
        )

    def who(i: int) -> str:
        return names[i] if names is not None and i < len(names) else f"actor #{i}"

    for label, arr in (("position", x), ("capability", c), ("salience", s)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            i = int(bad[0])
            raise InputError(f"{who(i)}: {label} must be a finite number")
    bad = np.flatnonzero((x < low) | (x > high))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{who(i)}: position {x[i]:g} lies outside the scale [{low:g}, {high:g}]")
    bad = np.flatnonzero(c <= 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{who(i)}: capability must be > 0 (got {c[i]:g}); drop the actor instead")
    bad = np.flatnonzero((s < 0) | (s > 1))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{who(i)}: salience must lie in [0, 1] (got {s[i]:g})")
    if not float(np.sum(power_of_two_scale(c) * s)) > 0:
        raise InputError("every actor has salience 0: there is nothing to weigh")
    return x, c, s


def power_of_two_scale(c: FloatArray) -> FloatArray:
    """``c`` divided by the power of two at or above its largest entry (per row, last axis).

    Only ratios of capabilities matter; dividing by a power of two is exact, so every result is
    bit-identical, while sums of weights such as ``1e308 + 1e308`` no longer overflow.
    """
    exponent = np.frexp(np.max(c, axis=-1, keepdims=True))[1]
    out: FloatArray = np.ldexp(c, -exponent)
    return out


def weighted_mean(positions: FloatArray, weights: FloatArray) -> float:
    r"""The weighted mean :math:`\bar x = \sum_i w_i x_i / \sum_i w_i`.

    With :math:`w_i = c_i s_i` this is the "compromise model" of the DEU literature, the benchmark
    no published expected-utility implementation beats on DEU data (Thomson et al. 2006, ch. 10;
    Arregui & Perarnaud 2021).
    """
    x = np.asarray(positions, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    if not total > 0:
        raise InputError("the weights sum to 0: there is nothing to weigh")
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.dot(w, x) / total)
    if not math.isfinite(value):  # a sum near the float range: the convex form cannot overflow
        value = float(np.dot(w / total, x))
    return value


def weighted_median_batch(positions: FloatArray, weights: FloatArray) -> FloatArray:
    r"""Weighted median along the last axis (the lower median on ties), vectorised.

    For positions sorted :math:`x_{(1)} \le \dots \le x_{(n)}` with weights :math:`w_{(k)}`, the
    median is the smallest :math:`x_{(k)}` whose cumulative weight reaches half the total.  In one
    dimension it minimises :math:`\sum_i w_i |x - x_i|` and is the Condorcet winner of the
    weighted, intensity-free pairwise vote (Black 1948).  When the cumulative weight hits exactly
    one half, every point between two positions is a median and the lower one is returned.
    """
    order = np.argsort(positions, axis=-1, kind="stable")
    xs = np.take_along_axis(positions, order, axis=-1)
    ws = np.take_along_axis(weights, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    half = 0.5 * cum[..., -1:]
    k = np.argmax(cum >= half * (1.0 - _TIE), axis=-1)
    out: FloatArray = np.take_along_axis(xs, k[..., None], axis=-1)[..., 0]
    return out


def weighted_median(positions: FloatArray, weights: FloatArray) -> float:
    """The weighted median of one issue (see :func:`weighted_median_batch`)."""
    x = np.asarray(positions, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if not float(w.sum()) > 0:
        raise InputError("the weights sum to 0: there is nothing to weigh")
    return float(weighted_median_batch(x, w))


def _nash_slope(x: float, positions: FloatArray, weights: FloatArray, r: float, side: int) -> float:
    # One-sided derivative of sum_i w_i log(R - |x - x_i|): +w/(R-|.|) left of x_i, -w/(...) right.
    # At a breakpoint, side=+1 takes the right derivative and side=-1 the left one.
    diff = x - positions
    sign = np.where(diff > 0, 1.0, np.where(diff < 0, -1.0, float(side)))
    with np.errstate(divide="ignore"):
        terms = -sign * weights / (r - np.abs(diff))
    return float(terms.sum())


def nash_bargaining(positions: FloatArray, weights: FloatArray, *, utility_range: float) -> float:
    r"""The weighted Nash bargaining solution of a one-dimensional issue.

    .. math:: x^N = \arg\max_x \sum_i w_i \log\bigl(1 - |x - x_i| / R\bigr)

    with linear utilities :math:`1 - |x - x_i|/R` and disagreement utility 0 (Nash 1950; the
    asymmetric form of Kalai 1977 with bargaining powers :math:`w_i`).  The objective is concave
    and smooth between consecutive positions, so the maximiser is found exactly: the breakpoint
    where the one-sided slopes change sign, or the root of the slope inside the interval that
    brackets it (Brent's method, ``xtol`` 1e-12) — no grid.  The maximiser lies within the hull of
    the positions; actors with weight 0 do not count.
    """
    x = np.asarray(positions, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    keep = w > 0
    if not keep.any():
        raise InputError("the weights sum to 0: there is nothing to weigh")
    x, w = x[keep], w[keep]
    r = float(utility_range)
    pts = np.unique(x)
    if pts.size == 1:
        return float(pts[0])
    if not r >= float(pts[-1] - pts[0]):
        raise InputError(
            f"the utility range {r:g} is smaller than the spread of the positions "
            f"{float(pts[-1] - pts[0]):g}"
        )
    # One-sided slopes at every breakpoint at once: (points, actors) arrays.
    diff = pts[:, None] - x[None, :]
    with np.errstate(divide="ignore"):
        term = w / (r - np.abs(diff))
    below = np.where(diff > 0, term, 0.0).sum(axis=1)  # actors left of the point pull it back
    above = np.where(diff < 0, term, 0.0).sum(axis=1)
    at = np.where(diff == 0, term, 0.0).sum(axis=1)
    right = above - below - at
    left = above - below + at
    # A kink is optimal when the left slope is >= 0 and the right slope <= 0.
    kink = np.flatnonzero((left >= 0) & (right <= 0))
    if kink.size:
        return float(pts[kink[0]])
    k = int(np.flatnonzero(right > 0)[-1])
    a, b = float(pts[k]), float(pts[k + 1])
    # Nudge off the breakpoints: at a hull end that is R away from another actor the slope is inf.
    eps = 1e-15 * max(1.0, abs(a), abs(b))
    root = brentq(lambda t: _nash_slope(t, x, w, r, +1), a + eps, b - eps, xtol=1e-12, rtol=1e-14)
    return float(root)
