"""Seeded joint sampling: chunk invariance, Latin hypercube strata, streams keyed by name."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError, ProblemTooLarge
from detente.uncertainty import DistributionSpec, sample
from detente.uncertainty.sampling import BLOCK, MAX_CELLS, as_judgments, lhs_strata, uniforms

D = DistributionSpec.model_validate

SPECS = as_judgments(
    [
        ("actors.UKR.no_deal.outcome.territory", D({"triangular": [20, 40, 70]}), (0, 100)),
        ("actors.RUS.no_deal.cost", D({"normal": [0.10, 0.03]}), (0.0, 1.0)),
        ("actors.USA.salience.territory", D({"uniform": [0.4, 0.9]}), (0.0, 1.0)),
        ("facts.usa_ready_to_talk", D({"choice": [True, False]}), None),
    ]
)
N = 3 * BLOCK + 123


def _partition(n: int, cuts: list[int]) -> list[tuple[int, int]]:
    edges = sorted({0, n, *(c % (n + 1) for c in cuts)})
    return [(a, b - a) for a, b in itertools.pairwise(edges)]


@pytest.fixture(scope="module")
def whole_plain() -> np.ndarray:
    return sample(SPECS, N, seed=42)


@pytest.fixture(scope="module")
def whole_lhs() -> np.ndarray:
    return sample(SPECS, N, seed=42, method="lhs")


@settings(max_examples=15)
@given(cuts=st.lists(st.integers(0, N), max_size=8))
def test_any_partition_gives_the_same_plain_draws(whole_plain: np.ndarray, cuts: list[int]) -> None:
    parts = [sample(SPECS, size, seed=42, start=start) for start, size in _partition(N, cuts)]
    assert np.array_equal(np.concatenate(parts), whole_plain)


@settings(max_examples=15)
@given(cuts=st.lists(st.integers(0, N), max_size=8))
def test_any_partition_gives_the_same_lhs_draws(whole_lhs: np.ndarray, cuts: list[int]) -> None:
    parts = [
        sample(SPECS, size, seed=42, method="lhs", start=start, total=N)
        for start, size in _partition(N, cuts)
    ]
    assert np.array_equal(np.concatenate(parts), whole_lhs)


def test_plain_draws_do_not_depend_on_the_run_size(whole_plain: np.ndarray) -> None:
    assert np.array_equal(sample(SPECS, 500, seed=42), whole_plain[:500])


def test_same_seed_same_numbers_other_seed_other_numbers(whole_plain: np.ndarray) -> None:
    assert np.array_equal(sample(SPECS, N, seed=42), whole_plain)
    other = sample(SPECS, N, seed=43)
    assert not np.any(other[:, 1] == whole_plain[:, 1])


def test_streams_are_keyed_by_judgment_name(whole_plain: np.ndarray) -> None:
    reordered = sample([SPECS[2], SPECS[0]], N, seed=42)
    assert np.array_equal(reordered, whole_plain[:, [2, 0]])
    extra = as_judgments([("actors.UKR.capability", D({"lognormal": [0, 0.3]}), None)])[0]
    more = sample([*SPECS, extra], N, seed=42)
    assert np.array_equal(more[:, :4], whole_plain)
    # Distinct names give unrelated streams even with identical distributions.
    spec = SPECS[2].distribution
    assert spec is not None
    twins = sample([("a", spec, None), ("b", spec, None)], 2000, seed=1)
    assert abs(float(np.corrcoef(twins[:, 0], twins[:, 1])[0][1])) < 0.1


def test_draws_stay_in_their_valid_range(whole_plain: np.ndarray) -> None:
    for col, j in enumerate(SPECS):
        if j.valid is not None:
            assert whole_plain[:, col].min() >= j.valid[0]
            assert whole_plain[:, col].max() <= j.valid[1]
    assert np.isfinite(whole_plain).all()


@pytest.mark.parametrize("n", [1, 2, 7, 100, 1000, BLOCK + 1])
def test_lhs_puts_one_draw_in_each_stratum(n: int) -> None:
    names = [j.path for j in SPECS]
    u = uniforms(names, n, seed=7, method="lhs")
    strata = np.floor(u * n).astype(np.int64)
    for col in range(len(names)):
        assert np.array_equal(np.sort(strata[:, col]), np.arange(n))
    x = sample(SPECS[:3], n, seed=7, method="lhs")
    for col, j in enumerate(SPECS[:3]):
        assert j.distribution is not None
        back = np.floor(j.distribution.cdf(x[:, col], clip=j.valid) * n - 1e-7).astype(np.int64)
        assert np.array_equal(np.sort(np.clip(back, 0, n - 1)), np.arange(n))


@settings(max_examples=40)
@given(total=st.integers(1, 5000), seed=st.integers(0, 2**32))
def test_lhs_permutation_is_a_bijection(total: int, seed: int) -> None:
    perm = lhs_strata(seed, "x", total, np.arange(total))
    assert np.array_equal(np.sort(perm), np.arange(total))


def test_lhs_columns_are_not_aligned() -> None:
    u = uniforms(["a", "b"], 2000, seed=3, method="lhs")
    assert abs(float(np.corrcoef(u[:, 0], u[:, 1])[0][1])) < 0.1


def test_lhs_reduces_the_error_of_the_mean() -> None:
    spec = [("x", D({"triangular": [0, 1, 4]}), None)]
    truth = spec[0][1].mean()
    plain = [abs(sample(spec, 256, seed=s)[:, 0].mean() - truth) for s in range(20)]
    lhs = [abs(sample(spec, 256, seed=s, method="lhs")[:, 0].mean() - truth) for s in range(20)]
    assert np.mean(lhs) < 0.2 * np.mean(plain)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1}, "seed must be >= 0"),
        ({"seed": 1.5}, "seed must be an integer"),
        ({"seed": 1, "method": "lhc"}, "did you mean 'lhs'"),
        ({"seed": 1, "start": -3}, "start must be >= 0"),
        ({"seed": 1, "method": "lhs", "start": 5, "total": 7}, "outside a design of 7 draws"),
    ],
)
def test_bad_arguments_are_input_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        sample(SPECS, 10, **kwargs)  # type: ignore[arg-type]


def test_bad_judgments_are_input_errors_naming_the_path() -> None:
    with pytest.raises(InputError) as info:
        sample([SPECS[0], SPECS[0]], 3, seed=1)
    assert info.value.diagnostic.path == SPECS[0].path
    with pytest.raises(InputError, match="encode them as ranks") as info:
        sample([("issues.x", D({"choice": ["a", "b"]}), None)], 3, seed=1)
    assert info.value.diagnostic.path == "issues.x"
    with pytest.raises(InputError, match="reaches outside the valid range") as info:
        sample([("actors.A.salience.x", D({"uniform": [0.5, 1.5]}), (0, 1))], 3, seed=1)
    assert info.value.diagnostic.path == "actors.A.salience.x"
    with pytest.raises(InputError, match="low > high"):
        sample([("x", D({"uniform": [0.5, 1.5]}), (1, 0))], 3, seed=1)


def test_oversized_requests_are_refused_before_allocating() -> None:
    with pytest.raises(ProblemTooLarge, match="in chunks"):
        sample(SPECS, MAX_CELLS, seed=1)


def test_zero_draws() -> None:
    assert sample(SPECS, 0, seed=1).shape == (0, 4)
    assert sample([], 5, seed=1).shape == (5, 0)
