"""Sobol' indices against analytic values; the tornado against a hand-computed reference."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.errors import InputError
from detente.uncertainty import DistributionSpec, Execution, Judgment, sobol, tornado
from detente.uncertainty.sampling import as_judgments
from detente.uncertainty.testfunctions import Ishigami, Linear

D = DistributionSpec.model_validate
PI = float(np.pi)
ISHIGAMI_SPECS = as_judgments([(f"x{k}", D({"uniform": [-PI, PI]}), None) for k in (1, 2, 3)])


@pytest.fixture(scope="module")
def ishigami() -> object:
    return sobol(Ishigami(a=7.0, b=0.1), ISHIGAMI_SPECS, 4096, execution=Execution(seed=20261128))


def test_ishigami_analytic_values_are_the_textbook_ones() -> None:
    exact = Ishigami().analytic()
    np.testing.assert_allclose(exact["S1"], (0.3139, 0.4424, 0.0), atol=1e-4)
    np.testing.assert_allclose(exact["ST"], (0.5576, 0.4424, 0.2437), atol=1e-4)


def test_sobol_indices_of_ishigami_match_analytic(ishigami: object) -> None:
    from detente.uncertainty import SobolResult

    assert isinstance(ishigami, SobolResult)
    exact = Ishigami().analytic()
    rows = {r.judgment: r for r in ishigami.for_output("y")}
    for k, name in enumerate(("x1", "x2", "x3")):
        first, total = rows[name].S1, rows[name].ST
        assert first == pytest.approx(exact["S1"][k], abs=0.04), name
        assert total == pytest.approx(exact["ST"][k], abs=0.04), name
        # The bootstrap intervals are informative and (here) cover the truth.
        assert 0 < rows[name].ST_conf < 0.1
        assert abs(rows[name].ST - exact["ST"][k]) <= 2 * rows[name].ST_conf + 0.01
    assert ishigami.ranking("y") == ("x1", "x2", "x3")
    assert ishigami.n == 4096


def test_sobol_result_shapes(ishigami: object) -> None:
    from detente.uncertainty import SobolResult

    assert isinstance(ishigami, SobolResult)
    frame = ishigami.to_frame()
    assert list(frame.columns) == ["output", "judgment", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(frame) == 3
    data = ishigami.to_dict()
    json.dumps(data)
    assert data["evaluations"] == 4096 * 5
    text = ishigami.explain()
    assert "x1" in text
    assert "interactions" in text


def test_sobol_is_seeded() -> None:
    a = sobol(Ishigami(), ISHIGAMI_SPECS, 256, execution=Execution(seed=3)).to_dict()
    b = sobol(Ishigami(), ISHIGAMI_SPECS, 256, execution=Execution(seed=3)).to_dict()
    assert a == b


def test_linear_model_indices_are_weight_shares() -> None:
    # y = x1 + 2 x2 + 0 x3, independent uniforms of equal variance: S = ST = (1/5, 4/5, 0).
    model = Linear(weights=(1.0, 2.0, 0.0))
    result = sobol(
        model, ISHIGAMI_SPECS, 1024, outputs=["y"], execution=Execution(seed=1, workers=1)
    )
    rows = {r.judgment: r for r in result.for_output("y")}
    first = {k: r.S1 for k, r in rows.items()}
    total = {k: r.ST for k, r in rows.items()}
    assert first["x1"] == pytest.approx(0.2, abs=0.03)
    assert total["x2"] == pytest.approx(0.8, abs=0.03)
    assert total["x3"] == pytest.approx(0.0, abs=1e-9)
    assert "Fixing x3 would change little" in result.explain()


def test_categorical_outputs_are_analysed_per_category() -> None:
    model = Linear(weights=(1.0, 0.0, 0.0))
    result = sobol(model, ISHIGAMI_SPECS, 512, outputs=["verdict"], execution=Execution(seed=2))
    assert set(result.outputs) == {"verdict=yes", "verdict=no"}
    assert result.ranking("verdict=yes")[0] == "x1"


def test_constant_outputs_are_skipped_with_a_reason() -> None:
    model = Linear(weights=(0.0, 0.0, 0.0), threshold=1.0)
    result = sobol(model, ISHIGAMI_SPECS, 64, execution=Execution(seed=2))
    assert "constant" in result.skipped["y"]
    assert "not analysed" in result.explain()


def test_sobol_input_errors() -> None:
    with pytest.raises(InputError, match="at least one"):
        sobol(Ishigami(), [], 64, execution=Execution(seed=1))
    with pytest.raises(InputError, match=">= 2"):
        sobol(Ishigami(), ISHIGAMI_SPECS, 1, execution=Execution(seed=1))
    with pytest.raises(InputError, match="no output 'z'"):
        sobol(Ishigami(), ISHIGAMI_SPECS, 8, outputs=["z"], execution=Execution(seed=1))


def _reference_tornado(weights: tuple[float, ...], specs: tuple[Judgment, ...]) -> dict[str, float]:
    """One evaluation per swing, in plain Python: |f(x with x_j at q90) - f(x with x_j at q10)|."""
    base = [j.quantile(0.5) for j in specs]
    swings = {}
    for k, j in enumerate(specs):
        lo, hi = list(base), list(base)
        lo[k] = j.quantile(0.1)
        hi[k] = j.quantile(0.9)
        f_lo = sum(w * x for w, x in zip(weights, lo, strict=True))
        f_hi = sum(w * x for w, x in zip(weights, hi, strict=True))
        swings[j.path] = abs(f_hi - f_lo)
    return swings


def test_tornado_matches_reference_and_ranks_by_swing() -> None:
    specs = as_judgments(
        [
            ("territory", D({"triangular": [20, 40, 70]}), (0, 100)),
            ("cost", D({"normal": [0.1, 0.03]}), (0, 1)),
            ("salience", D({"beta": [4, 2]}), (0, 1)),
        ]
    )
    weights = (0.01, -2.0, 0.5)
    result = tornado(Linear(weights=weights, threshold=0.0), specs)
    expected = _reference_tornado(weights, specs)
    bars = result.for_output("y")
    assert [b.judgment for b in bars] == sorted(expected, key=lambda k: -expected[k])
    for b in bars:
        assert b.swing == pytest.approx(expected[b.judgment], rel=1e-12)
        j = next(s for s in specs if s.path == b.judgment)
        assert b.low == pytest.approx(j.quantile(0.1))
        assert b.high == pytest.approx(j.quantile(0.9))
    frame = result.to_frame()
    assert len(frame) == 6
    json.dumps(result.to_dict())
    assert "10th to its 90th percentile" in result.explain()


def test_tornado_uses_given_base_values_and_flags_category_changes() -> None:
    specs = ISHIGAMI_SPECS
    result = tornado(Linear(weights=(1.0, 1.0, 0.0), threshold=0.0), specs, base={"x2": -0.1})
    assert result.base["x2"] == -0.1
    assert result.base_outputs["verdict"] == "no"
    verdict = {b.judgment: b for b in result.for_output("verdict")}
    assert verdict["x1"].output_high == "yes"
    assert verdict["x1"].swing == 1.0
    assert verdict["x3"].swing == 0.0
    with pytest.raises(InputError, match="no distribution"):
        tornado(Ishigami(), specs, base={"x9": 0.0})
    with pytest.raises(InputError, match="percentiles"):
        tornado(Ishigami(), specs, low_q=0.9, high_q=0.1)
