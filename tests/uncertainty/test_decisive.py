"""What decides the verdict: the mutual-information estimator against exact references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.scenario import loads
from detente.uncertainty import Execution, simulate
from detente.uncertainty.decisive import (
    bin_codes,
    decisiveness,
    default_bins,
    mutual_information,
)
from detente.uncertainty.models import uncertain_judgments
from detente.uncertainty.sampling import sample
from tests.readiness.rdata import CLASH


def exact_mi(p: np.ndarray) -> float:
    """I(X; Y) in bits of a joint probability table, by its definition (a double loop)."""
    px = p.sum(axis=1)
    py = p.sum(axis=0)
    total = 0.0
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            if p[i, j] > 0:
                total += p[i, j] * math.log2(p[i, j] / (px[i] * py[j]))
    return total


def entropy_bits(p: np.ndarray) -> float:
    q = p[p > 0]
    return float(-(q * np.log2(q)).sum())


def test_a_judgment_that_decides_the_verdict_carries_all_its_entropy() -> None:
    rng = np.random.default_rng(1)
    x = rng.random(20000) < 0.3  # a fact true in 30% of the draws
    verdict = np.where(x, 0, 2)  # ripe when true, premature when false
    info, low, high, noise = mutual_information(x.astype(int), verdict)
    assert noise < 1e-3 < info
    h = entropy_bits(np.array([x.mean(), 1 - x.mean()]))
    assert info == pytest.approx(h, abs=2e-3)
    assert low <= h + 1e-3 and h - 0.02 <= high
    ranked = decisiveness({"fact": x.astype(float)}, verdict, discrete=["fact"])
    assert ranked.judgments[0].share == pytest.approx(1.0, abs=2e-3)


def test_an_irrelevant_judgment_carries_nothing() -> None:
    rng = np.random.default_rng(2)
    n = 20000
    noise = rng.normal(size=n)
    verdict = rng.integers(0, 4, size=n)
    info, _, high, level = mutual_information(bin_codes(noise, discrete=False)[0], verdict)
    assert info < 2e-3 and high < 5e-3
    assert info <= level  # below the noise level: indistinguishable from nothing
    ranked = decisiveness({"noise": noise}, verdict)
    assert not ranked.judgments[0].measurable
    assert "none measurably" in ranked.explain()


def test_a_continuous_threshold_against_its_analytic_value() -> None:
    """X ~ U(0, 1), V = [X > 0.3]: I = H(0.3) bits; with 20 equal-count bins the cut is a
    bin edge, so binning loses nothing."""
    rng = np.random.default_rng(3)
    x = rng.random(40000)
    v = (x > 0.3).astype(int)
    codes, levels = bin_codes(x, discrete=False, bins=20)
    assert levels == 20
    info = mutual_information(codes, v)[0]
    assert info == pytest.approx(entropy_bits(np.array([0.3, 0.7])), abs=0.01)


def test_binning_only_loses_information() -> None:
    """A verdict turning inside one bin: the estimate stays below H(V) (data processing)."""
    rng = np.random.default_rng(4)
    x = rng.random(40000)
    v = (x > 0.512).astype(int)
    info = mutual_information(bin_codes(x, discrete=False, bins=4)[0], v)[0]
    assert info < entropy_bits(np.array([0.512, 0.488]))
    assert info > 0.5  # but most of it survives


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(st.integers(2, 5), st.integers(2, 4)),
    seed=st.integers(0, 2**31 - 1),
)
def test_against_the_exact_value_of_random_joint_distributions(
    shape: tuple[int, int], seed: int
) -> None:
    """Draws from a known joint table: the estimate is within its sampling error of the exact
    mutual information computed from the table by definition."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(shape[0] * shape[1]) * 0.7).reshape(shape)
    n = 20000
    cells = rng.choice(p.size, size=n, p=p.ravel())
    x, y = np.divmod(cells, shape[1])
    info, low, high, _ = mutual_information(x, y, resamples=300, seed=seed)
    truth = exact_mi(p)
    # the bootstrap interval, widened by a little for the coverage of 25 examples
    assert low - 0.01 <= truth <= high + 0.01, (truth, info, low, high)
    assert abs(info - truth) < 0.03


def test_the_correction_removes_the_plug_in_bias() -> None:
    """Independent X (10 levels) and V (4): the plug-in estimate is biased up by about
    (10 - 1)(4 - 1) / (2 N ln 2) bits; Miller-Madow's average is near 0."""
    rng = np.random.default_rng(5)
    n, runs = 400, 300
    plug, corrected = [], []
    for _ in range(runs):
        x = rng.integers(0, 10, n)
        y = rng.integers(0, 4, n)
        table = np.bincount(x * 4 + y, minlength=40).reshape(10, 4) / n
        px, py = table.sum(1), table.sum(0)
        nz = table > 0
        plug.append(float((table[nz] * np.log2(table[nz] / np.outer(px, py)[nz])).sum()))
        corrected.append(mutual_information(x, y, resamples=0)[0])
    bias = 27 / (2 * n * math.log(2))
    assert np.mean(plug) == pytest.approx(bias, rel=0.25)
    assert np.mean(corrected) < 0.25 * bias


def test_bins_and_levels() -> None:
    assert default_bins(20000) == 20
    assert default_bins(1000) == 10
    assert default_bins(3) == 2
    codes, levels = bin_codes(np.array([0.0, 1.0, 1.0, 0.0]), discrete=True)
    assert levels == 2 and list(codes) == [0, 1, 1, 0]
    tied = np.concatenate([np.zeros(900), np.linspace(0, 1, 100)])  # a mass at 0
    codes, levels = bin_codes(tied, discrete=False, bins=10)
    assert levels < 10 and codes.max() == levels - 1


def test_the_draws_are_the_runs_draws() -> None:
    """Regenerating one judgment's draws gives the column of the joint sample (plain and LHS):
    the ranking sees exactly what the engine saw."""
    s = loads(_clash_yaml())
    judgments = uncertain_judgments(s)
    for method in ("plain", "lhs"):
        joint = sample(judgments, 3000, seed=9, method=method, total=3000)
        for col, j in enumerate(judgments):
            alone = sample((j,), 3000, seed=9, method=method, total=3000)[:, 0]
            assert np.array_equal(alone, joint[:, col])


def _clash_yaml() -> str:
    return CLASH.replace("THETA", "70")


def test_done_when_a_probable_red_line_decides_the_verdict() -> None:
    """The issue's test: the only clash is a red line of probability 0.5."""
    s = loads(_clash_yaml())
    summary = simulate(s, n=20000, execution=Execution(seed=0))
    verdict = summary["verdict"]
    zopa = sum(c.count for c in verdict.categories if c.category in ("ripe", "blocked"))  # type: ignore[union-attr]
    assert zopa / 20000 == pytest.approx(0.5, abs=0.02)
    data = summary.to_dict()
    ranked = data["decisive"]["judgments"]
    assert ranked[0]["path"] == "actors.A.red_lines.0.active"
    assert ranked[0]["share"] == pytest.approx(1.0, abs=0.01)
    assert ranked[1]["share"] < 0.01
    stage = {c["category"]: c["probability"] for c in data["categorical"][2]["categories"]}
    assert stage["signature"] == pytest.approx(zopa / 20000)
    assert "What decides the verdict" in summary.explain()


def test_a_what_if_fixes_the_red_line() -> None:
    s = loads(_clash_yaml())
    summary = simulate(s.variant("preference"), n=2000, execution=Execution(seed=0))
    assert summary.judgments == ("actors.A.no_deal.cost",)
    assert summary["verdict"].probability("ripe").probability == 1.0  # type: ignore[union-attr]
    assert summary.decisive is not None and summary.decisive.entropy == 0.0
    assert "nothing uncertain does" in summary.decisive.explain()


def test_a_threshold_distribution_is_not_truncated_at_zero() -> None:
    s = loads(
        _clash_yaml().replace(
            "uncertainty:\n", "uncertainty:\n  actors.A.red_lines.0.threshold: {normal: [0, 10]}\n"
        )
    )
    j = next(j for j in uncertain_judgments(s) if j.path.endswith("threshold"))
    assert j.valid == (-math.inf, math.inf)
    x = sample((j,), 4000, seed=1)[:, 0]
    assert (x < 0).mean() == pytest.approx(0.5, abs=0.05)
