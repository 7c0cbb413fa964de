"""Building small readiness problems by hand (no scenario file needed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detente.readiness.problem import Problem, RedLine


def make_problem(
    *,
    low: Sequence[float],
    high: Sequence[float],
    position: Sequence[Sequence[float]],
    salience: Sequence[Sequence[float]],
    nd_outcome: Sequence[Sequence[float]] | None = None,
    cost: Sequence[float] | None = None,
    options: Sequence[int] | None = None,
    status_quo: Sequence[float] | None = None,
    red_lines: Sequence[RedLine] = (),
) -> Problem:
    K = len(low)
    A = len(position)
    opts = tuple(tuple(f"o{j}" for j in range(n)) if n else () for n in (options or [0] * K))
    J = max([1, *(len(o) for o in opts)])
    lo = np.array([0.0 if opts[k] else low[k] for k in range(K)], dtype=float)
    hi = np.array([len(opts[k]) - 1.0 if opts[k] else high[k] for k in range(K)], dtype=float)
    pos = np.array(position, dtype=float)
    sal = np.array(salience, dtype=float)
    return Problem(
        issues=tuple(f"i{k}" for k in range(K)),
        issue_labels=tuple(f"issue {k}" for k in range(K)),
        units=(None,) * K,
        options=opts,
        low=lo,
        high=hi,
        status_quo=np.array(status_quo if status_quo is not None else lo, dtype=float),
        actors=tuple(f"A{a}" for a in range(A)),
        actor_names=tuple(f"Actor {a}" for a in range(A)),
        capability=np.ones(A),
        salience=np.where(np.isnan(pos), 0.0, sal),
        has_position=~np.isnan(pos),
        position=pos,
        values=np.full((A, K, J), np.nan),
        has_no_deal=np.ones(A, dtype=bool) if nd_outcome is not None else np.zeros(A, dtype=bool),
        nd_outcome=np.array(nd_outcome, dtype=float)
        if nd_outcome is not None
        else np.full((A, K), np.nan),
        cost=np.array(cost if cost is not None else np.zeros(A), dtype=float),
        red_lines=tuple(red_lines),
    )


def fearon(p_a: float, p_b: float, c_a: float, c_b: float) -> Problem:
    """Fearon's bargaining model: one issue x in [0, 1], A at 1, B at 0, salience 1."""
    return make_problem(
        low=[0.0],
        high=[1.0],
        position=[[1.0], [0.0]],
        salience=[[1.0], [1.0]],
        nd_outcome=[[p_a], [p_b]],
        cost=[c_a, c_b],
    )
