"""Chunked Monte Carlo runs: in process, across local processes, or on a Dask cluster.

A *model* is a picklable callable (a module-level function, or a frozen dataclass with
``__call__``) that maps a ``(m, p)`` array of judgment draws -- one row per draw, one column per
judgment, in the order of the ``specs`` -- to a mapping ``{output name: array}`` whose arrays
have ``m`` rows, computed vectorised over the rows.  Each row's outputs should depend on that
row only; a model whose arithmetic depends on the batch (a BLAS matrix product may sum in an
order that depends on the number of rows) can differ in the last bit between chunk sizes --
never between execution modes, whose chunking is the same.

The ``n`` draws are cut into chunks of ``chunk_size`` consecutive draws.  The chunking depends on
``n`` and ``chunk_size`` only -- never on the number of workers -- and each chunk's draws are a
pure function of ``(seed, judgment, draw index)`` (see :mod:`detente.uncertainty.sampling`), so
with the same seed a run gives bit-identical outputs in process, on ``K`` processes and on any
Dask cluster.  Chunks are generated where they are evaluated (only the small task description
travels), at most ``2 x workers`` chunks are in flight, and only the outputs come back, so memory
stays bounded whatever ``n`` is; :func:`iter_chunks` hands the outputs over chunk by chunk, in
order, for callers that aggregate incrementally.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, ProblemTooLarge
from detente.uncertainty.sampling import (
    Judgment,
    JudgmentLike,
    Method,
    as_judgments,
    sample,
)

__all__ = [
    "DEFAULT_CHUNK",
    "MAX_RUN_DRAWS",
    "Model",
    "Outputs",
    "Progress",
    "evaluate",
    "iter_chunks",
    "run",
]

#: Default draws per chunk: a multiple of :data:`~detente.uncertainty.sampling.BLOCK`.
DEFAULT_CHUNK = 65_536
#: Largest run whose outputs :func:`run` keeps in memory; beyond it use :func:`iter_chunks`.
MAX_RUN_DRAWS = 100_000_000

Outputs = dict[str, npt.NDArray[Any]]
Progress = Callable[[int, int], None]
_Task = tuple[int, int]


class Model(Protocol):
    """A vectorised model: ``(m, p)`` draws in, ``{name: array with m rows}`` out."""

    def __call__(self, params: npt.NDArray[np.float64], /) -> Mapping[str, npt.ArrayLike]: ...


# ---------------------------------------------------------------------- tasks (run in workers)
def _checked(result: Mapping[str, npt.ArrayLike], rows: int) -> Outputs:
    if not isinstance(result, Mapping):
        raise TypeError(f"the model must return a mapping of output arrays, not {type(result)}")
    out: Outputs = {}
    for name, value in result.items():
        arr = np.asarray(value)
        if arr.ndim == 0 or arr.shape[0] != rows:
            raise ValueError(
                f"model output '{name}' has shape {arr.shape}; expected {rows} rows, one per draw"
            )
        out[str(name)] = arr
    return out


def _sampled_chunk(
    model: Model,
    judgments: tuple[Judgment, ...],
    seed: int,
    method: Method,
    total: int,
    task: _Task,
) -> Outputs:
    start, size = task
    params = sample(judgments, size, seed=seed, method=method, start=start, total=total)
    return _checked(model(params), size)


def _rows_chunk(model: Model, params: npt.NDArray[np.float64]) -> Outputs:
    return _checked(model(params), params.shape[0])


# ---------------------------------------------------------------------- executors
def _serial(fn: Callable[[Any], Outputs], tasks: Sequence[Any]) -> Iterator[Outputs]:
    for task in tasks:
        yield fn(task)


def _in_order(
    submit: Callable[[Any], Any],
    result: Callable[[Any], Outputs],
    tasks: Sequence[Any],
    window: int,
) -> Iterator[Outputs]:
    """Keep at most ``window`` tasks in flight and yield their results in task order.

    Chunks are of equal size, so waiting on the oldest one when the window is full keeps the
    workers busy while bounding the results held in memory to ``window`` chunks.
    """
    pending: dict[int, Any] = {}
    following = 0
    for index, task in enumerate(tasks):
        if len(pending) >= window:
            yield result(pending.pop(following))
            following += 1
        pending[index] = submit(task)
    while pending:
        yield result(pending.pop(following))
        following += 1


def _process_context(model: object) -> Any:
    # Forking a process that runs threads (BLAS pools, a Dask client, a progress bar) can
    # deadlock, so workers come from a fork server where there is one (else fresh interpreters).
    # The server is started once per session with this package and the model's module already
    # imported, so later pools start in milliseconds rather than re-importing NumPy and SciPy.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    modules = ["detente.uncertainty.runner"]
    owner = getattr(model, "__module__", None) or type(model).__module__
    if isinstance(owner, str) and owner not in ("__main__", "__mp_main__", "builtins"):
        modules.append(owner)
    context.set_forkserver_preload(modules)
    return context


def _processes(
    fn: Callable[[Any], Outputs], tasks: Sequence[Any], workers: int
) -> Iterator[Outputs]:
    model = fn.args[0] if isinstance(fn, functools.partial) and fn.args else fn
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context(model))
    try:
        yield from _in_order(
            lambda task: pool.submit(fn, task),
            lambda future: future.result(),
            tasks,
            2 * workers,
        )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    fn: Callable[[Any], Outputs], tasks: Sequence[Any], address: str, timeout: float
) -> Iterator[Outputs]:
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
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({exc})",
            path="scheduler",
        ) from exc
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
        yield from _in_order(
            lambda task: client.submit(_call, remote, task, pure=False),
            lambda future: future.result(),
            tasks,
            2 * threads,
        )
    finally:
        client.close()


def _probe(address: str, timeout: float) -> None:
    """Fail fast, and quietly, unless a Dask scheduler answers at a TCP address.

    ``distributed.Client`` waits forever on an endpoint that accepts the connection but never
    answers, and a Client that failed to connect stalls for seconds when garbage collected; so
    first a plain socket, then the scheduler's ``identity`` call, each bounded by ``timeout``.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme != "tcp":
            return
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"'{address}' is not a Dask scheduler address such as tcp://10.0.0.5:8786 ({exc})",
            path="scheduler",
        ) from exc
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
        with ThreadPoolExecutor(max_workers=1) as thread:
            # A thread of its own, so that this works even when the caller runs an event loop.
            info = thread.submit(asyncio.run, _identity(address, timeout)).result()
    except (OSError, TimeoutError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or "no answer"
        raise InputError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({reason})",
            path="scheduler",
        ) from exc
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


def _call(fn: Callable[[Any], Outputs], task: Any) -> Outputs:
    return fn(task)


def _execute(
    fn: Callable[[Any], Outputs],
    tasks: Sequence[Any],
    *,
    workers: int,
    scheduler: str | None,
    timeout: float,
) -> Iterator[Outputs]:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive integer; got {workers!r}", path="workers")
    if scheduler is not None:
        if workers != 1:
            raise InputError(
                "give either a number of local workers or a Dask scheduler address, not both",
                path="scheduler",
            )
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise InputError("the Dask scheduler address is empty", path="scheduler")
        if not timeout > 0:
            raise InputError(f"timeout must be > 0 seconds; got {timeout}", path="timeout")
        return _dask(fn, tasks, scheduler.strip(), float(timeout))
    if workers == 1 or len(tasks) <= 1:
        return _serial(fn, tasks)
    return _processes(fn, tasks, workers)


def _chunks(n: int, chunk_size: int) -> list[_Task]:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError(f"chunk size must be a positive integer; got {chunk_size!r}")
    return [(start, min(chunk_size, n - start)) for start in range(0, n, chunk_size)]


def _collect(chunks: Iterable[Outputs], n: int) -> Outputs:
    parts: dict[str, list[npt.NDArray[Any]]] = {}
    for i, chunk in enumerate(chunks):
        if i == 0:
            parts = {name: [] for name in chunk}
        elif set(chunk) != set(parts):
            raise ValueError(
                f"the model returned outputs {sorted(chunk)} in one chunk and "
                f"{sorted(parts)} in another"
            )
        for name, arr in chunk.items():
            parts[name].append(arr)
    return {name: np.concatenate(arrays) for name, arrays in parts.items()}


# ---------------------------------------------------------------------- public API
def iter_chunks(
    model: Model,
    specs: Sequence[JudgmentLike],
    n: int,
    *,
    seed: int,
    method: Method = "plain",
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 10.0,
    progress: Progress | None = None,
) -> Iterator[tuple[int, Outputs]]:
    """Evaluate ``model`` on ``n`` seeded draws, yielding ``(start, outputs)`` chunk by chunk.

    Chunks come in draw order whatever order the workers finish them in.  Parameters are those
    of :func:`run`.
    """
    judgments = as_judgments(specs)
    # Validate seed/method/n eagerly (before any process or cluster is touched).
    sample(judgments, 0, seed=seed, method=method, start=0, total=max(n, 0))
    tasks = _chunks(n, chunk_size)
    fn = functools.partial(_sampled_chunk, model, judgments, seed, method, n)
    stream = _execute(fn, tasks, workers=workers, scheduler=scheduler, timeout=timeout)
    return _with_progress(stream, tasks, n, progress)


def _with_progress(
    stream: Iterator[Outputs], tasks: Sequence[_Task], n: int, progress: Progress | None
) -> Iterator[tuple[int, Outputs]]:
    done = 0
    for (start, size), outputs in zip(tasks, stream, strict=True):
        done += size
        if progress is not None:
            progress(done, n)
        yield start, outputs


def run(
    model: Model,
    specs: Sequence[JudgmentLike],
    n: int,
    *,
    seed: int,
    method: Method = "plain",
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 10.0,
    progress: Progress | None = None,
) -> Outputs:
    """Evaluate ``model`` on ``n`` seeded joint draws of the judgments; keep only the outputs.

    Parameters
    ----------
    model : Model
        Picklable vectorised callable, ``(m, p)`` draws -> ``{name: array of m rows}``.
    specs : sequence of Judgment or (name, DistributionSpec, valid range) triples
        The uncertain judgments; column ``j`` of the draws is ``specs[j]``.
    n : int
        Number of draws.
    seed : int
        Non-negative seed; the same seed gives bit-identical outputs in every execution mode.
    method : {"plain", "lhs"}
        Independent draws, or one Latin hypercube design of ``n`` draws.
    chunk_size : int
        Draws evaluated at once (bounds memory; fixes the partition, whatever the workers).
    workers : int
        Local processes (1: in this process).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:port``) to run the chunks on instead.
    timeout : float
        Seconds to wait for the scheduler (and for it to have a worker) before giving up.
    progress : callable, optional
        Called as ``progress(draws_done, n)`` after each chunk, in order.

    Returns
    -------
    dict of str to ndarray
        Each output of the model for all ``n`` draws, in draw order.

    Raises
    ------
    InputError
        Bad seed, method, counts or judgments; an unreachable scheduler (within ``timeout``).
    ProblemTooLarge
        More than :data:`MAX_RUN_DRAWS` draws (aggregate with :func:`iter_chunks` instead).
    """
    if isinstance(n, int) and n > MAX_RUN_DRAWS:
        raise ProblemTooLarge(
            f"{n} draws exceed the {MAX_RUN_DRAWS} whose outputs a run keeps in memory; "
            "aggregate chunk by chunk with detente.uncertainty.runner.iter_chunks"
        )
    chunks = iter_chunks(
        model,
        specs,
        n,
        seed=seed,
        method=method,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        progress=progress,
    )
    return _collect((outputs for _, outputs in chunks), n)


def evaluate(
    model: Model,
    params: npt.ArrayLike,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 10.0,
    progress: Progress | None = None,
) -> Outputs:
    """Evaluate ``model`` on given rows of judgments (a Sobol' design, a tornado), in chunks.

    Same execution options as :func:`run`; the rows travel to the workers.
    """
    rows = np.asarray(params, dtype=np.float64)
    if rows.ndim != 2:
        raise ValueError(f"params must be a 2-D array (draws x judgments); got shape {rows.shape}")
    n = rows.shape[0]
    tasks = [rows[start : start + size] for start, size in _chunks(n, chunk_size)]
    fn = functools.partial(_rows_chunk, model)
    stream = _execute(fn, tasks, workers=workers, scheduler=scheduler, timeout=timeout)
    spans = _chunks(n, chunk_size)
    return _collect((out for _, out in _with_progress(stream, spans, n, progress)), n)
