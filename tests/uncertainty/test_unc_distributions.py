"""DistributionSpec: the YAML form, parameter checks, and the distribution it stands for."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from scipy import stats

from detente.uncertainty import DistributionSpec, sample
from detente.uncertainty.sampling import Method

D = DistributionSpec.model_validate


class _Holder(BaseModel):
    """Stands for the lead's Scenario: ``uncertainty: dict[str, DistributionSpec]``."""

    uncertainty: dict[str, DistributionSpec]


def _scipy(spec: DistributionSpec) -> Any:
    p = [float(v) for v in spec.params]
    if spec.kind == "triangular":
        return stats.triang(c=(p[1] - p[0]) / (p[2] - p[0]), loc=p[0], scale=p[2] - p[0])
    if spec.kind == "normal":
        return stats.norm(p[0], p[1])
    if spec.kind == "uniform":
        return stats.uniform(p[0], p[1] - p[0])
    if spec.kind == "beta":
        return stats.beta(p[0], p[1])
    return stats.lognorm(s=p[1], scale=math.exp(p[0]))


CONTINUOUS = [
    {"triangular": [20, 40, 70]},
    {"triangular": [0, 0, 1]},
    {"triangular": [0, 1, 1]},
    {"normal": [0.1, 0.03]},
    {"uniform": [0.4, 0.9]},
    {"beta": [4, 2]},
    {"beta": [0.5, 0.5]},
    {"lognormal": [0.0, 0.25]},
]


@pytest.mark.parametrize("raw", [*CONTINUOUS, {"choice": [1, 2, 2]}, {"choice": ["a", "b"]}])
def test_yaml_form_round_trips(raw: dict[str, list[Any]]) -> None:
    spec = D(raw)
    kind = next(iter(raw))
    assert spec.kind == kind
    assert spec.model_dump() == {kind: [type(v)(v) if isinstance(v, str) else v for v in raw[kind]]}
    assert D(spec.model_dump()) == spec
    assert DistributionSpec(kind=spec.kind, params=spec.params) == spec
    assert hash(spec) == hash(D(raw))


def test_choice_keeps_value_types() -> None:
    assert D({"choice": [True, False]}).params == (True, False)
    assert D({"choice": [True, False]}).is_boolean
    assert D({"choice": [1, 2.5]}).params == (1.0, 2.5)
    assert D({"choice": ["russian", "ukrainian"]}).is_options
    assert str(D({"choice": [True, False]})) == "choice [true, false]"
    assert str(D({"triangular": [20, 40, 70]})) == "triangular [20, 40, 70]"


BAD = [
    ({"triangle": [1, 2, 3]}, "did you mean 'triangular'"),
    ({"Normal": [0, 1]}, "did you mean 'normal'"),
    ({"gamma": [1, 2]}, "unknown distribution 'gamma'"),
    ({"triangular": [3, 2, 4]}, "low <= mode <= high"),
    ({"triangular": [1, 2, 1.5]}, "low <= mode <= high"),
    ({"triangular": [2, 2, 2]}, "low < high"),
    ({"triangular": [1, 2]}, "takes 3 parameters"),
    ({"normal": [0.1, 0]}, "sd > 0"),
    ({"normal": [0.1, -0.5]}, "sd > 0"),
    ({"normal": [float("nan"), 1]}, "finite"),
    ({"uniform": [0.9, 0.4]}, "low < high"),
    ({"uniform": [1, 1]}, "low < high"),
    ({"beta": [0, 2]}, "a > 0 and b > 0"),
    ({"beta": [2, -1]}, "a > 0 and b > 0"),
    ({"lognormal": [0, 0]}, "sigma > 0"),
    ({"choice": []}, "at least one value"),
    ({"choice": [1, "x"]}, "all numbers, all booleans or all option names"),
    ({"choice": [True, 1]}, "all numbers, all booleans or all option names"),
    ({"normal": "0.1, 0.03"}, "takes a list of parameters"),
    ({"normal": [True, 0.1]}, "must be a number"),
    ({"uniform": ["0", "1"]}, "must be a number"),
    ({"normal": [0, 1], "uniform": [0, 1]}, "exactly one key"),
    ({}, "exactly one key"),
    (0.5, "one-key mapping"),
    ([0, 1], "one-key mapping"),
]


@pytest.mark.parametrize(("raw", "message"), BAD)
def test_invalid_parameters_are_clear(raw: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        D(raw)
    errors = info.value.errors()
    assert len(errors) == 1
    assert message in errors[0]["msg"]
    assert not errors[0]["msg"].startswith("Value error")


def test_error_location_is_the_judgment_path() -> None:
    with pytest.raises(ValidationError) as info:
        _Holder.model_validate({"uncertainty": {"actors.RUS.no_deal.cost": {"normal": [0.1, 0]}}})
    (error,) = info.value.errors()
    assert error["loc"] == ("uncertainty", "actors.RUS.no_deal.cost")
    assert "sd > 0" in error["msg"]


def test_frozen() -> None:
    spec = D({"normal": [0, 1]})
    with pytest.raises(ValidationError):
        spec.kind = "uniform"  # type: ignore[misc]


@pytest.mark.parametrize("raw", CONTINUOUS)
@pytest.mark.parametrize("method", ["plain", "lhs"])
def test_sampled_marginals_pass_ks(raw: dict[str, list[float]], method: Method) -> None:
    spec = D(raw)
    x = sample([("x", spec, None)], 4000, seed=20261128, method=method)[:, 0]
    result = stats.kstest(x, _scipy(spec).cdf)
    assert result.pvalue > 0.01, (raw, method, result)


@pytest.mark.parametrize("raw", CONTINUOUS)
def test_moments_and_functions_match_scipy(raw: dict[str, list[float]]) -> None:
    spec = D(raw)
    ref = _scipy(spec)
    assert spec.mean() == pytest.approx(ref.mean(), rel=1e-9, abs=1e-12)
    assert spec.sd() == pytest.approx(ref.std(), rel=1e-9, abs=1e-12)
    q = np.linspace(0.01, 0.99, 49)
    np.testing.assert_allclose(spec.ppf(q), ref.ppf(q), rtol=1e-7, atol=1e-9)
    x = ref.ppf(q)
    np.testing.assert_allclose(spec.cdf(x), ref.cdf(x), rtol=1e-7, atol=1e-9)
    assert spec.quantile(0.5) == pytest.approx(ref.median(), rel=1e-7, abs=1e-12)
    lo, hi = spec.support()
    assert (lo, hi) == pytest.approx(ref.support())


def test_normal_is_truncated_to_the_valid_range() -> None:
    spec = D({"normal": [0.05, 0.05]})
    a, b = (0 - 0.05) / 0.05, (1 - 0.05) / 0.05
    ref = stats.truncnorm(a, b, loc=0.05, scale=0.05)
    x = sample([("cost", spec, (0.0, 1.0))], 4000, seed=11)[:, 0]
    assert x.min() > 0.0  # no atom at the bound, as clipping would make
    assert x.max() <= 1.0
    assert stats.kstest(x, ref.cdf).pvalue > 0.01
    assert spec.mean(clip=(0, 1)) == pytest.approx(ref.mean(), rel=1e-6)
    assert spec.sd(clip=(0, 1)) == pytest.approx(ref.std(), rel=1e-6)
    q = np.linspace(0, 1, 21)
    np.testing.assert_allclose(spec.ppf(q, clip=(0, 1)), ref.ppf(q), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(spec.cdf(ref.ppf(q), clip=(0, 1)), q, atol=1e-9)
    assert spec.support(clip=(0, 1)) == (0.0, 1.0)


def test_truncation_in_the_upper_tail_keeps_precision() -> None:
    # Almost all the mass lies above the range: F(lo) and F(hi) are both ~1 in double precision,
    # so the inverse must be taken on the survival function.
    spec = D({"normal": [0.0, 1.0]})
    ref = stats.truncnorm(7.0, 8.0)
    q = np.linspace(0, 1, 11)
    np.testing.assert_allclose(spec.ppf(q, clip=(7.0, 8.0)), ref.ppf(q), rtol=1e-6)
    spec = D({"lognormal": [0.0, 0.25]})
    x = spec.ppf(q, clip=(3.0, 4.0))
    assert np.all(np.diff(x) > 0)
    assert x[0] == pytest.approx(3.0)
    assert x[-1] == pytest.approx(4.0)


def test_truncated_lognormal_matches_log_scale_truncnorm() -> None:
    spec = D({"lognormal": [0.0, 0.5]})
    a, b = (math.log(0.8) - 0.0) / 0.5, (math.log(2.0) - 0.0) / 0.5
    ref = stats.truncnorm(a, b, loc=0.0, scale=0.5)
    x = sample([("cap", spec, (0.8, 2.0))], 3000, seed=5)[:, 0]
    assert stats.kstest(np.log(x), ref.cdf).pvalue > 0.01


@settings(max_examples=50)
@given(
    mode=st.floats(0, 1),
    width=st.floats(0.01, 100),
    low=st.floats(-50, 50),
    u=st.lists(st.floats(0.001, 0.999), min_size=1, max_size=20),
)
def test_triangular_cdf_inverts_ppf(mode: float, width: float, low: float, u: list[float]) -> None:
    spec = D({"triangular": [low, low + mode * width, low + width]})
    uu = np.array(u)
    x = spec.ppf(uu)
    assert np.all((x >= low - 1e-9) & (x <= low + width + 1e-9))
    np.testing.assert_allclose(spec.cdf(x), uu, atol=1e-7)


@settings(max_examples=50)
@given(
    kind=st.sampled_from(["normal", "lognormal"]),
    a=st.floats(-2, 2),
    s=st.floats(0.05, 3),
    lo=st.floats(0.01, 5),
    width=st.floats(0.01, 5),
    u=st.lists(st.floats(0, 1), min_size=1, max_size=20),
)
def test_truncated_ppf_stays_in_range_and_is_monotone(
    kind: str, a: float, s: float, lo: float, width: float, u: list[float]
) -> None:
    spec = D({kind: [a, s]})
    clip = (lo, lo + width)
    if spec.check_range(*clip) is not None:
        return
    uu = np.sort(np.array(u))
    x = spec.ppf(uu, clip=clip)
    assert np.all((x >= clip[0]) & (x <= clip[1]))
    assert np.all(np.diff(x) >= 0)


def test_choice_draws_each_value_equally_often() -> None:
    spec = D({"choice": [1, 2, 2, 5]})
    x = sample([("c", spec, None)], 8000, seed=3)[:, 0]
    values, counts = np.unique(x, return_counts=True)
    assert values.tolist() == [1.0, 2.0, 5.0]
    assert stats.chisquare(counts, np.array([0.25, 0.5, 0.25]) * x.size).pvalue > 0.01
    assert spec.mean() == pytest.approx(2.5)
    assert spec.sd() == pytest.approx(np.std([1, 2, 2, 5]))
    assert spec.quantile(0.1) == 1.0
    assert spec.quantile(0.5) == 2.0
    assert spec.quantile(0.9) == 5.0
    np.testing.assert_allclose(spec.cdf([0.5, 1, 2, 4, 5]), [0, 0.25, 0.75, 0.75, 1])
    assert spec.support() == (1.0, 5.0)


def test_boolean_choice_samples_zero_and_one() -> None:
    spec = D({"choice": [True, False]})
    x = sample([("facts.usa_ready_to_talk", spec, None)], 2000, seed=9)[:, 0]
    assert set(np.unique(x).tolist()) == {0.0, 1.0}
    assert abs(x.mean() - 0.5) < 0.05


def test_option_names_must_be_encoded() -> None:
    spec = D({"choice": ["russian", "contested", "ukrainian"]})
    with pytest.raises(ValueError, match="encoded"):
        spec.ppf(np.array([0.5]))
    ranks = {"russian": 0, "contested": 1, "ukrainian": 2}
    coded = spec.encoded(lambda name: ranks[name])
    assert coded.params == (0.0, 1.0, 2.0)
    assert coded.ppf(np.array([0.1, 0.5, 0.9])).tolist() == [0.0, 1.0, 2.0]
    plain = D({"normal": [0, 1]})
    assert plain.encoded(lambda name: 0.0) is plain


@pytest.mark.parametrize(
    ("raw", "valid", "message"),
    [
        ({"triangular": [20, 40, 120]}, (0, 100), "reaches outside the valid range [0, 100]"),
        ({"uniform": [-0.1, 0.5]}, (0, 1), "reaches outside"),
        ({"beta": [2, 2]}, (0, 0.5), "reaches outside"),
        ({"choice": [0.2, 1.5]}, (0, 1), "choice value 1.5 lies outside"),
        ({"normal": [5, 0.1]}, (0, 1), "almost no probability"),
        ({"lognormal": [5, 0.1]}, (0, 1), "almost no probability"),
    ],
)
def test_check_range_reports_misfits(
    raw: dict[str, list[float]], valid: tuple[float, float], message: str
) -> None:
    problem = D(raw).check_range(*valid)
    assert problem is not None
    assert message in problem


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ({"triangular": [20, 40, 70]}, (0, 100)),
        ({"normal": [0.1, 0.03]}, (0, 1)),
        ({"beta": [2, 2]}, (0, 1)),
        ({"choice": [True, False]}, (0, 1)),
        ({"lognormal": [0, 1]}, (0, 100)),
    ],
)
def test_check_range_accepts_fits(raw: dict[str, list[Any]], valid: tuple[float, float]) -> None:
    assert D(raw).check_range(*valid) is None


def test_quantile_rejects_levels_outside_unit_interval() -> None:
    with pytest.raises(ValueError, match="quantile level"):
        D({"normal": [0, 1]}).quantile(1.5)


def test_empty_truncation_is_an_error() -> None:
    with pytest.raises(ValueError, match="no probability"):
        D({"uniform": [2, 3]}).ppf(np.array([0.5]), clip=(0, 1))
