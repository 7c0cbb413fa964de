"""Chunked runs: same seed, identical outputs in process, on processes and on Dask clusters."""

from __future__ import annotations

import socket
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError, ProblemTooLarge
from detente.uncertainty import DistributionSpec, Execution, evaluate, iter_chunks, run
from detente.uncertainty.runner import MAX_RUN_DRAWS
from detente.uncertainty.sampling import BLOCK, Method, as_judgments, sample
from detente.uncertainty.testfunctions import Ishigami, Linear

D = DistributionSpec.model_validate

SPECS = as_judgments(
    [
        ("actors.UKR.no_deal.outcome.territory", D({"triangular": [20, 40, 70]}), (0, 100)),
        ("actors.RUS.no_deal.cost", D({"normal": [0.10, 0.03]}), (0.0, 1.0)),
        ("facts.usa_ready_to_talk", D({"choice": [True, False]}), None),
    ]
)
MODEL = Linear(weights=(0.01, -2.0, 0.3), threshold=0.3)
N = 2 * BLOCK + 1000
CHUNK = 4096


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    return run(MODEL, SPECS, N, execution=Execution(seed=99, method="lhs", chunk_size=CHUNK))


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert set(a) == set(b)
    for key in a:
        assert a[key].dtype == b[key].dtype
        assert np.array_equal(a[key], b[key]), key


def test_in_process_run_is_the_model_on_the_sampled_draws(
    reference: dict[str, np.ndarray],
) -> None:
    direct = MODEL(sample(SPECS, N, seed=99, method="lhs"))
    _same(reference, {k: np.asarray(v) for k, v in direct.items()})
    assert set(np.unique(reference["verdict"])) == {"yes", "no"}


@pytest.mark.parametrize("chunk_size", [1000, BLOCK, N, 3 * N])
def test_chunk_size_does_not_change_the_outputs(
    reference: dict[str, np.ndarray], chunk_size: int
) -> None:
    _same(
        reference,
        run(MODEL, SPECS, N, execution=Execution(seed=99, method="lhs", chunk_size=chunk_size)),
    )


def test_two_processes_give_identical_outputs(reference: dict[str, np.ndarray]) -> None:
    _same(
        reference,
        run(
            MODEL, SPECS, N, execution=Execution(seed=99, method="lhs", chunk_size=CHUNK, workers=2)
        ),
    )


# The Dask tests share one real cluster (a scheduler and two workers) per session: the
# `dask_cluster` fixture of tests/uncertainty/conftest.py.  Keep them in this module: `make test`
# distributes whole modules to its workers (--dist loadscope), so they share one worker.


@pytest.mark.slow
def test_dask_cluster_run_gives_identical_outputs(
    reference: dict[str, np.ndarray], dask_cluster: str
) -> None:
    got = run(
        MODEL,
        SPECS,
        N,
        execution=Execution(
            seed=99, method="lhs", chunk_size=CHUNK, scheduler=dask_cluster, timeout=60
        ),
    )
    _same(reference, got)


@pytest.mark.slow
def test_dask_cluster_evaluate_gives_identical_outputs(dask_cluster: str) -> None:
    rows = sample(SPECS, 3000, seed=5)
    _same(
        evaluate(MODEL, rows, execution=Execution(chunk_size=700)),
        evaluate(MODEL, rows, execution=Execution(scheduler=dask_cluster)),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_scheduler_fails_fast_with_a_clear_error() -> None:
    port = _free_port()  # nothing listens there once the probe socket is closed
    began = time.monotonic()
    with pytest.raises(InputError, match="cannot reach the Dask scheduler") as info:
        run(
            MODEL,
            SPECS,
            10,
            execution=Execution(seed=1, scheduler=f"tcp://127.0.0.1:{port}", timeout=2),
        )
    assert time.monotonic() - began < 30
    assert info.value.diagnostic.path == "scheduler"


def test_silent_scheduler_times_out() -> None:
    # A socket that accepts connections but never speaks: the client must give up, not hang.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        began = time.monotonic()
        with pytest.raises(InputError, match="Dask scheduler"):
            run(
                MODEL,
                SPECS,
                10,
                execution=Execution(seed=1, scheduler=f"tcp://127.0.0.1:{port}", timeout=2),
            )
        assert time.monotonic() - began < 60


@pytest.mark.parametrize(
    ("address", "message"),
    [("nowhere", "is not a Dask scheduler address"), ("  ", "address is empty")],
)
def test_malformed_scheduler_address(address: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        run(MODEL, SPECS, 10, execution=Execution(seed=1, scheduler=address, timeout=1))


def test_workers_and_scheduler_are_exclusive() -> None:
    with pytest.raises(InputError, match="not both"):
        run(MODEL, SPECS, 10, execution=Execution(seed=1, workers=2, scheduler="tcp://127.0.0.1:1"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, "workers must be a positive integer"),
        ({"chunk_size": 0}, "chunk size must be a positive integer"),
        ({"method": "sobol"}, "unknown sampling method"),
        ({"seed": -2}, "seed must be >= 0"),
    ],
)
def test_bad_options_are_input_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        run(MODEL, SPECS, 10, execution=Execution(**{"seed": 1, **kwargs}))  # type: ignore[arg-type]


def test_oversized_runs_are_refused() -> None:
    with pytest.raises(ProblemTooLarge, match="iter_chunks"):
        run(MODEL, SPECS, MAX_RUN_DRAWS + 1, execution=Execution(seed=1))


def test_progress_and_chunks_arrive_in_order(reference: dict[str, np.ndarray]) -> None:
    seen: list[tuple[int, int]] = []
    chunks = list(
        iter_chunks(
            MODEL,
            SPECS,
            N,
            execution=Execution(
                seed=99,
                method="lhs",
                chunk_size=CHUNK,
                progress=lambda done, total: seen.append((done, total)),
            ),
        )
    )
    starts = [start for start, _ in chunks]
    assert starts == list(range(0, N, CHUNK))
    assert [done for done, _ in seen] == [*range(CHUNK, N, CHUNK), N]
    assert {total for _, total in seen} == {N}
    y = np.concatenate([out["y"] for _, out in chunks])
    assert np.array_equal(y, reference["y"])


def test_model_output_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="expected 10 rows"):
        run(_bad_model, SPECS, 10, execution=Execution(seed=1))


def _bad_model(params: np.ndarray) -> dict[str, np.ndarray]:
    return {"y": params[:-1, 0]}


def test_evaluate_runs_given_rows() -> None:
    rows = np.random.default_rng(0).uniform(-np.pi, np.pi, size=(5000, 3))
    whole = Ishigami()(rows)["y"]
    assert np.array_equal(
        evaluate(Ishigami(), rows, execution=Execution(chunk_size=999))["y"], whole
    )
    assert np.array_equal(
        evaluate(Ishigami(), rows, execution=Execution(chunk_size=999, workers=2))["y"], whole
    )


def test_multi_column_outputs_and_zero_draws() -> None:
    def model(params: np.ndarray) -> dict[str, np.ndarray]:
        return {"both": params[:, :2]}

    out = run(model, SPECS, 5000, execution=Execution(seed=3, chunk_size=1024))
    assert out["both"].shape == (5000, 2)
    assert run(model, SPECS, 0, execution=Execution(seed=3)) == {}


@settings(max_examples=10)
@given(chunk_size=st.integers(1, 3010), method=st.sampled_from(["plain", "lhs"]))
def test_any_chunk_size_gives_the_same_run(chunk_size: int, method: Method) -> None:
    small = 3000
    whole = run(MODEL, SPECS, small, execution=Execution(seed=5, method=method, chunk_size=small))
    _same(
        whole,
        run(MODEL, SPECS, small, execution=Execution(seed=5, method=method, chunk_size=chunk_size)),
    )


def test_model_errors_in_worker_processes_propagate() -> None:
    too_wide = Linear(weights=(1.0,) * 5)  # reads columns the draws do not have
    with pytest.raises(IndexError):
        run(too_wide, SPECS, 6000, execution=Execution(seed=1, chunk_size=2000, workers=2))


@pytest.mark.slow
def test_model_errors_on_dask_workers_propagate(dask_cluster: str) -> None:
    # The model must be importable on the workers: a test module's function would not be.
    too_wide = Linear(weights=(1.0,) * 5)
    with pytest.raises(IndexError):
        run(
            too_wide,
            SPECS,
            6000,
            execution=Execution(seed=1, chunk_size=2000, scheduler=dask_cluster, timeout=60),
        )
