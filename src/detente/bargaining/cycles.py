"""Cycles of the expected-utility model: the weighted median repeating round after round.

The expected-utility model (:mod:`detente.bargaining.eum`) need not converge: its positions can
come back to an earlier round's, after which the rounds repeat for ever, or the median can
alternate over the last rounds run.  Such a forecast is a cycle, not one answer
(docs/bargaining.md, "Cycles").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.bargaining._baselines import FloatArray

__all__ = ["Cycle", "find_cycle"]


@dataclass(frozen=True)
class Cycle:
    """The weighted median repeating with a period of two or more rounds: no single forecast.

    Attributes
    ----------
    period : int
        The smallest number of rounds after which the median repeats (at least 2).
    values : tuple of float
        The medians over one period, from round ``start`` on, in the order they occur.
    start : int
        The first round of the repeating part.
    exact : bool
        Every actor's position repeats too, so the model cycles for ever; otherwise the median
        repeated over the last rounds run (at least twice) and the positions had not yet.
    """

    period: int
    values: tuple[float, ...]
    start: int
    exact: bool

    @property
    def distinct(self) -> tuple[float, ...]:
        """The values the median takes in the cycle, each once, in the order they occur."""
        out: list[float] = []
        for v in self.values:
            if not any(math.isclose(v, u, rel_tol=1e-12, abs_tol=1e-12) for u in out):
                out.append(v)
        return tuple(out)

    def describe(self, show: Callable[[float], str] | None = None) -> str:
        """``cycles between X and Y (period k)``; ``show`` writes a value (default ``.4g``)."""
        fmt = show if show is not None else (lambda v: f"{v:.4g}")
        shown = list(dict.fromkeys(fmt(v) for v in self.distinct))
        names = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        return f"cycles between {names} (period {self.period})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "values": [float(v) for v in self.values],
            "start": self.start,
            "exact": self.exact,
            "text": self.describe(),
        }


def _period(values: FloatArray, tol: float, *, cyclic: bool = False) -> int:
    """The smallest p >= 1 with values[t] == values[t + p] (within tol) for every t; with
    ``cyclic``, of the sequence repeating ``values`` for ever (p divides its length)."""
    n = len(values)
    for p in range(1, n + 1):
        if cyclic and n % p:
            continue
        pairs = (
            ((t, (t + p) % n) for t in range(n)) if cyclic else ((t, t + p) for t in range(n - p))
        )
        if all(abs(values[a] - values[b]) <= tol for a, b in pairs):
            return p
    return n


def find_cycle(positions: FloatArray, medians: FloatArray, *, tol: float = 1e-9) -> Cycle | None:
    """The cycle of the median over the rounds of one run, or None when it does not cycle.

    Parameters
    ----------
    positions : ndarray, shape (rounds + 1, n)
        Every actor's position at the start (row 0) and after each round.
    medians : ndarray, shape (rounds + 1,)
        The weighted median of each row.
    tol : float
        Medians within ``tol`` of each other are equal (absolute; use a small fraction of the
        utility range).

    Notes
    -----
    One round is a function of the positions alone (capabilities, saliences, Q and the utility
    range do not change), so when the positions of round t equal (bitwise) those of an earlier
    round s, rounds s, s + 1, ... repeat with period t - s for ever (``exact``); the median's
    own period divides it and is reported when it is at least 2 (positions can cycle around a
    median that stays put: that forecast has settled).  When no positions repeat within the
    rounds run, the median is said to cycle with period p >= 2 when, from some round s >= 1 to
    the last, it repeats with period p and that stretch holds at least two whole periods.
    """
    rounds = len(medians) - 1
    for t in range(1, rounds + 1):
        # bitwise equal, not within tol: a round is a deterministic function of the positions,
        # so only equal positions repeat for ever; near-equal ones can part (the map can stretch
        # a 1e-9 difference to 1e-5), and are left to the test of the medians below
        earlier = [s for s in range(t) if np.array_equal(positions[t], positions[s])]
        if not earlier:
            continue
        s = earlier[0]
        q = _period(medians[s:t], tol, cyclic=True)
        if q < 2:
            return None  # the positions cycle (or stay) around a median that stays put
        return Cycle(q, tuple(float(v) for v in medians[s : s + q]), s, True)
    for p in range(2, rounds // 2 + 1):
        s = rounds + 1 - 2 * p  # the latest start with two whole periods
        if s < 1:
            break
        q = _period(medians[s:], tol)
        if q == 1:
            return None  # settled over the last rounds
        if q != p:
            continue
        while s > 1 and abs(medians[s - 1] - medians[s - 1 + p]) <= tol:
            s -= 1
        return Cycle(p, tuple(float(v) for v in medians[s : s + p]), s, False)
    return None
