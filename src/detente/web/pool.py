"""Analyses off the server's event loop: a process pool with time limits, a cache, one flight.

The engines run in separate processes (:class:`AnalysisPool`), so that a briefing that takes a
second does not hold up a slider's what-if, and an analysis that runs past its time limit is
stopped (an alarm in the worker; if the worker does not answer even then, the pool is replaced).
Results are cached by the version's content hash, the analysis and its parameters
(:class:`Analyses`), in memory and in the database (shared by every server on it); concurrent
requests for the same uncached result wait for one computation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import threading
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from detente import __version__
from detente.web.db import Database
from detente.web.flights import Flights
from detente.web.library import now
from detente.web.models import analysis_cache

__all__ = ["Analyses", "AnalysisPool", "Outcome"]

log = logging.getLogger("detente.web")

Status = Literal["ok", "input", "timeout", "crash", "unavailable"]


@dataclass(frozen=True)
class Outcome:
    """What an analysis gave: a value, the input's problems, or why it could not finish."""

    status: Status
    value: Any = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class _Timeout(BaseException):
    """Raised in a worker by its alarm (a BaseException: engines catch only Exception)."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def _init_worker() -> None:
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself


def _call(function: str, kwargs: dict[str, Any], timeout: float) -> tuple[Status, Any]:
    """Run ``detente.web.analysis.FUNCTION(**kwargs)`` in a worker within ``timeout`` seconds."""
    from detente.errors import DetenteError
    from detente.web import analysis

    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return "ok", getattr(analysis, function)(**kwargs)
    except DetenteError as exc:
        return "input", analysis.diagnostics(exc)
    except _Timeout:
        return "timeout", f"the analysis took longer than {timeout:g} s and was stopped"
    except MemoryError:
        return "crash", "the analysis ran out of memory"
    except Exception as exc:
        return "crash", "".join(traceback.format_exception(exc))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _context() -> Any:
    # forkserver: the server runs threads (forking them is unsafe); the fork server imports the
    # engines once, so a new worker starts in milliseconds.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["detente.web.analysis", "detente.readiness", "numpy"])
        return ctx
    return multiprocessing.get_context("spawn")


class AnalysisPool:
    """``workers`` processes running :mod:`detente.web.analysis` functions."""

    def __init__(self, *, workers: int, timeout: float) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=_context(), initializer=_init_worker
                )
            return self._executor

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return
            self._executor = None
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    async def run(self, function: str, /, **kwargs: Any) -> Outcome:
        """Run an analysis function; never raises for what the analysis does."""
        executor = self._current()
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(executor, _call, function, kwargs, self.timeout)
            status, value = await asyncio.wait_for(future, self.timeout + 15.0)
        except TimeoutError:
            self._replace(executor)
            return Outcome("timeout", f"the analysis took longer than {self.timeout:g} s")
        except BrokenProcessPool:
            self._replace(executor)
            return Outcome(
                "unavailable", "the analysis process stopped (out of memory?); try again"
            )
        if status == "crash":
            log.error("analysis %s failed:\n%s", function, value)
            last = str(value).strip().splitlines()[-1] if str(value).strip() else "no reason given"
            value = f"the {function} analysis failed on this scenario: {last}"
        return Outcome(status, value)

    def warm(self) -> None:
        """Start the workers now (the engines load once, in the fork server), not on the first
        request."""
        executor = self._current()
        for _ in range(self.workers):
            executor.submit(_call, "warm", {}, self.timeout)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)


class Analyses:
    """Cached analyses of library versions: memory, then the database, then the pool."""

    def __init__(self, db: Database, pool: AnalysisPool, *, memory_bytes: int = 256 << 20):
        self.db = db
        self.pool = pool
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._flights: Flights[str, Outcome] = Flights()
        self._lock = threading.Lock()

    @staticmethod
    def key(kind: str, content_hash: str, params: dict[str, Any]) -> str:
        raw = json.dumps([kind, content_hash, params, __version__], sort_keys=True, default=str)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def _remember(self, key: str, body: bytes, media: str) -> None:
        with self._lock:
            if key in self._memory:
                return
            self._memory[key] = (body, media)
            self._size += len(body)
            while self._size > self.memory_bytes and self._memory:
                _, (old, _m) = self._memory.popitem(last=False)
                self._size -= len(old)

    def cached(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
            return hit

    async def get(
        self,
        kind: str,
        content_hash: str,
        params: dict[str, Any],
        compute: Callable[[], Awaitable[Outcome]],
        *,
        media: str = "application/json",
    ) -> Outcome:
        """The analysis result as ``Outcome("ok", (body bytes, media type))``, or its problem."""
        key = self.key(kind, content_hash, params)
        hit = self.cached(key)
        if hit is not None:
            return Outcome("ok", hit)
        return await self._flights.run(
            key, lambda: self._fill(key, kind, content_hash, compute, media)
        )

    async def _fill(
        self,
        key: str,
        kind: str,
        content_hash: str,
        compute: Callable[[], Awaitable[Outcome]],
        media: str,
    ) -> Outcome:
        stored = await asyncio.to_thread(self._load, key)
        if stored is not None:
            self._remember(key, *stored)
            return Outcome("ok", stored)
        outcome = await compute()
        if not outcome.ok:
            return outcome
        value = outcome.value
        if media == "application/json":
            body = json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        else:
            body = str(value).encode("utf-8")
        await asyncio.to_thread(self._store, key, kind, content_hash, body, media)
        self._remember(key, body, media)
        return Outcome("ok", (body, media))

    def _load(self, key: str) -> tuple[bytes, str] | None:
        with self.db.read() as conn:
            row = conn.execute(
                select(analysis_cache.c.body, analysis_cache.c.media_type).where(
                    analysis_cache.c.key == key
                )
            ).first()
        return None if row is None else (row[0].encode("utf-8"), row[1])

    def _store(self, key: str, kind: str, content_hash: str, body: bytes, media: str) -> None:
        try:
            with self.db.write() as conn:
                conn.execute(
                    insert(analysis_cache).values(
                        key=key,
                        kind=kind,
                        content_hash=content_hash,
                        media_type=media,
                        body=body.decode("utf-8"),
                        created_at=now(),
                    )
                )
        except IntegrityError:
            pass  # another server stored the same result first


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
