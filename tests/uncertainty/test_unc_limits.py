"""The execution settings object (issue 12) and the Monte Carlo's limits (issue 17): settings
checked when made; draws x judgments, outputs and expected-utility work refused before a run."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from detente.errors import InputError, ProblemTooLarge
from detente.scenario import loads
from detente.uncertainty import (
    DistributionSpec,
    Execution,
    Judgment,
    evaluate,
    run,
    runner,
    simulate,
)
from detente.uncertainty.sampling import as_judgments
from detente.uncertainty.testfunctions import Linear
from tests.hostile.corpus import BASE

SPEC = DistributionSpec.model_validate({"uniform": [0, 1]})


def _judgments(p: int) -> tuple[Judgment, ...]:
    return as_judgments([(f"j{k}", SPEC, (0.0, 1.0)) for k in range(p)])


@pytest.mark.parametrize(
    ("kwargs", "message", "path"),
    [
        ({"seed": -1}, "seed must be >= 0", "seed"),
        ({"seed": 1.5}, "seed must be an integer", "seed"),
        ({"seed": True}, "seed must be an integer", "seed"),
        ({"method": "sobol"}, "unknown sampling method", "method"),
        ({"chunk_size": 0}, "chunk size must be a positive integer", "chunk_size"),
        ({"workers": 0}, "workers must be a positive integer", "workers"),
        ({"timeout": 0}, "timeout must be in", "timeout"),
        ({"timeout": float("nan")}, "timeout must be in", "timeout"),
        ({"timeout": 1e9}, "timeout must be in", "timeout"),
        ({"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}, "not both", "scheduler"),
        ({"scheduler": 8786}, "must be text", "scheduler"),
        ({"progress": "yes"}, "progress must be a callable", "progress"),
    ],
)
def test_execution_is_checked_when_made(kwargs: dict[str, object], message: str, path: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        Execution(**kwargs)  # type: ignore[arg-type]
    assert info.value.diagnostic.path == path


def test_execution_is_frozen_and_normalised() -> None:
    ex = Execution(scheduler="  tcp://127.0.0.1:8786 ", timeout=3)
    assert ex.scheduler == "tcp://127.0.0.1:8786" and ex.timeout == 3.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        ex.seed = 2  # type: ignore[misc]
    assert dataclasses.replace(ex, progress=print).scheduler == ex.scheduler
    with pytest.raises(InputError, match="execution must be an Execution"):
        run(Linear(weights=(1.0,), threshold=0.5), _judgments(1), 10, execution={"seed": 1})  # type: ignore[arg-type]


def test_draws_times_judgments_are_limited_before_any_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MAX_DRAW_CELLS", 1000)
    model = Linear(weights=(1.0,) * 4, threshold=0.5)
    with pytest.raises(ProblemTooLarge, match=r"251 draws x 4 judgments = 1,004 .*\(at most 250 "):
        run(model, _judgments(4), 251)
    assert run(model, _judgments(4), 250)["y"].shape == (250,)


def test_simulate_refuses_too_many_draws_before_compiling_the_engines() -> None:
    scenario = loads(BASE, filename="base.yaml")
    with pytest.raises(ProblemTooLarge, match=r"1,000,000,000 draws x 5 judgments") as info:
        simulate(scenario, n=10**9)
    assert info.value.diagnostic.path == "n"


def test_outputs_kept_in_memory_are_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MAX_OUTPUT_BYTES", 8 * 1000)
    model = Linear(weights=(1.0,), threshold=0.5)  # y (8 bytes) and a boolean per draw
    with pytest.raises(
        ProblemTooLarge, match=r"would take 19.5 KiB \(20 bytes per draw\); the limit is 7.8 KiB"
    ):
        run(model, _judgments(1), 1000)
    with pytest.raises(ProblemTooLarge, match="per draw"):
        evaluate(model, np.zeros((1000, 1)))


def test_chunks_are_narrowed_for_many_judgments_without_changing_a_draw(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = Linear(weights=(0.1,) * 40, threshold=0.5)
    wide = run(model, _judgments(40), 3000, execution=Execution(seed=5))
    monkeypatch.setattr(runner, "MAX_CHUNK_CELLS", 40 * 128)  # chunks of 128 draws
    seen: list[int] = []
    narrow = run(
        model,
        _judgments(40),
        3000,
        execution=Execution(seed=5, progress=lambda done, _: seen.append(done)),
    )
    assert seen[:2] == [128, 256]
    np.testing.assert_allclose(narrow["y"], wide["y"], rtol=0, atol=1e-12)


def _object_model(params: np.ndarray) -> dict[str, np.ndarray]:
    return {"y": np.array([object()] * params.shape[0], dtype=object)}


def test_object_outputs_are_refused_in_process() -> None:
    with pytest.raises(ValueError, match="dtype object"):
        run(_object_model, _judgments(1), 10)


def test_the_forecast_engine_checks_its_expected_utility_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from detente.bargaining import settings

    monkeypatch.setattr(settings, "MAX_EUM_TERMS", 10_000)
    scenario = loads(BASE, filename="base.yaml")
    with pytest.raises(
        ProblemTooLarge,
        match=r"280,000 pair-vote terms \(1,000 draws x 8 rounds .* lower the draws or",
    ):
        simulate(scenario, n=1000, engine="forecast", sensitivity=False)
