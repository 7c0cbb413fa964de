"""A real ``detente serve`` on SQLite and PostgreSQL: concurrent saves, and SIGKILL mid-save."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import FEARON, People, Server, start_server, yaml_headers

ID = "fearon-textbook"


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in task.read_text().split()]
            except OSError:
                continue
            out += kids
            stack += kids
    return out


def _kill_all(server: Server) -> None:
    """SIGKILL the server and every process it started, as a machine crash would."""
    family = _descendants(server.process.pid)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)
    for pid in family:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def server(db_url: str, people: People, tmp_path: Path):  # type: ignore[no-untyped-def]
    live = start_server(db_url, tmp_path / "server.log")
    try:
        yield live
    finally:
        live.stop()


def _import(server: Server, people: People, text: str) -> None:
    r = httpx.post(
        f"{server.url}/api/scenarios",
        content=text.encode(),
        headers=yaml_headers(people.analyst),
        timeout=60,
    )
    assert r.status_code == 201, r.text


def test_fifty_concurrent_saves_on_one_version(server: Server, people: People) -> None:
    base = f"http://127.0.0.1:{server.port}"  # the start line says where the pages are too
    assert f"the workbench at {base}/, the API at {base}/api (" in server.log.read_text()
    text = FEARON.read_text(encoding="utf-8")
    _import(server, people, text)
    barrier = threading.Barrier(50)
    results: dict[int, int] = {}

    def save(i: int) -> None:
        body = f"{text}\n# writer {i}\n".encode()
        with httpx.Client(timeout=120) as client:
            barrier.wait()
            r = client.put(
                f"{server.url}/api/scenarios/{ID}",
                content=body,
                headers=yaml_headers(people.analyst, **{"If-Match": "1"}),
            )
        results[i] = r.status_code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(results.values())
    assert statuses.count(200) == 1 and statuses.count(409) == 49, statuses
    winner = next(i for i, s in results.items() if s == 200)
    versions = httpx.get(f"{server.url}/api/scenarios/{ID}/versions", timeout=60).json()
    assert [(v["version"], v["parent"]) for v in versions["versions"]] == [(2, 1), (1, None)]
    latest = httpx.get(f"{server.url}/api/scenarios/{ID}", timeout=60).json()
    assert latest["text"] == f"{text}\n# writer {winner}\n"
    assert latest["meta"]["content_hash"] == hashlib.sha256(latest["text"].encode()).hexdigest()


def test_sigkill_in_the_middle_of_saves(server: Server, people: People, tmp_path: Path) -> None:
    base = FEARON.read_text(encoding="utf-8")
    padding = "".join(f"# padding line {n} {'x' * 60}\n" for n in range(8000))  # ~600 KB
    _import(server, people, base)
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int) -> None:
        with httpx.Client(timeout=30) as client:
            n = 0
            while not stop.is_set():
                try:
                    latest = client.get(f"{server.url}/api/scenarios/{ID}/versions").json()
                    head = latest["versions"][0]["version"]
                    text = f"{base}{padding}# writer {w} save {n}\n"
                    r = client.put(
                        f"{server.url}/api/scenarios/{ID}",
                        content=text.encode(),
                        headers=yaml_headers(people.analyst, **{"If-Match": str(head)}),
                    )
                except (httpx.HTTPError, ValueError, KeyError):
                    return  # the server is gone
                if r.status_code == 200:
                    with lock:
                        acknowledged[r.json()["version"]] = text
                n += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(random.uniform(0.1, 0.6))
    _kill_all(server)
    stop.set()
    for t in threads:
        t.join(30)
    assert len(acknowledged) >= 3
    again = start_server(server.db, tmp_path / "again.log")
    try:
        versions = httpx.get(f"{again.url}/api/scenarios/{ID}/versions", timeout=60).json()[
            "versions"
        ]
        numbers = [v["version"] for v in versions]
        assert numbers == list(range(len(numbers), 0, -1))  # a chain without gaps
        assert max(acknowledged) <= numbers[0]
        for v in versions:
            got = httpx.get(
                f"{again.url}/api/scenarios/{ID}/file",
                params={"version": v["version"]},
                timeout=60,
            ).text
            assert v["content_hash"] == hashlib.sha256(got.encode()).hexdigest()
            assert got.startswith(base)  # whole texts only
            if v["version"] in acknowledged:
                assert got == acknowledged[v["version"]]
        latest = httpx.get(f"{again.url}/api/scenarios/{ID}/file", timeout=60)
        assert latest.headers["etag"] == f'"{numbers[0]}"'
    finally:
        again.stop()
