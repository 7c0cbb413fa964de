"""Fixtures of the uncertainty tests: one real Dask cluster for the whole session.

Starting a scheduler and its workers costs seconds, so every test that needs a cluster shares
this one (``dask_cluster``); those tests carry the ``slow`` marker and live in one module,
``test_unc_runner.py``, which ``make test`` (``--dist loadscope``) runs on one pytest-xdist
worker, so one cluster serves them all.  (xdist's ``loadgroup`` would say this per test, but it
silently stops grouping with pytest >= 9.2: pytest-dev/pytest-xdist#1386.)  The cluster is what a user runs: ``dask scheduler`` and two ``dask worker``
processes on 127.0.0.1, started from the command line, ready (both workers registered) before
the first test uses it, and torn down at the end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCHEDULER_ARGS = ("--host", "127.0.0.1", "--no-dashboard")
WORKER_ARGS = ("--host", "127.0.0.1", "--nthreads", "1", "--no-nanny", "--no-dashboard")
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask_command(role: str) -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    if exe.exists():
        return [str(exe), role]
    return [sys.executable, "-m", f"distributed.cli.dask_{role}"]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dask scheduler exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"dask scheduler did not listen on port {port} within {seconds} s")


def _wait_for_workers(address: str, count: int, seconds: float) -> None:
    # The tests time their own calls; a worker still starting up must not count against them.
    import distributed

    with distributed.Client(address, timeout=seconds) as client:
        client.wait_for_workers(count, timeout=seconds)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a ``dask scheduler`` with two ``dask worker`` processes on 127.0.0.1."""
    pytest.importorskip("distributed")
    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with (logs / "scheduler.log").open("wb") as log:
            scheduler = subprocess.Popen(
                [*_dask_command("scheduler"), *SCHEDULER_ARGS, "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        processes.append(scheduler)
        _wait_for_port(port, scheduler, 60)
        for k in range(WORKERS):
            with (logs / f"worker{k}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        [*_dask_command("worker"), address, *WORKER_ARGS],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                )
        _wait_for_workers(address, WORKERS, 120)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)
