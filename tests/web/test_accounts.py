"""Users, roles and tokens: who may read and write, tokens stored hashed, the CLI commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from detente.web import accounts
from detente.web.db import Database
from detente.web.models import tokens
from tests.web.conftest import FEARON, People, yaml_headers


def test_roles(client: Any, people: People) -> None:
    body = FEARON.read_bytes()
    assert (
        client.post(
            "/api/scenarios", content=body, headers={"Content-Type": "application/yaml"}
        ).status_code
        == 401
    )
    assert (
        client.post("/api/scenarios", content=body, headers=yaml_headers(people.reader)).status_code
        == 403
    )
    assert (
        client.post(
            "/api/scenarios", content=body, headers=yaml_headers("dtt_not-a-token")
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/scenarios", content=body, headers=yaml_headers(people.analyst)
        ).status_code
        == 201
    )
    assert client.get("/api/scenarios").status_code == 200  # reads open by default
    assert client.get("/api/users", headers=People.header(people.analyst)).status_code == 403
    users = client.get("/api/users", headers=People.header(people.admin)).json()["users"]
    assert {u["name"]: u["role"] for u in users} == {
        "reader": "reader",
        "analyst": "analyst",
        "admin": "admin",
    }
    me = client.get("/api/me", headers=People.header(people.reader)).json()
    assert me == {"user": {"name": "reader", "role": "reader"}, "reads": "open"}


def test_admin_manages_tokens(client: Any, people: People) -> None:
    admin = People.header(people.admin)
    made = client.post("/api/users", json={"name": "bea", "role": "analyst"}, headers=admin)
    assert made.status_code == 201
    assert client.post("/api/users", json={"name": "bea"}, headers=admin).status_code == 409
    too_high = client.post("/api/users/bea/tokens", json={"role": "admin"}, headers=admin)
    assert too_high.status_code == 422
    token = client.post("/api/users/bea/tokens", json={"role": "reader"}, headers=admin).json()
    assert token["role"] == "reader" and token["token"].startswith("dtt_")
    assert client.get("/api/me", headers=People.header(token["token"])).json()["user"] == {
        "name": "bea",
        "role": "reader",
    }
    assert client.delete(f"/api/tokens/{token['id']}", headers=admin).status_code == 204
    assert client.get("/api/me", headers=People.header(token["token"])).status_code == 401


def test_tokens_are_stored_hashed(db_url: str, people: People) -> None:
    db = Database(db_url)
    try:
        with db.read() as conn:
            stored = [row[0] for row in conn.execute(select(tokens.c.digest))]
        assert people.analyst not in stored
        assert accounts.digest(people.analyst) in stored
        assert all(len(d) == 64 for d in stored)
    finally:
        db.dispose()


def test_token_only_reads(db_url: str, people: People) -> None:
    from fastapi.testclient import TestClient

    from detente.web.app import create_app
    from detente.web.settings import Settings

    app = create_app(
        Settings(db=db_url, reads="token", analysis_workers=1, instance="t:1"), start_jobs=False
    )
    with TestClient(app) as client:
        assert client.get("/api/scenarios").status_code == 401
        assert client.get("/api/scenarios", headers=People.header(people.reader)).status_code == 200
        assert client.get("/api/health").status_code == 200
    app.state.ctx.pool.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).with_name("detente"))
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


def test_cli_user_and_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    added = _cli("user", "add", "carla", "--role", "analyst", "--db", url)
    assert added.returncode == 0, added.stderr
    assert added.stdout == "added carla (analyst)\n"
    again = _cli("user", "add", "carla", "--db", url)
    assert again.returncode == 2 and again.stderr.startswith("detente: error: ")
    made = _cli("token", "create", "--db", url, "--user", "carla", "--role", "analyst")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    db = Database(url)
    try:
        who = accounts.authenticate(db, token)
    finally:
        db.dispose()
    assert who is not None and who.name == "carla" and who.role == "analyst"
    above = _cli("token", "create", "--db", url, "--user", "carla", "--role", "admin")
    assert above.returncode == 2 and "cannot have the role admin" in above.stderr
    nobody = _cli("token", "create", "--db", url, "--user", "dora")
    assert nobody.returncode == 2 and "no user named 'dora'" in nobody.stderr
    bad = _cli("user", "add", "x", "--db", "mysql://nope")
    assert bad.returncode == 2 and "not a database URL" in bad.stderr
