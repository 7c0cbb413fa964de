"""Simulation jobs on a Dask cluster (``detente serve --dask ADDRESS``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import FLAGSHIP, People, add_people, import_file

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        dashboard_address=":0",
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def test_simulation_runs_on_the_cluster(scheduler: str, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from detente.web.app import create_app
    from detente.web.db import migrate
    from detente.web.settings import Settings

    url = f"sqlite:///{tmp_path / 'dask.db'}"
    migrate(url)
    people = add_people(url)
    app = create_app(Settings(db=url, dask=scheduler, analysis_workers=1, instance="dask:0"))
    with TestClient(app) as client:
        import_file(client, FLAGSHIP, people.analyst)
        job = client.post(
            "/api/jobs",
            headers=People.header(people.analyst),
            json={
                "kind": "simulate",
                "scenario": "russia-ukraine-2022-12",
                "params": {"draws": 2000, "sensitivity": False},
            },
        ).json()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            state = client.get(f"/api/jobs/{job['id']}").json()
            if state["state"] not in ("queued", "running"):
                break
            time.sleep(0.3)
        assert state["state"] == "done", state
        assert state["result"]["n"] == 2000
    with distributed.Client(scheduler) as dask_client:  # the draws ran there
        assert (
            dask_client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
            > 0
        )
