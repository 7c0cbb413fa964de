"""The expected-utility model on arrays: one issue (:func:`expected_utility`) or many draws.

See :mod:`detente.bargaining._eum` for the equations and the two variants, and docs/bargaining.md
for what each variant gives on the EC car-emissions case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente._results import jsonable
from detente.bargaining._baselines import FloatArray, check_issue_arrays
from detente.bargaining._eum import (
    CAPITULATION,
    COMPROMISE,
    CONFLICT,
    OFFER_NAMES,
    Variant,
    run_eum,
)
from detente.bargaining.cycles import Cycle, find_cycle
from detente.bargaining.settings import EUMSettings, UtilityRange, check_eum_size
from detente.errors import InputError

__all__ = [
    "EUMBatchResult",
    "EUMResult",
    "expected_utility",
    "expected_utility_batch",
]

_DEFAULT = EUMSettings()

_REGIONS = {
    "conflict-win": "both would challenge, {i} expects more: {i} wins the conflict",
    "conflict-loss": "both would challenge, {j} expects more: {i} loses the conflict",
    "compromise-gain": "{i} gains, {j} loses less than {i} gains: {j} compromises toward {i}",
    "compel-gain": "{i} gains, {j} loses more than {i} gains: {i} compels {j}",
    "compromise-loss": "{j} gains, {i} loses less than {j} gains: {i} compromises toward {j}",
    "capitulate-loss": "{j} gains, {i} loses more than {j} gains: {j} compels {i}",
    "stalemate": "neither expects to gain: stalemate",
    "none": "same position: nothing to contest",
}


def _region(a: float, b: float) -> str:
    """The region of the point (a, b) = (E_i(ij), E_j(ji)) in i's quadrant chart.

    Bueno de Mesquita (1994, p. 91) and Scholz et al. (2011, Figs 7-10); the "compel" regions
    are the capitulation offers of the ``as-printed`` variant.
    """
    if a == 0 and b == 0:
        return "none"
    if a > 0 and b > 0:
        return "conflict-win" if a >= b else "conflict-loss"
    if a > 0 >= b:
        return "compromise-gain" if abs(b) < a else "compel-gain"
    if b > 0 >= a:
        return "compromise-loss" if abs(a) < b else "capitulate-loss"
    return "stalemate"


def _resolve_range(
    utility_range: UtilityRange, spread: FloatArray, low: float, high: float
) -> FloatArray:
    if utility_range == "positions":
        return spread
    if utility_range == "scale":
        return np.full_like(spread, high - low)
    value = float(utility_range)  # checked > 0 by EUMSettings
    if np.any(spread > value * (1 + 1e-12)):
        raise InputError(
            f"utility_range {value:g} is smaller than the spread of the positions "
            f"({float(spread.max()):g}); utilities would leave [0, 1]",
            path="utility_range",
        )
    return np.full_like(spread, value)


@dataclass(frozen=True, eq=False)
class EUMResult:
    """One run of the expected-utility model on one issue.

    Attributes
    ----------
    names : tuple of str
        The actors, in input order.
    settings : EUMSettings
        The model's settings (``variant``, ``q``, ``rounds`` and ``risk`` are also attributes).
    low, high : float
        The issue's scale; ``utility_range`` is the :math:`R` used in every utility.
    positions : ndarray, shape (rounds + 1, n)
        Every actor's position at the start (row 0) and after each round.
    medians, means : ndarray, shape (rounds + 1,)
        The :math:`c s`-weighted median (the model's predicted outcome) and mean, per round.
    forecast : float
        The median after the last round (docs/models.md §3: the forecast after a fixed horizon);
        when the median cycles (``cycle``) it is one value of the cycle, not an answer.
    cycle : Cycle or None
        The median's cycle between rounds (:func:`find_cycle`), or None when it does not cycle.
    risk_exponents : ndarray, shape (rounds, n)
        The exponents :math:`r_i` used in each round's second pass (1 when ``risk=False``).
    eu_challenge, eu_response : ndarray, shape (rounds, 2, n, n)
        The quadrant data: ``eu_challenge[t, p, i, j]`` is :math:`E_i(ij)` and
        ``eu_response[t, p, i, j]`` is :math:`E_j(ji)`, both as actor ``i`` sees them, in round
        ``t + 1``, pass ``p`` (0: first pass with :math:`r = 1`; 1: with the risk exponents).
    probability : ndarray, shape (rounds, 2, n, n)
        :math:`P_{ij}` per round and pass.
    offer_kind, offer_partner : ndarray of int, shape (rounds, n)
        The offer each actor accepted (0 none, 1 lost conflict, 2 compromise, 3 capitulation)
        and who made it (-1 for none).
    """

    names: tuple[str, ...]
    settings: EUMSettings
    low: float
    high: float
    utility_range: float
    capability: FloatArray
    salience: FloatArray
    positions: FloatArray
    medians: FloatArray
    means: FloatArray
    risk_exponents: FloatArray
    eu_challenge: FloatArray
    eu_response: FloatArray
    probability: FloatArray
    offer_kind: npt.NDArray[np.int64]
    offer_partner: npt.NDArray[np.int64]
    forecast: float = field(init=False)
    cycle: Cycle | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "forecast", float(self.medians[-1]))
        tol = 1e-9 * max(self.utility_range, self.high - self.low)
        object.__setattr__(self, "cycle", find_cycle(self.positions, self.medians, tol=tol))

    @property
    def variant(self) -> Variant:
        return self.settings.variant

    @property
    def q(self) -> float:
        return self.settings.q

    @property
    def rounds(self) -> int:
        return self.settings.rounds

    @property
    def risk(self) -> bool:
        return self.settings.risk

    @property
    def final_mean(self) -> float:
        """The weighted mean after the last round."""
        return float(self.means[-1])

    @property
    def cycle_average(self) -> float:
        """The average of the round medians (rounds 1..R): a summary when the median cycles."""
        return float(self.medians[1:].mean()) if self.rounds else float(self.medians[0])

    def quadrant(
        self, actor: str | int, *, round: int = 1, risk_pass: bool = False
    ) -> pd.DataFrame:
        """The classic quadrant chart of one actor's view in one round.

        One row per other actor: ``eu_i`` :math:`= E_i(ij)` (x-axis), ``eu_j`` :math:`= E_j(ji)`
        (y-axis) and the region (conflict, compromise, compel, stalemate) in ``i``'s view.
        ``risk_pass=False`` gives the first pass (:math:`r = 1`), the one Bueno de Mesquita's and
        Scholz's charts show.
        """
        i = self._index(actor)
        if not 1 <= round <= self.rounds:
            raise InputError(
                f"no round {round}: the model ran {self.rounds} round(s), numbered from 1"
            )
        p = 1 if risk_pass else 0
        a = self.eu_challenge[round - 1, p, i]
        b = self.eu_response[round - 1, p, i]
        rows = [
            {
                "actor": self.names[j],
                "eu_i": float(a[j]),
                "eu_j": float(b[j]),
                "region": _region(float(a[j]), float(b[j])),
                "meaning": _REGIONS[_region(float(a[j]), float(b[j]))].format(
                    i=self.names[i], j=self.names[j]
                ),
            }
            for j in range(len(self.names))
            if j != i
        ]
        return pd.DataFrame(rows, columns=["actor", "eu_i", "eu_j", "region", "meaning"])

    def _index(self, actor: str | int) -> int:
        if isinstance(actor, int):
            if not 0 <= actor < len(self.names):
                raise InputError(f"no actor #{actor}")
            return actor
        if actor not in self.names:
            from detente.errors import did_you_mean

            raise InputError(f"no actor {actor!r}{did_you_mean(actor, self.names)}")
        return self.names.index(actor)

    def to_frame(self) -> pd.DataFrame:
        """One row per round (0 = start): median, mean and every actor's position."""
        frame = pd.DataFrame(self.positions, columns=list(self.names))
        frame.insert(0, "mean", self.means)
        frame.insert(0, "median", self.medians)
        frame.insert(0, "round", np.arange(self.rounds + 1))
        return frame

    def moves(self, round: int) -> list[str]:
        """Plain-language list of the moves made in round ``round`` (1-based)."""
        t = round - 1
        out = []
        for i, name in enumerate(self.names):
            kind = int(self.offer_kind[t, i])
            if kind == 0:
                continue
            j = int(self.offer_partner[t, i])
            before, after = self.positions[t, i], self.positions[t + 1, i]
            verb = {
                CONFLICT: "expects to lose a conflict with",
                COMPROMISE: "compromises with",
                CAPITULATION: "gives in to",
            }[kind]
            out.append(f"{name} {verb} {self.names[j]}: {before:.4g} -> {after:.4g}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: settings, per-round medians/means/positions, offers, the forecast."""
        n = len(self.names)
        return {
            "model": "expected_utility",
            **self.settings.to_dict(),
            "scale": [self.low, self.high],
            "utility_range": self.utility_range,
            "forecast": self.forecast,
            "cycle": None if self.cycle is None else self.cycle.to_dict(),
            "final_mean": self.final_mean,
            "cycle_average": self.cycle_average,
            "medians": jsonable(self.medians),
            "means": jsonable(self.means),
            # The classic charts: round 1, first pass; row i is actor i's view of each j.
            "quadrant": {
                "eu_challenge": jsonable(self.eu_challenge[0, 0]) if self.rounds else [],
                "eu_response": jsonable(self.eu_response[0, 0]) if self.rounds else [],
            },
            "actors": [
                {
                    "name": self.names[i],
                    "capability": float(self.capability[i]),
                    "salience": float(self.salience[i]),
                    "positions": jsonable(self.positions[:, i]),
                    "risk_exponents": jsonable(self.risk_exponents[:, i]),
                    "offers": [
                        {
                            "round": t + 1,
                            "kind": OFFER_NAMES[int(self.offer_kind[t, i])],
                            "from": self.names[int(self.offer_partner[t, i])]
                            if self.offer_partner[t, i] >= 0
                            else None,
                        }
                        for t in range(self.rounds)
                    ],
                }
                for i in range(n)
            ],
        }

    def explain(self) -> str:
        """Plain-language account of the run: the trajectory, the moves, the forecast."""
        lines = [
            f"Expected-utility model (Bueno de Mesquita, variant '{self.variant}', Q={self.q:g}, "
            f"{self.rounds} rounds, utility range R={self.utility_range:g}):",
            f"- At the start the weighted median is {self.medians[0]:.4g} and the weighted mean "
            f"{self.means[0]:.4g}.",
        ]
        for t in range(1, self.rounds + 1):
            moves = self.moves(t)
            what = "; ".join(moves) if moves else "nobody moves"
            lines.append(
                f"- Round {t}: median {self.medians[t]:.4g}, mean {self.means[t]:.4g} ({what})."
            )
        if self.cycle is not None:
            c = self.cycle
            forever = (
                "every actor's position repeats too, so it never settles"
                if c.exact
                else "over the last rounds run"
            )
            lines.append(
                f"- No single forecast: from round {c.start} the median {c.describe()}; "
                f"{forever}. The median after round {self.rounds} ({self.forecast:.4g}) is one "
                f"of its values; the average of the round medians is {self.cycle_average:.4g}."
            )
            return "\n".join(lines)
        lines.append(
            f"- Forecast (median after round {self.rounds}): {self.forecast:.4g}; "
            f"average of the round medians {self.cycle_average:.4g}."
        )
        moving = np.ptp(self.medians[1:]) if self.rounds > 1 else 0.0
        if moving > 1e-9 * max(1.0, self.utility_range):
            lines.append(
                f"- The median has not settled: it moved over a range of {moving:.4g} across the "
                "rounds, so the forecast depends on the horizon (a known property of the model, "
                "Scholz et al. 2011, Sec. 7)."
            )
        return "\n".join(lines)


def expected_utility(
    positions: npt.ArrayLike,
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    *,
    low: float,
    high: float,
    eum: EUMSettings = _DEFAULT,
    names: tuple[str, ...] | None = None,
) -> EUMResult:
    r"""Run Bueno de Mesquita's expected-utility model on one issue.

    Parameters
    ----------
    positions, capability, salience : array_like, shape (n,)
        Actor positions on the scale ``[low, high]``, capabilities ``> 0`` (any unit: only
        ratios matter) and saliences in ``[0, 1]``.
    low, high : float
        The issue's scale.
    eum : EUMSettings
        The model's variant, :math:`Q`, rounds, risk pass and utility range :math:`R` in
        :math:`d = |x_i - x_j| / R` (default ``EUMSettings()``: Scholz's code, Q = 1, 8 rounds,
        with the risk pass, R the spread of the opening positions).
    names : tuple of str, optional
        Actor names for the result (default ``"1"``, ``"2"``, ...).

    Returns
    -------
    EUMResult
        Per-round positions, medians and means, the quadrant data, offers and the forecast.
    """
    _check_settings(eum)
    x, c, s = check_issue_arrays(positions, capability, salience, low=low, high=high, names=names)
    labels = names if names is not None else tuple(str(i + 1) for i in range(x.size))
    if len(labels) != x.size:
        raise InputError(f"{len(labels)} names for {x.size} actors")
    check_eum_size([x.size], eum, record=True)
    spread = np.array([float(x.max() - x.min())])
    R = _resolve_range(eum.utility_range, spread, low, high)
    trace = run_eum(
        x[None],
        c[None],
        s[None],
        R,
        variant=eum.variant,
        q=eum.q,
        rounds=eum.rounds,
        risk=eum.risk,
        record=True,
    )
    assert trace.risk is not None
    assert trace.eu_ij is not None
    assert trace.eu_ji is not None
    assert trace.prob is not None
    assert trace.offer is not None
    assert trace.partner is not None
    return EUMResult(
        names=tuple(labels),
        settings=eum,
        low=float(low),
        high=float(high),
        utility_range=float(R[0]),
        capability=c,
        salience=s,
        positions=trace.positions[0],
        medians=trace.medians[0],
        means=trace.means[0],
        risk_exponents=trace.risk[0],
        eu_challenge=trace.eu_ij[0],
        eu_response=trace.eu_ji[0],
        probability=trace.prob[0],
        offer_kind=trace.offer[0],
        offer_partner=trace.partner[0],
    )


def _check_settings(eum: object) -> None:
    if not isinstance(eum, EUMSettings):
        raise InputError(f"eum must be an EUMSettings (got {type(eum).__name__})", path="eum")


@dataclass(frozen=True, eq=False)
class EUMBatchResult:
    """The expected-utility model run on ``d`` draws at once.

    Attributes
    ----------
    medians, means : ndarray, shape (d, rounds + 1)
        Weighted median and mean per draw; column 0 is the start, column ``t`` after round ``t``.
    forecast : ndarray, shape (d,)
        The median after the last round, per draw.
    final_positions : ndarray, shape (d, n)
        Every actor's position after the last round.
    utility_range : ndarray, shape (d,)
        The :math:`R` used in each draw.
    """

    settings: EUMSettings
    medians: FloatArray
    means: FloatArray
    final_positions: FloatArray
    utility_range: FloatArray

    @property
    def variant(self) -> Variant:
        return self.settings.variant

    @property
    def rounds(self) -> int:
        return self.settings.rounds

    @property
    def forecast(self) -> FloatArray:
        out: FloatArray = self.medians[:, -1]
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per draw: the forecast, the final mean and the median after every round."""
        frame = pd.DataFrame(self.medians, columns=[f"median_{t}" for t in range(self.rounds + 1)])
        frame.insert(0, "final_mean", self.means[:, -1])
        frame.insert(0, "forecast", self.forecast)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Settings and summary quantiles of the forecast over the draws (not every draw)."""
        f = self.forecast
        return {
            "model": "expected_utility_batch",
            **self.settings.to_dict(),
            "draws": int(f.size),
            "forecast": {
                "mean": float(f.mean()),
                "p10": float(np.quantile(f, 0.1)),
                "median": float(np.median(f)),
                "p90": float(np.quantile(f, 0.9)),
            },
        }

    def explain(self) -> str:
        """The spread of the forecast over the draws, in words."""
        f = self.forecast
        return (
            f"Over {f.size} draws the expected-utility forecast (variant '{self.variant}', "
            f"{self.rounds} rounds) has median {np.median(f):.4g}, 80% of draws between "
            f"{np.quantile(f, 0.1):.4g} and {np.quantile(f, 0.9):.4g}."
        )


def _as_batch(name: str, value: npt.ArrayLike, d: int, n: int) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape == (n,):
        arr = np.broadcast_to(arr, (d, n))
    if arr.shape != (d, n):
        raise InputError(f"{name} must have shape (draws, n) = ({d}, {n}) or (n,); got {arr.shape}")
    return np.ascontiguousarray(arr)


def expected_utility_batch(
    positions: npt.ArrayLike,
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    *,
    low: float,
    high: float,
    eum: EUMSettings = _DEFAULT,
) -> EUMBatchResult:
    """Run :func:`expected_utility` on many draws of one issue at once (Monte Carlo).

    ``positions`` has shape ``(d, n)``; ``capability`` and ``salience`` have shape ``(d, n)`` or
    ``(n,)`` (shared by all draws).  Every draw is computed with ``(d, n, n)`` array operations —
    no Python loop over draws — and gives exactly what :func:`expected_utility` gives on it.
    With ``utility_range="positions"`` each draw uses its own spread of opening positions.
    """
    _check_settings(eum)
    x = np.asarray(positions, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise InputError(f"positions must have shape (draws, n) with both > 0; got {x.shape}")
    d, n = x.shape
    c = _as_batch("capability", capability, d, n)
    s = _as_batch("salience", salience, d, n)
    if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        raise InputError(f"the scale must be [low, high] with low < high (got [{low}, {high}])")
    if not math.isfinite(high - low):
        raise InputError(f"the scale [{low:g}, {high:g}] is too wide: high - low overflows")
    for label, arr in (("positions", x), ("capability", c), ("salience", s)):
        if not np.isfinite(arr).all():
            raise InputError(f"{label} must be finite numbers", path=label)
    if ((x < low) | (x > high)).any():
        raise InputError(f"a position lies outside the scale [{low:g}, {high:g}]", path="position")
    if (c <= 0).any():
        raise InputError("every capability must be > 0", path="capability")
    if ((s < 0) | (s > 1)).any():
        raise InputError("every salience must lie in [0, 1]", path="salience")
    if not ((c * s).sum(axis=1) > 0).all():
        raise InputError("in some draw every actor has salience 0: there is nothing to weigh")
    check_eum_size([n], eum, draws=d)
    spread = x.max(axis=1) - x.min(axis=1)
    R = _resolve_range(eum.utility_range, spread, low, high)
    trace = run_eum(
        x, c, s, R, variant=eum.variant, q=eum.q, rounds=eum.rounds, risk=eum.risk, record=False
    )
    return EUMBatchResult(
        settings=eum,
        medians=trace.medians,
        means=trace.means,
        final_positions=trace.positions[:, -1],
        utility_range=trace.utility_range,
    )
