"""A wrong or hostile ``--scheduler`` is one clear error within the timeout (issue 17, item 16),
and chunks coming back from workers are checked (item 17)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from detente.errors import InputError
from detente.uncertainty import DistributionSpec, Execution, run
from detente.uncertainty._dask import check_chunk, parse_address
from detente.uncertainty.sampling import as_judgments
from detente.uncertainty.testfunctions import Linear
from tests.hostile.servers import ANSWERS, hostile_server

SPECS = as_judgments([("x", DistributionSpec.model_validate({"uniform": [0, 1]}), (0.0, 1.0))])
MODEL = Linear(weights=(1.0,), threshold=0.5)


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_hostile_servers_give_one_input_error_within_the_timeout(kind: str) -> None:
    with hostile_server(kind) as address:
        began = time.monotonic()
        with pytest.raises(InputError) as info:
            run(MODEL, SPECS, 10, execution=Execution(scheduler=address, timeout=2))
        assert time.monotonic() - began < 10
    assert info.value.diagnostic.path == "scheduler"
    assert "Dask scheduler" in str(info.value)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("tls://127.0.0.1:8786", "TLS credentials"),
        ("inproc://10.0.0.1/1234/1", "inside the Python process"),
        ("ucx://127.0.0.1:8786", "not supported"),
        ("http://127.0.0.1:8787", "unknown scheme"),
        ("tcp://127.0.0.1", "give the host and the port"),
        ("tcp://127.0.0.1:0", "port must be a number in 1..65535"),
        ("tcp://127.0.0.1:99999", "port must be a number"),
        ("tcp://127.0.0.1:http", "port must be a number"),
        ("tcp://[::1:8786", "IPv6"),
        ("tcp://[zz]:8786", "not an IPv6 address"),
        ("tcp://a b:1", "spaces or control characters"),
        ("tcp://\x1b[2J:1", "spaces or control characters"),
        ("", "empty"),
    ],
)
def test_addresses_are_checked_when_the_execution_is_made(address: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        Execution(scheduler=address)
    assert info.value.diagnostic.path == "scheduler"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://127.0.0.1:8786", ("127.0.0.1", 8786)),
        ("127.0.0.1:8786", ("127.0.0.1", 8786)),
        ("TCP://scheduler.example:1", ("scheduler.example", 1)),
        ("tcp://[::1]:8786", ("::1", 8786)),
    ],
)
def test_good_addresses_parse(address: str, expected: tuple[str, int]) -> None:
    assert parse_address(address) == expected


@pytest.mark.parametrize(
    ("chunk", "message"),
    [
        ([1, 2, 3], "not a mapping"),
        ({"y": [1.0, 2.0]}, "not arrays"),
        ({1: np.zeros(2)}, "not arrays"),
        ({"y": np.zeros(3)}, "shape"),
        ({"y": np.zeros((2, 2, 2))}, "shape"),
        ({"y": np.array([object(), object()])}, "dtype object"),
        ({"y": np.zeros(2, dtype=[("a", "f8")])}, "dtype"),
        ({"z": np.zeros(2)}, "expected \\['y'\\]"),
    ],
)
def test_returned_chunks_are_checked_for_names_shape_and_dtype(chunk: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_chunk(chunk, 2, ["y"])


def test_a_good_chunk_passes() -> None:
    out = check_chunk({"y": np.zeros(2), "v": np.array(["a", "b"]), "k": np.ones((2, 3))}, 2)
    assert sorted(out) == ["k", "v", "y"]
