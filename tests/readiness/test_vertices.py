"""The fast path's kernel against a linear program (HiGHS) on small random inputs.

Reference: min over lambda in the simplex of sum_k max_b L_kb(lambda) + lambda . q_c, written
as the LP  min sum_k h_k + lambda . q_c  s.t.  h_k >= sum_i lambda_i vals[i, k, b] for every b,
sum_i lambda_i = 1, lambda >= 0  -- an epigraph formulation, not the kernel's vertex enumeration.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from detente.readiness.vertices import two_actor_minimum, vertex_minimum


def _lp_minimum(vals: np.ndarray, q: np.ndarray) -> float:
    """vals (A, Ks, B), q (A,): the minimum by linear programming."""
    A, Ks, B = vals.shape
    cost = np.concatenate([q, np.ones(Ks)])  # variables: lambda (A), h (Ks)
    rows, rhs = [], []
    for k in range(Ks):
        for b in range(B):
            row = np.zeros(A + Ks)
            row[:A] = vals[:, k, b]
            row[A + k] = -1.0  # sum_i lambda_i vals[i, k, b] - h_k <= 0
            rows.append(row)
            rhs.append(0.0)
    eq = np.concatenate([np.ones(A), np.zeros(Ks)])[None, :]
    bounds = [(0.0, None)] * A + [(None, None)] * Ks
    res = linprog(cost, A_ub=np.array(rows), b_ub=rhs, A_eq=eq, b_eq=[1.0], bounds=bounds)
    assert res.status == 0
    return float(res.fun)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    actors=st.integers(2, 4),
    ks=st.integers(1, 2),
    combos=st.integers(1, 3),
)
def test_vertex_minimum_is_the_lp_minimum(seed: int, actors: int, ks: int, combos: int) -> None:
    rng = np.random.default_rng(seed)
    D = 3
    vals = rng.uniform(-1, 1, size=(D, actors, ks, actors))  # breakpoints: one per actor
    q = rng.uniform(-1, 1, size=(D, actors, combos))
    got = vertex_minimum(vals, q, ks)
    assert got.shape == (D, combos)
    for d in range(D):
        for c in range(combos):
            assert got[d, c] == pytest.approx(_lp_minimum(vals[d], q[d, :, c]), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), ks=st.integers(1, 3), combos=st.integers(1, 3))
def test_two_actor_minimum_is_the_best_allowed_lp_minimum(seed: int, ks: int, combos: int) -> None:
    rng = np.random.default_rng(seed)
    D = 3
    vals = rng.uniform(-1, 1, size=(D, 2, ks, 2))
    q = rng.uniform(-1, 1, size=(D, 2, combos))
    allowed = rng.random((D, combos)) < 0.7
    allowed[:, 0] = True
    got = two_actor_minimum(vals, q, allowed)
    for d in range(D):
        best = max(_lp_minimum(vals[d], q[d, :, c]) for c in range(combos) if allowed[d, c])
        assert got[d] == pytest.approx(best, abs=1e-9)
