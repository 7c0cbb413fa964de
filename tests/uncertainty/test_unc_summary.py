"""Summaries: Wilson intervals against a reference, category probabilities, quantiles."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from detente.errors import InputError
from detente.uncertainty import summarize
from detente.uncertainty.summary import summarize_categories, summarize_numeric, wilson_interval


def _wilson_reference(k: int, n: int, level: float) -> tuple[float, float]:
    """Wilson (1927) from the quadratic |p - p_hat| = z sqrt(p (1 - p) / n), solved for p."""
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p_hat = k / n
    a = 1 + z * z / n
    b = -(2 * p_hat + z * z / n)
    c = p_hat * p_hat
    root = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


@given(n=st.integers(1, 10_000), frac=st.floats(0, 1), level=st.sampled_from([0.9, 0.95, 0.99]))
def test_wilson_matches_the_quadratic_solution(n: int, frac: float, level: float) -> None:
    k = round(frac * n)
    low, high = wilson_interval(k, n, level=level)
    ref_low, ref_high = _wilson_reference(k, n, level)
    assert float(low) == pytest.approx(ref_low, abs=1e-9)
    assert float(high) == pytest.approx(ref_high, abs=1e-9)
    assert 0.0 <= float(low) <= k / n <= float(high) <= 1.0


def test_wilson_known_value_and_edges() -> None:
    # Brown, Cai & DasGupta (2001): k = 0 of n = 20 at 95% gives (0, 0.161).
    low, high = wilson_interval(0, 20)
    assert float(low) == 0.0
    assert float(high) == pytest.approx(0.1611, abs=1e-4)
    low, high = wilson_interval(np.array([5, 10]), np.array([10, 10]))
    assert float(high[1]) == 1.0
    assert float(low[0]) == pytest.approx(0.2366, abs=1e-4)
    low, high = wilson_interval(0, 0)
    assert (float(low), float(high)) == (0.0, 1.0)
    with pytest.raises(InputError, match="0 <= k <= n"):
        wilson_interval(5, 3)
    with pytest.raises(InputError, match="confidence level"):
        wilson_interval(1, 3, level=1.0)


def test_category_codes_with_labels_list_every_category() -> None:
    codes = np.array([0, 0, 1, 3, 0, 1])
    summary = summarize_categories(
        codes, output="verdict", labels=("ripe", "blocked", "premature", "not_ripe")
    )
    assert [c.category for c in summary.categories] == [
        "ripe",
        "blocked",
        "premature",
        "not_ripe",
    ]
    assert [c.count for c in summary.categories] == [3, 2, 0, 1]
    assert summary.probability("ripe").probability == 0.5
    assert summary.probability("premature").high > 0
    assert summary.most_likely.category == "ripe"
    assert "ripe 50.0%" in summary.explain()
    with pytest.raises(InputError, match="codes outside"):
        summarize_categories(np.array([4]), output="verdict", labels=("a", "b"))


def test_category_labels_and_booleans() -> None:
    summary = summarize_categories(np.array(["no", "yes", "yes"]), output="v", labels=["maybe"])
    assert [c.category for c in summary.categories] == ["maybe", "no", "yes"]
    flags = summarize_categories(np.array([True, False, True, True]), output="f")
    assert flags.probability("true").count == 3


def test_numeric_summary_matches_numpy_and_counts_missing() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=1001)
    x[::10] = np.nan
    summary = summarize_numeric(x, output="margin", quantiles=(0.05, 0.5, 0.95))
    finite = x[np.isfinite(x)]
    assert summary.missing == 101
    assert summary.mean == pytest.approx(finite.mean())
    assert summary.sd == pytest.approx(finite.std(ddof=1))
    assert summary.quantile(0.5) == pytest.approx(np.median(finite))
    assert summary.quantile(0.95) == pytest.approx(np.quantile(finite, 0.95))
    assert "undefined in 101 of 1001 draws" in summary.explain()
    empty = summarize_numeric(np.full(3, np.nan), output="m")
    assert math.isnan(empty.mean)
    assert "undefined in all 3 draws" in empty.explain()
    with pytest.raises(InputError, match="quantile levels"):
        summarize_numeric(x, output="m", quantiles=(1.5,))


def test_summarize_splits_outputs_by_kind_and_is_json_ready() -> None:
    outputs = {
        "verdict": np.array([0, 1, 1, 2]),
        "margin": np.array([0.1, -0.2, 0.3, np.nan]),
        "deal": np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]),
        "label": np.array(["a", "b", "a", "a"]),
    }
    result = summarize(
        outputs,
        seed=7,
        method="lhs",
        judgments=("j1", "j2"),
        categorical={"verdict": ("ripe", "blocked", "premature")},
        notes=("fast path",),
    )
    assert [c.output for c in result.categorical] == ["verdict", "label"]
    assert [x.output for x in result.numeric] == ["margin", "deal[0]", "deal[1]"]
    assert result.n == 4
    assert result["deal[1]"].to_dict()["quantiles"]["0.5"] == 5.0
    text = json.dumps(result.to_dict())
    assert "NaN" not in text
    frame = result.to_frame()
    assert list(frame.columns) == ["output", "statistic", "value", "low", "high"]
    assert frame.loc[frame.statistic == "P(blocked)", "value"].item() == 0.5
    explained = result.explain()
    assert "Latin hypercube" in explained
    assert "fast path" in explained
    with pytest.raises(InputError, match="no output 'nope'"):
        summarize(outputs, seed=1, method="plain", categorical={"nope": None})
    with pytest.raises(KeyError):
        result["nope"]
