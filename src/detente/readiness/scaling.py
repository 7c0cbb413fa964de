"""Normalised units: what the solvers of the readiness engine see (issue 17, numbers at scale).

A scenario may put an issue on ``[0, 1e20]`` or ``[-1e308, 1e308]``, and a red line may carry
coefficients of 1e200.  HiGHS treats bounds of 1e20 and more as infinite and works to absolute
tolerances of about 1e-7, so such numbers must never reach it.  Every scale issue is therefore
mapped to ``xi = (x - low) / (high - low)`` in [0, 1] (option issues keep their ranks) before any
solver or vectorised kernel sees it, computed as ``(x/2 - low/2) / (high/2 - low/2)`` so that
neither the range nor a distance overflows (halving is exact in binary floating point, so for
ordinary scales the result is bit-for-bit the plain formula).

Red lines are rewritten atom by atom in exact rational arithmetic (:class:`fractions.Fraction`):
``sum_k c_k x_k  sense  b`` becomes ``sum_k (c_k R_k / s) xi_k  sense  (b - sum_k c_k low_k) / s``
with ``s = max_k |c_k R_k|``, so every coefficient lies in [-1, 1].  A right-hand side far outside
the range the left-hand side takes over the box is clamped to one unit beyond it, which keeps the
atom's truth value at every point of the box and keeps the number small.  A strict inequality
with integer coefficients on option issues only (ranks are integers) becomes the equivalent
``sum_k c_k r_k <= ceil(b) - 1`` before scaling, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.scenario.expr import All, Formula, LinAtom, Sense, map_atoms

if TYPE_CHECKING:
    from detente.readiness.problem import Problem

__all__ = ["Scaled", "Threshold", "from_scaled", "scale_problem", "to_scaled"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


def to_scaled(x: FloatArray, low: FloatArray, high: FloatArray, is_option: BoolArray) -> FloatArray:
    """Issue units (..., K) -> normalised units; NaN stays NaN."""
    half = high / 2 - low / 2
    scaled = (x / 2 - low / 2) / np.where(is_option, 1.0, half)
    return np.asarray(np.where(is_option, x, scaled), dtype=float)


def from_scaled(
    xi: FloatArray, low: FloatArray, high: FloatArray, is_option: BoolArray
) -> FloatArray:
    """Normalised units (..., K) -> issue units (the inverse of :func:`to_scaled`)."""
    half = high / 2 - low / 2
    x = 2.0 * (low / 2 + np.clip(xi, 0.0, 1.0) * half)
    return np.asarray(np.where(is_option, xi, np.clip(x, low, high)), dtype=float)


@dataclass(frozen=True)
class Threshold:
    """How a red line's named threshold (issue units) sets a scaled atom's right-hand side.

    The atom ``a.x + c theta  sense  b`` has right-hand side ``b0 + unit theta`` in issue units
    (``b0 = b``, ``unit = -c``); scaled, ``rhs = clip(theta * slope - offset, lo, hi)``; for a
    strict atom on option ranks with integer coefficients (``integral``)
    ``rhs = clip((ceil(b0 + theta * unit) - 1) / scale - offset, lo, hi)``.
    """

    path: str
    slope: float
    offset: float
    lo: float
    hi: float
    integral: bool = False
    unit: float = 1.0
    scale: float = 1.0
    base: float = 0.0

    def rhs(self, theta: npt.ArrayLike) -> FloatArray:
        th = np.asarray(theta, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.integral:
                b = self.base + th * self.unit
                value = (np.ceil(b - 1e-9) - 1.0) / self.scale - self.offset
            else:
                value = th * self.slope - self.offset
        return np.asarray(np.clip(np.nan_to_num(value, nan=self.hi), self.lo, self.hi))


@dataclass(frozen=True, eq=False)
class Scaled:
    """A :class:`~detente.readiness.problem.Problem` in normalised units.

    ``red_lines[j]`` is red line j's formula over the normalised issues; ``thresholds`` maps the
    ``id`` of each of its atoms to the threshold that sets the atom's right-hand side (the atom
    objects live as long as this view, so the identities are stable).
    """

    upper: FloatArray  # (K,): 1 for a scale issue, n_k - 1 for an option issue
    position: FloatArray  # (A, K); NaN where no position
    status_quo: FloatArray  # (K,)
    no_deal_outcome: FloatArray  # (A, K): e_i, unnamed issues at the status quo
    red_lines: tuple[Formula, ...]
    thresholds: Mapping[int, Threshold]

    def formula(self, indices: list[int] | range | None = None) -> Formula:
        """The conjunction of the chosen red lines (all by default), normalised."""
        chosen = range(len(self.red_lines)) if indices is None else indices
        return All(tuple(self.red_lines[i] for i in chosen))


def scale_problem(problem: Problem) -> Scaled:
    """The normalised view of ``problem`` (see the module docstring)."""
    from detente.readiness.problem import THETA

    isopt = problem.is_option
    upper = np.where(isopt, np.maximum(problem.n_options - 1, 0).astype(float), 1.0)
    low, high = problem.low, problem.high
    position = to_scaled(problem.position, low, high, isopt)
    status_quo = to_scaled(problem.status_quo, low, high, isopt)
    e = np.where(np.isnan(problem.nd_outcome), problem.status_quo[None, :], problem.nd_outcome)
    bounds = {
        issue: (Fraction(float(low[k])), Fraction(float(high[k])), bool(isopt[k]), float(upper[k]))
        for k, issue in enumerate(problem.issues)
    }
    formulas: list[Formula] = []
    thresholds: dict[int, Threshold] = {}
    for rl in problem.red_lines:
        if rl.template is None or rl.threshold is None:
            formulas.append(map_atoms(rl.formula, lambda a: _scale_atom(a, bounds, None)[0]))
            continue
        path, theta = rl.threshold_path or "", rl.threshold

        def scale(template: LinAtom, path: str = path, theta: float = theta) -> Formula:
            c = template.coef.get(THETA, 0.0)
            coef = {k: v for k, v in template.coef.items() if k != THETA}
            atom = LinAtom(coef, template.sense, template.rhs - c * theta)
            if c == 0.0:
                return _scale_atom(atom, bounds, None)[0]
            scaled, threshold = _scale_atom(atom, bounds, (path, -c, template.rhs))
            assert threshold is not None
            thresholds[id(scaled)] = threshold
            return scaled

        formulas.append(map_atoms(rl.template, scale))
    return Scaled(
        upper=upper,
        position=position,
        status_quo=status_quo,
        no_deal_outcome=to_scaled(e, low, high, isopt),
        red_lines=tuple(formulas),
        thresholds=thresholds,
    )


_BIG = Fraction(2) ** 1000  # far beyond any normalised quantity, still a finite float


def _float(value: Fraction) -> float:
    return float(max(-_BIG, min(_BIG, value)))


def _scale_atom(
    atom: LinAtom,
    bounds: Mapping[str, tuple[Fraction, Fraction, bool, float]],
    moved: tuple[str, float, float] | None,
) -> tuple[LinAtom, Threshold | None]:
    """The atom over normalised issues (coefficients in [-1, 1]) and, when a named threshold
    moves it (``moved = (path, unit, b0)``: right-hand side ``b0 + unit theta``), its map."""
    coef = {name: Fraction(c) for name, c in atom.coef.items()}
    options_only = all(bounds[name][2] for name in coef)
    integral = atom.sense == "<" and options_only and all(c.denominator == 1 for c in coef.values())
    b = Fraction(atom.rhs)
    sense: Sense = atom.sense
    if integral:
        b, sense = Fraction(math.ceil(b) - 1), "<="
    scaled: dict[str, Fraction] = {}
    offset = Fraction(0)
    for name, c in coef.items():
        lo, hi, is_option, _ = bounds[name]
        if is_option:
            scaled[name] = c
        else:
            scaled[name] = c * (hi - lo)
            offset += c * lo
    s = max(abs(v) for v in scaled.values())
    a = {name: v / s for name, v in scaled.items()}
    rhs = (b - offset) / s
    # the range of the left-hand side over the box, to clamp a right-hand side far outside it
    box_lo = sum((min(Fraction(0), v * Fraction(bounds[n][3])) for n, v in a.items()), Fraction(0))
    box_hi = sum((max(Fraction(0), v * Fraction(bounds[n][3])) for n, v in a.items()), Fraction(0))
    lo_clamp, hi_clamp = box_lo - 1, box_hi + 1
    rhs = min(max(rhs, lo_clamp), hi_clamp)
    coefficients = {name: float(v) for name, v in a.items() if float(v) != 0.0}
    if moved is None:
        return LinAtom(coefficients, sense, float(rhs)), None
    path, unit, b0 = moved
    # rhs(theta) = (b0 + unit theta - offset) / s; integral: (ceil(b0 + unit theta) - 1) / s
    shift = Fraction(0) if integral else Fraction(b0)
    threshold = Threshold(
        path=path,
        slope=_float(Fraction(unit) / s),
        offset=_float((offset - shift) / s),
        lo=float(lo_clamp),
        hi=float(hi_clamp),
        integral=integral,
        unit=unit,
        scale=_float(s),
        base=b0,
    )
    return LinAtom(coefficients, sense, float(rhs)), threshold
