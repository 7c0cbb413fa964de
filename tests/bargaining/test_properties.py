"""Property tests: the vectorised engine against loop references, and its invariances."""

from __future__ import annotations

import math

import numpy as np
import pytest
from forecast_reference import ref_eum, ref_nash_objective, ref_weighted_median
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import (
    EUMSettings,
    expected_utility,
    expected_utility_batch,
    nash_bargaining,
    weighted_mean,
    weighted_median,
)
from detente.bargaining._eum import VARIANTS, _pair_spread


def _case(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random actors on [0, 10]; some share a position (as in real data), some salience 0."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    shared = rng.random(n) < 0.3
    x[shared] = rng.choice(x, shared.sum())
    c = rng.uniform(0.05, 1.0, n)
    s = rng.uniform(0, 1, n)
    s[rng.random(n) < 0.1] = 0.0
    s[0] = max(s[0], 0.1)
    return x, c, s


seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(1, 7)


@given(seed=seeds, n=sizes)
def test_weighted_median_matches_brute_force(seed: int, n: int) -> None:
    x, c, s = _case(seed, n)
    w = c * s
    assert weighted_median(x, w) == ref_weighted_median(list(x), list(w))


@given(seed=seeds, n=sizes)
def test_nash_is_the_maximiser(seed: int, n: int) -> None:
    x, c, s = _case(seed, n)
    w = c * s
    r = 10.0
    best = nash_bargaining(x, w, utility_range=r)
    f_best = ref_nash_objective(best, list(x), list(w), r)
    assert math.isfinite(f_best)
    # No point of a fine grid over the scale, nor any position, does better.
    grid = np.concatenate([np.linspace(0, 10, 2001), x])
    keep = w > 0
    with np.errstate(divide="ignore"):
        f = (w[keep] * np.log(1 - np.abs(grid[:, None] - x[keep]) / r)).sum(axis=1)
    assert f.max() <= f_best + 1e-9
    # First-order check: moving either way by a little never helps.
    for h in (1e-6, -1e-6):
        assert ref_nash_objective(best + h, list(x), list(w), r) <= f_best + 1e-12


@settings(max_examples=40)
@given(
    seed=seeds,
    n=st.integers(2, 6),
    variant=st.sampled_from(VARIANTS),
    q=st.sampled_from([1.0, 0.5, 0.0]),
    risk=st.booleans(),
)
def test_vectorised_eum_matches_the_loop_reference(
    seed: int, n: int, variant: str, q: float, risk: bool
) -> None:
    x, c, s = _case(seed, n)
    res = expected_utility(
        x, c, s, low=0, high=10, eum=EUMSettings(variant=variant, q=q, rounds=3, risk=risk)
    )
    R = float(x.max() - x.min()) or 1.0
    medians, means, history = ref_eum(
        list(x), list(c), list(s), R=R, variant=variant, q=q, rounds=3, risk=risk
    )
    np.testing.assert_allclose(res.positions, history, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res.medians, medians, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res.means, means, rtol=1e-9, atol=1e-9)


@settings(max_examples=25)
@given(seed=seeds, d=st.integers(1, 5), n=st.integers(2, 6), variant=st.sampled_from(VARIANTS))
def test_batch_equals_one_run_per_draw(seed: int, d: int, n: int, variant: str) -> None:
    cases = [_case(seed + k, n) for k in range(d)]
    x = np.stack([cs[0] for cs in cases])
    c = np.stack([cs[1] for cs in cases])
    s = np.stack([cs[2] for cs in cases])
    batch = expected_utility_batch(
        x, c, s, low=0, high=10, eum=EUMSettings(variant=variant, rounds=4)
    )
    for k in range(d):
        one = expected_utility(
            x[k], c[k], s[k], low=0, high=10, eum=EUMSettings(variant=variant, rounds=4)
        )
        np.testing.assert_allclose(batch.medians[k], one.medians, rtol=1e-12)
        np.testing.assert_allclose(batch.means[k], one.means, rtol=1e-12)
        np.testing.assert_allclose(batch.final_positions[k], one.positions[-1], rtol=1e-12)


@given(
    point=st.floats(0, 10),
    n=sizes,
    seed=seeds,
    variant=st.sampled_from(VARIANTS),
)
def test_everyone_at_one_position_forecasts_it(
    point: float, n: int, seed: int, variant: str
) -> None:
    _, c, s = _case(seed, n)
    x = np.full(n, point)
    w = c * s
    assert weighted_mean(x, w) == pytest.approx(point)
    assert weighted_median(x, w) == point
    assert nash_bargaining(x, w, utility_range=10) == point
    res = expected_utility(x, c, s, low=0, high=10, eum=EUMSettings(variant=variant, rounds=3))
    assert res.forecast == point
    np.testing.assert_array_equal(res.positions, point)


def _all_methods(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, low: float, high: float, variant: str
) -> np.ndarray:
    w = c * s
    eum = expected_utility(x, c, s, low=low, high=high, eum=EUMSettings(variant=variant, rounds=4))
    return np.array(
        [
            weighted_mean(x, w),
            weighted_median(x, w),
            nash_bargaining(x, w, utility_range=high - low),
            eum.forecast,
            eum.means[-1],
        ]
    )


@settings(max_examples=50)
@given(seed=seeds, n=st.integers(2, 7), variant=st.sampled_from(VARIANTS))
def test_invariant_under_reordering_actors(seed: int, n: int, variant: str) -> None:
    x, c, s = _case(seed, n)
    perm = np.random.default_rng(seed + 1).permutation(n)
    a = _all_methods(x, c, s, 0, 10, variant)
    b = _all_methods(x[perm], c[perm], s[perm], 0, 10, variant)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
    res_a = expected_utility(x, c, s, low=0, high=10, eum=EUMSettings(variant=variant, rounds=4))
    res_b = expected_utility(
        x[perm], c[perm], s[perm], low=0, high=10, eum=EUMSettings(variant=variant, rounds=4)
    )
    np.testing.assert_allclose(res_a.positions[:, perm], res_b.positions, rtol=1e-9, atol=1e-9)


@settings(max_examples=50)
@given(
    seed=seeds,
    n=st.integers(2, 7),
    variant=st.sampled_from(VARIANTS),
    scale=st.floats(0.01, 100),
    shift=st.floats(-1000, 1000),
    cap_scale=st.floats(0.01, 100),
)
def test_invariant_under_affine_rescaling(
    seed: int, n: int, variant: str, scale: float, shift: float, cap_scale: float
) -> None:
    x, c, s = _case(seed, n)
    a = _all_methods(x, c, s, 0, 10, variant)
    b = _all_methods(scale * x + shift, cap_scale * c, s, shift, 10 * scale + shift, variant)
    np.testing.assert_allclose(scale * a + shift, b, rtol=1e-7, atol=1e-7 * (abs(shift) + scale))


@given(seed=seeds, n=st.integers(2, 7))
def test_as_printed_probabilities_sum_to_one(seed: int, n: int) -> None:
    x, c, s = _case(seed, n)
    res = expected_utility(x, c, s, low=0, high=10, eum=EUMSettings(variant="as-printed", rounds=1))
    distinct = x[:, None] != x[None, :]
    for p in (res.probability[0, 0], res.probability[0, 1]):
        np.testing.assert_allclose((p + p.T)[distinct], 1.0, rtol=1e-12)
        assert ((p >= 0) & (p <= 1)).all()


@given(seed=seeds, n=st.integers(2, 7))
def test_scholz_code_probabilities_use_the_global_denominator(seed: int, n: int) -> None:
    # In the scholz-code variant P_ij is pair (i, j)'s supporting votes over all votes of all
    # ordered pairs: P_ij + P_ji <= 1, and as every vote for a over b is one against b over a,
    # the P_ij of all ordered pairs add up to exactly one half.
    x, c, s = _case(seed, n)
    res = expected_utility(
        x, c, s, low=0, high=10, eum=EUMSettings(variant="scholz-code", rounds=1)
    )
    p = res.probability[0, 0]
    assert ((p >= 0) & (p + p.T <= 1 + 1e-12)).all()
    if np.ptp(x) > 0:
        assert p.sum() == pytest.approx(0.5, rel=1e-9)


@settings(max_examples=30)
@given(seed=seeds, d=st.integers(1, 4), n=st.integers(1, 40), shift=st.floats(-1e3, 1e3))
def test_vote_totals_equal_the_naive_sum(seed: int, d: int, n: int, shift: float) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 10, (d, n)), rng.integers(0, 3)) + shift  # many shared values
    w = rng.uniform(0, 1, (d, n))
    U = np.abs(x[:, :, None] - x[:, None, :]) ** rng.uniform(0.5, 2, (d, n, 1))
    naive = (w[:, :, None, None] * np.abs(U[:, :, None, :] - U[:, :, :, None])).sum(axis=1)
    np.testing.assert_allclose(_pair_spread(w, U), naive, rtol=1e-12, atol=1e-12)


@settings(max_examples=5)
@given(seed=seeds)
def test_large_as_printed_matches_the_loop_reference(seed: int) -> None:
    # A larger issue than the other reference tests; the reference loops over voters.
    x, c, s = _case(seed, 30)
    res = expected_utility(x, c, s, low=0, high=10, eum=EUMSettings(variant="as-printed", rounds=2))
    medians, _, history = ref_eum(
        list(x),
        list(c),
        list(s),
        R=float(np.ptp(x)),
        variant="as-printed",
        q=1.0,
        rounds=2,
        risk=True,
    )
    np.testing.assert_allclose(res.positions, history, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res.medians, medians, rtol=1e-9, atol=1e-9)


@settings(max_examples=60)
@given(
    seed=seeds,
    n=st.integers(2, 12),
    variant=st.sampled_from(VARIANTS),
    scale=st.sampled_from([0.03, 0.1, 3.0, 7.0]),
    shift=st.sampled_from([-13.0, 0.0, 7.0, 1000.0]),
)
def test_invariances_on_tie_rich_data(
    seed: int, n: int, variant: str, scale: float, shift: float
) -> None:
    # Positions on round numbers and saliences in tenths, as in expert-survey data (DEU): exact
    # ties in the mathematics must not be decided by rounding noise.
    rng = np.random.default_rng(seed)
    x = rng.choice([0.0, 25.0, 50.0, 60.0, 75.0, 100.0], n)
    c = rng.choice([0.5, 1.0, 2.0], n)
    s = rng.choice(np.arange(0, 11) / 10, n)
    s[0] = max(s[0], 0.1)
    base = expected_utility(x, c, s, low=0, high=100, eum=EUMSettings(variant=variant, rounds=6))
    perm = rng.permutation(n)
    shuffled = expected_utility(
        x[perm],
        c[perm],
        s[perm],
        low=0,
        high=100,
        eum=EUMSettings(variant=variant, rounds=6),
    )
    np.testing.assert_allclose(base.medians, shuffled.medians, atol=1e-9)
    np.testing.assert_allclose(base.positions[:, perm], shuffled.positions, atol=1e-9)
    moved = expected_utility(
        scale * x + shift,
        c,
        s,
        low=shift,
        high=100 * scale + shift,
        eum=EUMSettings(variant=variant, rounds=6),
    )
    tol = 1e-9 * (abs(shift) + 100 * scale)
    np.testing.assert_allclose(scale * base.medians + shift, moved.medians, atol=tol)
    np.testing.assert_allclose(scale * base.means + shift, moved.means, atol=tol)
