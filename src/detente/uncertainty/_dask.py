"""Running chunks on a Dask cluster: address checks, a bounded handshake, checked results.

A Dask scheduler and its workers are trusted by whoever connects to them (docs/security.md):
results come back as pickles, and unpickling runs code.  What is checked here is everything a
wrong address or a broken server can do: only ``tcp://host:port`` addresses (TLS needs
credentials detente does not configure; ``inproc://`` exists only inside one process), a plain
socket that must connect and receive a well-formed Dask handshake within the timeout (an HTTP
server or a garbage answer never reaches Dask's own reader, which would trust a length prefix
of up to 2^64 bytes), then the scheduler's ``identity`` call, each bounded by the timeout; any
failure on the way is one :class:`~detente.errors.InputError`.  Every returned chunk is checked
for its names, shape and dtype before it is used.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError, InputError

__all__ = ["SAFE_KINDS", "check_chunk", "dask_stream", "parse_address"]

Outputs = dict[str, npt.NDArray[Any]]
#: dtype kinds a chunk of outputs may hold: booleans, integers, floats, text (never objects).
SAFE_KINDS = "biufUS"
_MAX_HANDSHAKE = 64 * 1024
_SCHEMES = {
    "tls": "tls:// needs TLS credentials, which detente does not configure; connect with "
    "tcp:// (through an SSH tunnel for a remote cluster)",
    "inproc": "inproc:// addresses exist only inside the Python process that made them",
    "ucx": "ucx:// is not supported; use tcp://",
    "ws": "ws:// is not supported; use tcp://",
    "wss": "wss:// is not supported; use tcp://",
}


def _bad(address: str, why: str) -> InputError:
    return InputError(
        f"'{address}' is not a Dask scheduler address such as tcp://10.0.0.5:8786: {why}",
        path="scheduler",
    )


def parse_address(address: str) -> tuple[str, int]:
    """``(host, port)`` of a ``tcp://host:port`` (or ``host:port``) scheduler address."""
    text = address.strip()
    if not text:
        raise InputError("the Dask scheduler address is empty", path="scheduler")
    if len(text) > 300 or not text.isprintable() or any(c.isspace() for c in text):
        raise _bad(address[:60], "it holds spaces or control characters, or is too long")
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    scheme = scheme.lower()
    if scheme != "tcp":
        raise _bad(address, _SCHEMES.get(scheme, f"unknown scheme {scheme}://; use tcp://"))
    if rest.startswith("["):
        host, bracket, tail = rest[1:].partition("]")
        if not bracket or not tail.startswith(":"):
            raise _bad(address, "an IPv6 address is written [addr]:port")
        port_text = tail[1:]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _bad(address, f"'{host}' is not an IPv6 address") from None
    else:
        host, colon, port_text = rest.rpartition(":")
        if not colon or not host:
            raise _bad(address, "give the host and the port, e.g. tcp://127.0.0.1:8786")
        if ":" in host or "/" in host:
            raise _bad(address, "a host name holds no ':' or '/'")
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise _bad(address, f"the port must be a number in 1..65535 (got '{port_text}')")
    return host, int(port_text)


def _handshake(host: str, port: int, address: str, timeout: float) -> None:
    """Connect and read the scheduler's first message, refusing anything but a Dask handshake.

    A Dask peer writes its handshake (a few dozen bytes: an 8-byte length, a frame table, a
    msgpack map with 'compression' and 'python') as soon as the connection is accepted.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            head = _recv(sock, 8)
            (size,) = struct.unpack("<Q", head)
            if not 16 <= size <= _MAX_HANDSHAKE:
                raise InputError(
                    f"{address} answers, but not as a Dask scheduler (it sent {head!r})",
                    path="scheduler",
                )
            body = _recv(sock, size)
    except TimeoutError:
        raise InputError(
            f"{address} accepted the connection but sent no Dask handshake within "
            f"{timeout:g} s (is it a Dask scheduler? the dashboard's port is not)",
            path="scheduler",
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise InputError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({reason})",
            path="scheduler",
        ) from None
    (frames,) = struct.unpack("<Q", body[:8])
    lengths = struct.unpack(f"<{min(frames, 16)}Q", body[8 : 8 + 8 * min(frames, 16)] or b"")
    first = 8 + 8 * len(lengths)
    if not (
        1 <= frames <= 16
        and len(lengths) == frames
        and first + sum(lengths) == size
        and body[first : first + 1] in (b"\x83", b"\x84", b"\x85", b"\xde")
        and b"compression" in body
    ):
        raise InputError(f"{address} answers, but not as a Dask scheduler", path="scheduler")


def _recv(sock: socket.socket, n: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < n:
        piece = sock.recv(n - got)
        if not piece:
            raise ConnectionResetError(0, "the server closed the connection")
        parts.append(piece)
        got += len(piece)
    return b"".join(parts)


def _probe(address: str, timeout: float) -> None:
    """Fail fast and quietly unless a Dask scheduler answers at ``address``."""
    host, port = parse_address(address)
    _handshake(host, port, address, timeout)
    try:
        with ThreadPoolExecutor(max_workers=1) as thread:
            # A thread of its own, so that this works even when the caller runs an event loop.
            info = thread.submit(asyncio.run, _identity(address, timeout)).result()
    except DetenteError:
        raise
    except Exception as exc:  # whatever a broken peer makes Dask's reader raise
        raise InputError(
            f"the Dask scheduler at {address} did not answer its identity call within "
            f"{timeout:g} s ({type(exc).__name__}: {exc})",
            path="scheduler",
        ) from None
    if not isinstance(info, Mapping) or info.get("type") != "Scheduler":
        raise InputError(f"{address} answers, but not as a Dask scheduler", path="scheduler")


async def _identity(address: str, timeout: float) -> Any:
    from distributed.core import rpc as rpc_type

    rpc: Any = rpc_type  # untyped upstream

    async def ask() -> Any:
        remote: Any = rpc(address, timeout=timeout)
        try:
            return await remote.identity()
        finally:
            await remote.close_rpc()

    return await asyncio.wait_for(ask(), timeout)


def check_chunk(result: object, rows: int, names: Sequence[str] | None = None) -> Outputs:
    """A chunk of model outputs as returned by a worker, checked before it is used.

    It must be a mapping of output names to arrays of booleans, numbers or text with ``rows``
    rows (at most two dimensions), with the same names as the first chunk (``names``).
    """
    if not isinstance(result, Mapping):
        raise InputError(
            f"a worker returned a {type(result).__name__}, not a mapping of output arrays",
            path="scheduler",
        )
    out: Outputs = {}
    for name, value in result.items():
        if not isinstance(name, str) or not isinstance(value, np.ndarray):
            raise InputError(
                "a worker returned outputs that are not arrays named by strings", path="scheduler"
            )
        if value.dtype.kind not in SAFE_KINDS or value.dtype.hasobject:
            raise InputError(
                f"a worker returned output '{name}' of dtype {value.dtype}; only booleans, "
                "numbers and text are accepted",
                path="scheduler",
            )
        if value.ndim not in (1, 2) or value.shape[0] != rows:
            raise InputError(
                f"a worker returned output '{name}' of shape {value.shape}; expected {rows} "
                "rows, one per draw",
                path="scheduler",
            )
        out[name] = value
    if names is not None and sorted(out) != sorted(names):
        raise InputError(
            f"a worker returned outputs {sorted(out)[:10]}; expected {sorted(names)[:10]}",
            path="scheduler",
        )
    return out


def dask_stream(
    fn: Callable[[Any], Outputs],
    tasks: Sequence[Any],
    rows: Sequence[int],
    address: str,
    timeout: float,
    in_order: Callable[..., Iterator[Outputs]],
) -> Iterator[Outputs]:
    """Run ``fn`` on every task on the cluster at ``address``; yield checked results in order."""
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise InputError(
            "running on a Dask cluster needs the 'distributed' package "
            "(pip install 'detente[dask]')"
        ) from exc
    _probe(address, timeout)
    try:
        client_type: Any = distributed.Client  # untyped upstream
        client: Any = client_type(address, timeout=timeout, set_as_default=False)
    except Exception as exc:
        raise InputError(
            f"cannot connect to the Dask scheduler at {address} within {timeout:g} s "
            f"({type(exc).__name__}: {exc})",
            path="scheduler",
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"the Dask scheduler at {address} has no workers (waited {timeout:g} s)",
                path="scheduler",
            ) from exc
        info = client.scheduler_info(n_workers=-1).get("workers", {})
        threads = max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))
        remote = client.scatter(fn, broadcast=True, hash=False)
        names: list[str] | None = None
        for index, chunk in enumerate(
            in_order(
                lambda task: client.submit(_call, remote, task, pure=False),
                lambda future: future.result(),
                tasks,
                2 * threads,
            )
        ):
            checked = check_chunk(chunk, rows[index], names)
            names = names or list(checked)
            yield checked
    finally:
        client.close()


def _call(fn: Callable[[Any], Outputs], task: Any) -> Outputs:
    return fn(task)
