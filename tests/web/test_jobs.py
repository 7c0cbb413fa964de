"""Jobs: progress to the end, cancel, and no job left "running" by a server that stopped."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import update

from detente.web.db import Database
from detente.web.jobs import JobRunner
from detente.web.models import jobs
from tests.web.conftest import FEARON, FLAGSHIP, People, import_file

ID = "russia-ukraine-2022-12"


def _wait(client: Any, job_id: str, *, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] not in ("queued", "running"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end: {job}")


def test_simulate_report_and_cancel(client: Any, people: People) -> None:
    h = People.header(people.analyst)
    import_file(client, FLAGSHIP, people.analyst)
    started = client.post(
        "/api/jobs",
        headers=h,
        json={"kind": "simulate", "scenario": ID, "params": {"draws": 3000, "sensitivity": False}},
    )
    assert started.status_code == 202, started.text
    done = _wait(client, started.json()["id"])
    assert done["state"] == "done", done
    assert done["progress"] == {"done": 3000, "total": 3000}
    assert done["result"]["n"] == 3000 and done["created_by"] == "analyst"
    listed = client.get("/api/jobs", params={"scenario": ID}).json()["jobs"]
    assert [j["id"] for j in listed] == [started.json()["id"]]  # the whole team sees it
    assert listed[0]["result"] is None  # lists are light
    assert (
        client.post(
            "/api/jobs",
            headers=People.header(people.reader),
            json={"kind": "simulate", "scenario": ID},
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/jobs",
            headers=h,
            json={"kind": "simulate", "scenario": ID, "params": {"draws": 0}},
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/jobs", headers=h, json={"kind": "simulate", "scenario": "nothing"}
        ).status_code
        == 404
    )
    long = client.post(
        "/api/jobs",
        headers=h,
        json={"kind": "simulate", "scenario": ID, "params": {"draws": 1_000_000}},
    ).json()
    deadline = time.monotonic() + 60
    while client.get(f"/api/jobs/{long['id']}").json()["progress"]["done"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    cancelled = client.post(f"/api/jobs/{long['id']}/cancel", headers=h)
    assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"]
    ended = _wait(client, long["id"])
    assert ended["state"] == "cancelled" and ended["progress"]["done"] < 1_000_000


def test_report_job_artifact(client: Any, people: People) -> None:
    import_file(client, FEARON, people.analyst)
    job = client.post(
        "/api/jobs",
        headers=People.header(people.analyst),
        json={"kind": "report", "scenario": "fearon-textbook"},
    ).json()
    done = _wait(client, job["id"], seconds=300)
    assert done["state"] == "done" and done["has_artifact"], done
    html = client.get(f"/api/jobs/{job['id']}/artifact")
    assert html.status_code == 200 and html.text.startswith("<!DOCTYPE html>")


def test_no_job_stays_running(db_url: str, people: People, client: Any) -> None:
    import_file(client, FEARON, people.analyst)
    db = Database(db_url)
    try:
        mine = JobRunner(db, workers=1, instance="host:8000", dask=None)
        other = JobRunner(db, workers=1, instance="elsewhere:8000", dask=None)
        ids = {}
        gone = JobRunner(db, workers=1, instance="gone:8000", dask=None)
        for name, runner in (("mine", mine), ("other", other), ("stale", gone)):
            with db.write() as conn:  # a job recorded as running, as a crashed server leaves it
                ids[name] = {"mine": "a", "other": "b", "stale": "c"}[name] * 32
                conn.execute(
                    jobs.insert().values(
                        id=ids[name],
                        kind="simulate",
                        scenario_id="fearon-textbook",
                        version=1,
                        params="{}",
                        state="running",
                        done=0,
                        total=10,
                        cancel_requested=False,
                        runner=runner.instance,
                        created_by=1,
                        created_at=dt.datetime.now(dt.UTC),
                        heartbeat_at=dt.datetime.now(dt.UTC),
                    )
                )
        with db.write() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == ids["stale"])
                .values(heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
            )
        assert mine.recover() == 1  # a restart fails the jobs it ran
        other.beat()  # beats on its own job; fails any job without a recent beat
        states = {n: client.get(f"/api/jobs/{i}").json() for n, i in ids.items()}
        assert states["mine"]["state"] == "failed" and "restarted" in states["mine"]["error"]
        assert states["other"]["state"] == "running"
        assert states["stale"]["state"] == "failed" and "stopped" in states["stale"]["error"]
    finally:
        db.dispose()
