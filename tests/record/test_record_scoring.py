"""Scoring rules, baselines, bootstrap and calibration bins, against plain-loop references.

The synthetic corpus at the end draws outcomes from known probabilities: the forecaster who
reports them must score best, and at the expected values.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import InputError
from detente.record.scoring import (
    EPSILON,
    base_rates,
    bootstrap_means,
    brier_scores,
    log_scores,
    reliability_bins,
    status_quo,
)

probs = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
outcomes = st.booleans()
pairs = st.lists(st.tuples(probs, outcomes), min_size=1, max_size=40)


def test_perfect_forecaster_scores_zero() -> None:
    y = np.array([1, 0, 1, 1, 0], dtype=float)
    assert brier_scores(y, y).mean() == 0.0
    # the log score clips certainty to 1 - epsilon: -ln(0.99) per question
    assert log_scores(y, y) == pytest.approx(np.full(5, -math.log(1 - EPSILON)))


def test_always_half_scores_a_quarter_and_ln2() -> None:
    y = np.array([1, 0, 0, 1, 1, 1, 0], dtype=float)
    half = np.full(y.size, 0.5)
    assert brier_scores(half, y).mean() == 0.25
    assert log_scores(half, y).mean() == pytest.approx(math.log(2))


def test_confident_miss() -> None:
    assert brier_scores([1.0], [0.0])[0] == 1.0
    assert log_scores([1.0], [0.0])[0] == pytest.approx(-math.log(EPSILON))
    assert log_scores([0.0], [0.0], epsilon=0.001)[0] == pytest.approx(-math.log(0.999))


@given(pairs)
def test_brier_and_log_match_the_definitions(items: list[tuple[float, bool]]) -> None:
    p = [a for a, _ in items]
    y = [float(b) for _, b in items]
    brier = brier_scores(p, y)
    logs = log_scores(p, y)
    for i, (pi, yi) in enumerate(zip(p, y, strict=True)):
        assert brier[i] == pytest.approx((pi - yi) ** 2, abs=1e-15)
        q = min(max(pi, EPSILON), 1 - EPSILON)
        assert logs[i] == pytest.approx(-math.log(q if yi == 1.0 else 1.0 - q))
        assert 0.0 <= brier[i] <= 1.0
        assert -math.log(1 - EPSILON) - 1e-12 <= logs[i] <= -math.log(EPSILON) + 1e-12


@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_both_scores_are_proper(q: float, p: float) -> None:
    """Expected score under a true probability q is lowest when reporting q (brute force)."""

    def expected(score: object, report: float) -> float:
        s_yes = score([report], [1.0])[0]  # type: ignore[operator]
        s_no = score([report], [0.0])[0]  # type: ignore[operator]
        return float(q * s_yes + (1 - q) * s_no)

    assert expected(brier_scores, q) <= expected(brier_scores, p) + 1e-12
    q_in = min(max(q, EPSILON), 1 - EPSILON)  # proper on the clipped range
    assert expected(log_scores, q_in) <= expected(log_scores, p) + 1e-12


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        brier_scores([1.2], [1.0])
    with pytest.raises(InputError, match="0 or 1"):
        brier_scores([0.5], [0.5])
    with pytest.raises(InputError, match="2 probabilities for 1 outcomes"):
        log_scores([0.5, 0.5], [1.0])
    with pytest.raises(InputError, match="epsilon"):
        log_scores([0.5], [1.0], epsilon=0.0)


@given(
    st.lists(st.tuples(st.integers(0, 4), outcomes), min_size=1, max_size=30),
)
def test_base_rate_leaves_the_case_out(items: list[tuple[int, bool]]) -> None:
    case = np.array([f"c{c}" for c, _ in items])
    y = np.array([float(b) for _, b in items])
    got = base_rates(y, case)
    for i in range(len(items)):
        others = [y[j] for j in range(len(items)) if case[j] != case[i]]
        expected = sum(others) / len(others) if others else 0.5
        assert got[i] == pytest.approx(expected)


def test_status_quo_is_epsilon() -> None:
    assert status_quo(3).tolist() == [EPSILON] * 3
    assert status_quo(2, epsilon=0.05).tolist() == [0.05, 0.05]


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(min_value=0.0, max_value=1.0)),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 2**32 - 1),
)
def test_bootstrap_interval_contains_the_point(items: list[tuple[int, float]], seed: int) -> None:
    case = np.array([c for c, _ in items])
    scores = np.array([s for _, s in items])
    (iv,) = bootstrap_means(scores, case, replicates=400, seed=seed)
    assert iv.value == pytest.approx(scores.mean())
    assert iv.low <= iv.value + 1e-12 <= iv.high + 2e-12
    assert scores.min() - 1e-12 <= iv.low and iv.high <= scores.max() + 1e-12


def test_bootstrap_matches_exact_enumeration() -> None:
    """Three cases: the 27 equally likely resamples give the exact bootstrap distribution."""
    case = np.array(["a", "a", "b", "c", "c", "c"])
    scores = np.array([0.1, 0.3, 0.9, 0.0, 0.2, 0.4])
    groups = {c: scores[case == c] for c in "abc"}
    exact = []
    for pick in itertools.product("abc", repeat=3):
        drawn = np.concatenate([groups[c] for c in pick])
        exact.append(drawn.mean())
    (iv,) = bootstrap_means(scores, case, replicates=20_000, seed=1)
    # each extreme has probability 1/27 > 2.5%, so the 95% interval is exactly [min, max]
    assert iv.low == pytest.approx(min(exact))
    assert iv.high == pytest.approx(max(exact))


def test_bootstrap_is_seeded_and_paired() -> None:
    rng = np.random.default_rng(0)
    case = np.repeat(np.arange(8), 3)
    a = rng.random(case.size)
    b = rng.random(case.size)
    one = bootstrap_means(np.stack([a, b, a - b]), case, replicates=500, seed=3)
    two = bootstrap_means(np.stack([a, b, a - b]), case, replicates=500, seed=3)
    assert one == two
    alone = bootstrap_means(a, case, replicates=500, seed=3)
    # the same resamples whatever else is scored (up to the matrix product's rounding)
    assert (alone[0].low, alone[0].high) == pytest.approx((one[0].low, one[0].high), abs=1e-12)
    assert one[2].value == pytest.approx(one[0].value - one[1].value)


def test_single_case_interval_is_the_point() -> None:
    (iv,) = bootstrap_means([0.2, 0.4], ["x", "x"], replicates=50, seed=0)
    assert (iv.low, iv.value, iv.high) == pytest.approx((0.3, 0.3, 0.3))


@given(pairs, st.integers(1, 10))
def test_reliability_bins_match_a_loop(items: list[tuple[float, bool]], bins: int) -> None:
    p = np.array([a for a, _ in items])
    y = np.array([float(b) for _, b in items])
    got = reliability_bins(p, y, forecaster="f", bins=bins)
    expected = {}
    for pi, yi in zip(p, y, strict=True):
        b = min(int(pi * bins), bins - 1)
        expected.setdefault(b, []).append((pi, yi))
    assert [round(g.low * bins) for g in got] == sorted(expected)
    for g in got:
        rows = expected[round(g.low * bins)]
        assert g.count == len(rows)
        assert g.mean_probability == pytest.approx(sum(r[0] for r in rows) / len(rows))
        assert g.frequency == pytest.approx(sum(r[1] for r in rows) / len(rows))
        assert g.frequency_low <= g.frequency <= g.frequency_high
    assert sum(g.count for g in got) == len(items)


def test_synthetic_corpus_with_known_probabilities() -> None:
    """Outcomes drawn from known probabilities: reporting them beats every distortion."""
    rng = np.random.default_rng(2024)
    n_cases, per_case = 400, 3
    truth = rng.uniform(0.0, 1.0, size=n_cases * per_case)
    y = (rng.random(truth.size) < truth).astype(float)
    case = np.repeat(np.arange(n_cases), per_case)
    honest = brier_scores(truth, y).mean()
    # expected Brier of the true probability is E[q(1 - q)] = 1/6 for q ~ U(0, 1)
    assert honest == pytest.approx(1 / 6, abs=0.02)
    for distorted in (truth**2, np.sqrt(truth), np.full(truth.size, 0.5), 1 - truth):
        assert brier_scores(distorted, y).mean() > honest
        assert log_scores(distorted, y).mean() > log_scores(truth, y).mean()
    # the base rate of a U(0, 1) corpus is about 1/2, and scores about 1/4
    assert brier_scores(base_rates(y, case), y).mean() == pytest.approx(0.25, abs=0.02)
    # calibration: in every bin the observed frequency is within its Wilson interval (mostly)
    got = reliability_bins(truth, y, forecaster="honest", bins=5)
    inside = sum(g.frequency_low <= g.mean_probability <= g.frequency_high for g in got)
    assert inside >= 4
    (iv,) = bootstrap_means(brier_scores(truth, y), case, replicates=1000, seed=0)
    assert iv.low < 1 / 6 < iv.high
