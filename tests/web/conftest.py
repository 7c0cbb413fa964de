"""Fixtures of the service's tests: SQLite and a real PostgreSQL, apps, users, live servers.

PostgreSQL: ``DETENTE_TEST_PG`` (default ``postgresql+psycopg://detente:detente@127.0.0.1:5432/
postgres``) names a server where the role may create databases; each test session (each xdist
worker) creates a throwaway database and drops it at the end.  Where no server answers the
PostgreSQL tests are skipped, except when ``DETENTE_REQUIRE_PG=1`` (set by ``.ci/run``): then
they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from detente.web import accounts
from detente.web.db import Database, migrate

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"
FEARON = ROOT / "scenarios" / "fearon-textbook.yaml"
PG_DEFAULT = "postgresql+psycopg://detente:detente@127.0.0.1:5432/postgres"
TABLES = ("analysis_cache", "jobs", "versions", "scenarios", "tokens", "users")


def _pg_admin_url() -> str:
    return os.environ.get("DETENTE_TEST_PG", PG_DEFAULT)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session, migrated."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = _pg_admin_url()
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {make_url(admin).render_as_string()}: {exc}"
        if os.environ.get("DETENTE_REQUIRE_PG") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"detente_test_{uuid.uuid4().hex[:12]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database: a SQLite file, or the session's PostgreSQL emptied."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'library.db'}"
        migrate(url)
        yield url
        return
    url = request.getfixturevalue("pg_database")
    empty(url)
    yield url


def empty(url: str) -> None:
    from sqlalchemy import text

    db = Database(url)
    try:
        with db.write() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    finally:
        db.dispose()


@dataclass
class People:
    """Tokens of one user per role."""

    reader: str
    analyst: str
    admin: str

    @staticmethod
    def header(token: str, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", **more}


def add_people(url: str) -> People:
    db = Database(url)
    try:
        tokens = {}
        for role in ("reader", "analyst", "admin"):
            accounts.add_user(db, name=role, role=role)
            tokens[role] = accounts.create_token(db, user=role)[0]
    finally:
        db.dispose()
    return People(**tokens)


@pytest.fixture
def people(db_url: str) -> People:
    return add_people(db_url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A ``detente serve`` process on a free loopback port."""

    url: str
    db: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(
    db: str, log: Path, *, port: int | None = None, extra: tuple[str, ...] = ()
) -> Server:
    """Start ``detente serve`` and wait (up to 60 s) until /api/health answers."""
    port = port or free_port()
    out = log.open("ab")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("detente")),
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--workers",
            "1",
            *extra,
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return Server(url, db, port, process, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")


@pytest.fixture
def client(db_url: str, people: People) -> Iterator[object]:
    """A test client of the app on ``db_url`` (one analysis process, one job process)."""
    from fastapi.testclient import TestClient

    from detente.web.app import create_app
    from detente.web.settings import Settings

    app = create_app(Settings(db=db_url, analysis_workers=1, job_workers=1, instance="test:0"))
    with TestClient(app) as c:
        yield c


def yaml_headers(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml", **more}


def import_file(client: Any, path: Path, token: str) -> dict[str, Any]:
    """Import a scenario file into the library (as version 1) and return the answer."""
    r = client.post("/api/scenarios", content=path.read_bytes(), headers=yaml_headers(token))
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out
