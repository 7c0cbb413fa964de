"""Background jobs: simulations and reports, with progress, cancel and a record in the database.

A job is a row in ``jobs``; the whole team sees it, and a page that reloads finds it again.  A
job runs in a separate process (:class:`JobRunner`), which writes its progress (done/total) to
the row at most twice a second and reads the row's cancel flag at the same time: cancelling a
running job stops it at its next progress step (a queued job is cancelled at once).  With a Dask
scheduler (``--dask``) a simulation's draws run on that cluster.

A job never stays "running" after its server is gone: the server beats on its running jobs every
few seconds, any server fails a running job whose beat is older than :data:`STALE`, and a server
that starts fails the queued and running jobs it had before it stopped (same ``instance``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from detente.web.db import Database
from detente.web.library import now
from detente.web.models import jobs, scenarios, users, versions
from detente.web.pool import _context

__all__ = ["KINDS", "STALE", "JobRunner", "get_job", "list_jobs", "run_job"]

log = logging.getLogger("detente.web")

#: Job kinds and the analysis each runs (a backtest job joins when the track record lands).
KINDS = ("simulate", "report")
#: Seconds without a beat after which a running job is failed.
STALE = 60.0
BEAT = 5.0
_STATES_OPEN = ("queued", "running")


class Cancelled(BaseException):
    """Raised in a job's process when the job was cancelled (engines catch only Exception)."""


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


_COLUMNS = (
    jobs.c.id,
    jobs.c.kind,
    jobs.c.scenario_id,
    jobs.c.version,
    jobs.c.params,
    jobs.c.state,
    jobs.c.done,
    jobs.c.total,
    jobs.c.error,
    jobs.c.cancel_requested,
    users.c.name,
    jobs.c.created_at,
    jobs.c.started_at,
    jobs.c.finished_at,
    jobs.c.artifact.is_not(None),
)


def _record(row: Any, result: str | None = None) -> dict[str, Any]:
    return {
        "id": row[0],
        "kind": row[1],
        "scenario": row[2],
        "version": int(row[3]),
        "params": json.loads(row[4]),
        "state": row[5],
        "progress": {"done": int(row[6]), "total": int(row[7])},
        "error": row[8],
        "cancel_requested": bool(row[9]),
        "created_by": row[10],
        "created_at": _utc(row[11]),
        "started_at": _utc(row[12]),
        "finished_at": _utc(row[13]),
        "has_artifact": bool(row[14]),
        "result": json.loads(result) if result else None,
    }


def get_job(db: Database, job_id: str, *, with_result: bool = True) -> dict[str, Any] | None:
    """A job's record (with its result when done), or None."""
    cols = (*_COLUMNS, jobs.c.result) if with_result else _COLUMNS
    query = select(*cols).select_from(jobs.join(users)).where(jobs.c.id == job_id)
    with db.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return _record(row, row[15] if with_result else None)


def get_artifact(db: Database, job_id: str) -> str | None:
    with db.read() as conn:
        return conn.execute(select(jobs.c.artifact).where(jobs.c.id == job_id)).scalar()


def list_jobs(
    db: Database, *, scenario: str | None = None, state: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Jobs, newest first (without results)."""
    query = select(*_COLUMNS).select_from(jobs.join(users))
    if scenario is not None:
        query = query.where(jobs.c.scenario_id == scenario)
    if state is not None:
        query = query.where(jobs.c.state == state)
    query = query.order_by(jobs.c.created_at.desc(), jobs.c.id).limit(limit)
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [_record(r) for r in rows]


# ---- in the job's process ---------------------------------------------------------------------


def run_job(url: str, job_id: str, dask: str | None) -> None:
    """Run one job to its end, writing its state, progress and result to its row."""
    from detente.errors import DetenteError
    from detente.web import analysis

    db = Database(url, pool="null")
    try:
        with db.write() as conn:
            row = conn.execute(
                select(jobs.c.kind, jobs.c.params, versions.c.text, jobs.c.scenario_id)
                .select_from(jobs.join(versions))
                .where(jobs.c.id == job_id)
            ).first()
            started = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state == "queued")
                .values(state="running", started_at=now(), heartbeat_at=now())
            ).rowcount
        if row is None or started != 1:
            return  # cancelled before it started
        kind, params, text = row[0], json.loads(row[1]), row[2]
        name = f"{row[3]}.yaml"
        as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
        progress = _Progress(db, job_id)
        if kind == "simulate":
            result = analysis.simulate(
                text,
                name=name,
                as_of=as_of,
                what_if=params.get("what_if"),
                draws=int(params["draws"]),
                seed=int(params["seed"]),
                engine=str(params["engine"]),
                sensitivity=bool(params["sensitivity"]),
                scheduler=dask,
                progress=progress,
            )
            _finish(db, job_id, state="done", result=json.dumps(result, allow_nan=False))
        else:
            progress(0, 1)
            html = analysis.report(text, name=name, as_of=as_of, draws=params.get("draws"))
            progress.check()
            _finish(
                db,
                job_id,
                state="done",
                done=1,
                total=1,
                artifact=html,
                result=json.dumps({"bytes": len(html.encode("utf-8"))}),
            )
    except Cancelled:
        _finish(db, job_id, state="cancelled", error="cancelled")
    except DetenteError as exc:
        _finish(
            db,
            job_id,
            state="failed",
            error="; ".join(d["message"] for d in analysis.diagnostics(exc)),
        )
    except Exception as exc:
        log.exception("job %s failed", job_id)
        _finish(db, job_id, state="failed", error=f"the job failed: {exc}")
    finally:
        db.dispose()


class _Progress:
    """The progress callback: writes done/total and reads the cancel flag, at most every 0.5 s."""

    def __init__(self, db: Database, job_id: str) -> None:
        self.db = db
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        t = time.monotonic()
        if t - self.last < 0.5 and done < total:
            return
        self.last = t
        with self.db.write() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == self.job_id)
                .values(done=int(done), total=int(total), heartbeat_at=now())
            )
        self.check()

    def check(self) -> None:
        with self.db.read() as conn:
            flag = conn.execute(
                select(jobs.c.cancel_requested).where(jobs.c.id == self.job_id)
            ).scalar()
        if flag:
            raise Cancelled


def _finish(db: Database, job_id: str, *, state: str, **values: Any) -> None:
    with db.write() as conn:
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state.in_(_STATES_OPEN))
            .values(state=state, finished_at=now(), **values)
        )


# ---- in the server ----------------------------------------------------------------------------


class JobRunner:
    """Starts jobs in local processes and keeps their rows honest."""

    def __init__(self, db: Database, *, workers: int, instance: str, dask: str | None) -> None:
        self.db = db
        self.instance = instance
        self.dask = dask
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=_context())
        return self._executor

    def recover(self) -> int:
        """Fail this instance's jobs left open by its previous run; return how many."""
        with self.db.write() as conn:
            return int(
                conn.execute(
                    update(jobs)
                    .where(jobs.c.runner == self.instance, jobs.c.state.in_(_STATES_OPEN))
                    .values(
                        state="failed",
                        finished_at=now(),
                        error="the server restarted while the job was queued or running; "
                        "start it again",
                    )
                ).rowcount
            )

    def start(self) -> None:
        self.recover()
        self._task = asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.beat)
            except Exception:  # a database hiccup must not stop the beats
                log.exception("job heartbeat failed")
            await asyncio.sleep(BEAT)

    def beat(self) -> None:
        """Beat on this server's running jobs; fail anyone's running job without a beat."""
        t = now()
        stale = t - dt.timedelta(seconds=STALE)
        with self.db.write() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.runner == self.instance, jobs.c.state == "running")
                .values(heartbeat_at=t)
            )
            conn.execute(
                update(jobs)
                .where(
                    jobs.c.state == "running",
                    or_(jobs.c.heartbeat_at.is_(None), jobs.c.heartbeat_at < stale),
                )
                .values(
                    state="failed",
                    finished_at=t,
                    error="the server running the job stopped; start it again",
                )
            )

    def submit(
        self, *, kind: str, scenario: str, version: int, params: dict[str, Any], user_id: int
    ) -> str:
        """Record a job and start it; return its id."""
        job_id = uuid.uuid4().hex
        with self.db.write() as conn:
            conn.execute(
                insert(jobs).values(
                    id=job_id,
                    kind=kind,
                    scenario_id=scenario,
                    version=version,
                    params=json.dumps(params, sort_keys=True),
                    state="queued",
                    done=0,
                    total=0,
                    cancel_requested=False,
                    runner=self.instance,
                    created_by=user_id,
                    created_at=now(),
                )
            )
        future = self._pool().submit(run_job, self.db.url, job_id, self.dask)
        future.add_done_callback(lambda f: self._ended(job_id, f))
        return job_id

    def _ended(self, job_id: str, future: Future[None]) -> None:
        exc = future.exception() if not future.cancelled() else None
        if future.cancelled() or exc is not None:  # the process died, or the pool was shut
            reason = "the job's process stopped" + (f" ({exc})" if exc else "")
            try:
                _finish(self.db, job_id, state="failed", error=reason)
            except Exception:
                log.exception("could not record the end of job %s", job_id)

    def cancel(self, job_id: str) -> bool:
        """Ask a job to stop; False if there is no such job."""
        with self.db.write() as conn:
            found = conn.execute(
                update(jobs).where(jobs.c.id == job_id).values(cancel_requested=True)
            ).rowcount
            conn.execute(
                update(jobs)
                .where(and_(jobs.c.id == job_id, jobs.c.state == "queued"))
                .values(state="cancelled", finished_at=now(), error="cancelled")
            )
        return found == 1

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        executor, self._executor = self._executor, None
        if executor is not None:
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)


def version_exists(db: Database, scenario: str, version: int | None) -> int | None:
    """The version number to run a job on (the latest when None), or None if there is none."""
    with db.read() as conn:
        if version is None:
            return conn.execute(
                select(scenarios.c.latest).where(scenarios.c.id == scenario)
            ).scalar()
        found = conn.execute(
            select(versions.c.number).where(
                versions.c.scenario_id == scenario, versions.c.number == version
            )
        ).scalar()
        return None if found is None else int(found)
