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

The execution settings (seed, sampling method, chunk size, local workers or a Dask scheduler,
its timeout, a progress callback) are one frozen :class:`Execution`, checked when it is made.
A run is refused before any draw when it would exceed :data:`MAX_DRAW_CELLS` draws x judgments
or keep more than :data:`MAX_OUTPUT_BYTES` of outputs (docs/security.md).
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, ProblemTooLarge
from detente.uncertainty._dask import SAFE_KINDS, dask_stream, parse_address
from detente.uncertainty.sampling import (
    METHODS,
    Judgment,
    JudgmentLike,
    Method,
    as_judgments,
    sample,
)

__all__ = [
    "DEFAULT_CHUNK",
    "MAX_DRAW_CELLS",
    "MAX_OUTPUT_BYTES",
    "MAX_RUN_DRAWS",
    "Execution",
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
#: Largest draws x judgments of one run (each draw of each judgment is sampled and evaluated).
MAX_DRAW_CELLS = 2**28
#: Largest outputs :func:`run` and :func:`evaluate` keep in memory (checked on the first chunk).
MAX_OUTPUT_BYTES = 2**30
#: Largest draws in one chunk times judgments (the chunk's draws are materialised at once);
#: chunks are narrowed to fit.
MAX_CHUNK_CELLS = 2**24

Outputs = dict[str, npt.NDArray[Any]]
Progress = Callable[[int, int], None]
_Task = tuple[int, int]


class Model(Protocol):
    """A vectorised model: ``(m, p)`` draws in, ``{name: array with m rows}`` out."""

    def __call__(self, params: npt.NDArray[np.float64], /) -> Mapping[str, npt.ArrayLike]: ...


def _positive_int(value: object, label: str, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{label} must be a positive integer; got {value!r}", path=path)


@dataclass(frozen=True, kw_only=True)
class Execution:
    """How a Monte Carlo run is drawn and executed; checked once, when made.

    Parameters
    ----------
    seed : int
        Non-negative seed; the same seed gives bit-identical outputs in every execution mode.
    method : {"plain", "lhs"}
        Independent draws, or one Latin hypercube design of all the draws.
    chunk_size : int
        Draws evaluated at once (bounds memory; fixes the partition, whatever the workers).
    workers : int
        Local processes (1: in this process).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:port``) to run the chunks on instead; the
        scheduler and its workers are trusted (docs/security.md).
    timeout : float
        Seconds to wait for the scheduler (its handshake, its identity, a worker).
    progress : callable, optional
        Called as ``progress(draws_done, n)`` after each chunk, in order.

    Raises
    ------
    InputError
        A setting out of range, an address that is not ``tcp://host:port``, or both local
        workers and a scheduler.
    """

    seed: int = 0
    method: Method = "plain"
    chunk_size: int = DEFAULT_CHUNK
    workers: int = 1
    scheduler: str | None = None
    timeout: float = 10.0
    progress: Progress | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        seed = self.seed
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InputError(f"seed must be an integer; got {seed!r}", path="seed")
        if seed < 0:
            raise InputError(f"seed must be >= 0; got {seed}", path="seed")
        if self.method not in METHODS:
            raise InputError(
                f"unknown sampling method {self.method!r}; choose {' or '.join(METHODS)}",
                path="method",
            )
        _positive_int(self.chunk_size, "chunk size", "chunk_size")
        _positive_int(self.workers, "workers", "workers")
        t = self.timeout
        if isinstance(t, bool) or not isinstance(t, int | float) or not 0 < t <= 3600:
            raise InputError(f"timeout must be in (0, 3600] seconds; got {t!r}", path="timeout")
        object.__setattr__(self, "timeout", float(t))
        if self.scheduler is not None:
            if not isinstance(self.scheduler, str):
                raise InputError("the Dask scheduler address must be text", path="scheduler")
            if self.workers != 1:
                raise InputError(
                    "give either a number of local workers or a Dask scheduler address, not both",
                    path="scheduler",
                )
            parse_address(self.scheduler)
            object.__setattr__(self, "scheduler", self.scheduler.strip())
        if self.progress is not None and not callable(self.progress):
            raise InputError("progress must be a callable(done, total)", path="progress")


_DEFAULT = Execution()


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
        if arr.dtype.kind not in SAFE_KINDS:
            raise ValueError(
                f"model output '{name}' has dtype {arr.dtype}; use booleans, numbers or text"
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


def _execute(
    fn: Callable[[Any], Outputs],
    tasks: Sequence[Any],
    rows: Sequence[int],
    execution: Execution,
) -> Iterator[Outputs]:
    if execution.scheduler is not None:
        return dask_stream(
            fn, tasks, rows, execution.scheduler, execution.timeout, in_order=_in_order
        )
    if execution.workers == 1 or len(tasks) <= 1:
        return _serial(fn, tasks)
    return _processes(fn, tasks, execution.workers)


def _chunks(n: int, chunk_size: int) -> list[_Task]:
    return [(start, min(chunk_size, n - start)) for start in range(0, n, chunk_size)]


def _check_execution(execution: object) -> Execution:
    if execution is None:
        return _DEFAULT
    if not isinstance(execution, Execution):
        raise InputError(
            f"execution must be an Execution (got {type(execution).__name__})", path="execution"
        )
    return execution


def check_draw_cells(n: int, p: int) -> None:
    """Refuse ``n`` draws of ``p`` judgments beyond the limits, before anything is drawn."""
    cells = n * max(p, 1)
    if cells > MAX_DRAW_CELLS:
        fit = MAX_DRAW_CELLS // max(p, 1)
        raise ProblemTooLarge(
            f"{n:,} draws x {p} judgments = {cells:,} values to sample and evaluate; the limit "
            f"is {MAX_DRAW_CELLS:,}: lower the number of draws (at most {fit:,} for {p} "
            "judgments) or fix some judgments",
            path="n",
        )


def _chunk_size(chunk_size: int, p: int) -> int:
    """The chunk size, narrowed for very many judgments so that a chunk's draws stay within
    :data:`MAX_CHUNK_CELLS` (the partition then depends on ``p`` too; the draws never do)."""
    return max(1, min(chunk_size, MAX_CHUNK_CELLS // max(p, 1)))


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def _collect(chunks: Iterable[Outputs], n: int) -> Outputs:
    parts: dict[str, list[npt.NDArray[Any]]] = {}
    for i, chunk in enumerate(chunks):
        if i == 0:
            parts = {name: [] for name in chunk}
            per_row = sum(a.nbytes // max(1, a.shape[0]) for a in chunk.values())
            if per_row * n > MAX_OUTPUT_BYTES:
                raise ProblemTooLarge(
                    f"the outputs of {n:,} draws would take {_size(per_row * n)} "
                    f"({per_row} bytes per draw); the limit is {_size(MAX_OUTPUT_BYTES)}: "
                    "lower the number of draws, or aggregate chunk by chunk with iter_chunks",
                    path="n",
                )
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
    execution: Execution | None = None,
) -> Iterator[tuple[int, Outputs]]:
    """Evaluate ``model`` on ``n`` seeded draws, yielding ``(start, outputs)`` chunk by chunk.

    Chunks come in draw order whatever order the workers finish them in.  Parameters are those
    of :func:`run`.
    """
    ex = _check_execution(execution)
    judgments = as_judgments(specs)
    # Validate n eagerly (before any process or cluster is touched).
    sample(judgments, 0, seed=ex.seed, method=ex.method, start=0, total=max(n, 0))
    check_draw_cells(n, len(judgments))
    tasks = _chunks(n, _chunk_size(ex.chunk_size, len(judgments)))
    fn = functools.partial(_sampled_chunk, model, judgments, ex.seed, ex.method, n)
    stream = _execute(fn, tasks, [size for _, size in tasks], ex)
    return _with_progress(stream, tasks, n, ex.progress)


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
    execution: Execution | None = None,
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
    execution : Execution, optional
        Seed, sampling method, chunk size, local workers or Dask scheduler, timeout, progress
        (default ``Execution()``: seed 0, plain draws, in this process).

    Returns
    -------
    dict of str to ndarray
        Each output of the model for all ``n`` draws, in draw order.

    Raises
    ------
    InputError
        Bad counts or judgments; an unreachable scheduler (within the timeout); a chunk from
        a worker that is not arrays of the expected shape and dtype.
    ProblemTooLarge
        More than :data:`MAX_RUN_DRAWS` draws, :data:`MAX_DRAW_CELLS` draws x judgments or
        :data:`MAX_OUTPUT_BYTES` of outputs (aggregate with :func:`iter_chunks` instead).
    """
    if isinstance(n, int) and n > MAX_RUN_DRAWS:
        raise ProblemTooLarge(
            f"{n} draws exceed the {MAX_RUN_DRAWS} whose outputs a run keeps in memory; "
            "aggregate chunk by chunk with detente.uncertainty.runner.iter_chunks",
            path="n",
        )
    chunks = iter_chunks(model, specs, n, execution=execution)
    return _collect((outputs for _, outputs in chunks), n)


def evaluate(
    model: Model,
    params: npt.ArrayLike,
    *,
    execution: Execution | None = None,
) -> Outputs:
    """Evaluate ``model`` on given rows of judgments (a Sobol' design, a tornado), in chunks.

    Same execution settings as :func:`run` (its seed and method are not used: the rows are
    given); the rows travel to the workers.
    """
    ex = _check_execution(execution)
    rows = np.asarray(params, dtype=np.float64)
    if rows.ndim != 2:
        raise ValueError(f"params must be a 2-D array (draws x judgments); got shape {rows.shape}")
    n = rows.shape[0]
    spans = _chunks(n, _chunk_size(ex.chunk_size, rows.shape[1]))
    tasks = [rows[start : start + size] for start, size in spans]
    fn = functools.partial(_rows_chunk, model)
    stream = _execute(fn, tasks, [size for _, size in spans], ex)
    return _collect((out for _, out in _with_progress(stream, spans, n, ex.progress)), n)
