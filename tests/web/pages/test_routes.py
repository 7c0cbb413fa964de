"""The page routes and the pages' API in-process (no browser): pages and their security policy,
errors as pages, sign-in for a library that needs a token to read, the verdict line and saving a
what-if (the charts and the framed briefing are checked against the browser tests' server).  One application on a SQLite file for the module (the library's behaviour
on PostgreSQL is the service's tests' business; these routes only call it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from detente.readiness import assess
from detente.scenario import load
from tests.web.conftest import FEARON, People, add_people, import_file

ID = "fearon-textbook"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, People, str]]:
    """An application with the Fearon scenario imported, its users, and its database URL."""
    from fastapi.testclient import TestClient

    from detente.web.app import create_app
    from detente.web.db import migrate
    from detente.web.settings import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('routes') / 'library.db'}"
    migrate(url)
    people = add_people(url)
    settings = Settings(db=url, analysis_workers=1, job_workers=1, instance="routes:0")
    with TestClient(create_app(settings)) as c:
        import_file(c, FEARON, people.analyst)
        yield c, people, url


@pytest.fixture
def client(library: tuple[Any, People, str]) -> Any:
    return library[0]


@pytest.fixture
def people(library: tuple[Any, People, str]) -> People:
    return library[1]


def _import(client: Any, people: People) -> None:
    """The module's library has the scenario already."""


def test_pages_render_with_a_strict_policy(client: Any, people: People) -> None:
    _import(client, people)
    for path in (
        "/",
        f"/scenarios/{ID}",
        f"/scenarios/{ID}/edit",
        f"/scenarios/{ID}/history",
        f"/scenarios/{ID}/timeline",
        f"/scenarios/{ID}/jobs",
        f"/scenarios/{ID}/briefing",
        "/signin",
    ):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert r.headers["content-type"].startswith("text/html")
        policy = r.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce and f'content="{nonce.group(1)}"' in r.text
        assert "script-src 'self';" in policy and "unsafe" not in policy
        assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert r.headers["x-frame-options"] == "DENY"
        assert "<script>" not in r.text  # no inline script: only /static modules
        for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', r.text):
            asset = client.get(src)
            assert asset.status_code == 200, src
            assert "immutable" in asset.headers["cache-control"]
    page = client.get(f"/scenarios/{ID}").text
    assert "Premature" in page and 'data-path="actors.A.no_deal.cost"' in page
    assert "War becomes costlier for both" in page  # a preset


def test_errors_are_pages_that_say_what_is_wrong(client: Any, people: People) -> None:
    _import(client, people)
    missing = client.get("/scenarios/no-such-scenario")
    assert missing.status_code == 404 and "no no-such-scenario in the library" in missing.text
    assert client.get(f"/scenarios/{ID}?version=7").status_code == 404
    bad = client.get(f"/scenarios/{ID}?as_of=yesterday")
    assert bad.status_code == 422 and "as_of must be a date" in bad.text
    assert client.get(f"/scenarios/{ID}/history?old=x").status_code == 422


@pytest.fixture
def token_reads(library: tuple[Any, People, str]) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from detente.web.app import create_app
    from detente.web.settings import Settings

    settings = Settings(db=library[2], reads="token", instance="routes:1")
    app = create_app(settings, start_jobs=False)  # no analysis is asked for here
    with TestClient(app, follow_redirects=False) as c:
        yield c


def test_a_library_that_needs_a_token_sends_pages_to_sign_in(
    token_reads: Any, people: People
) -> None:
    c = token_reads
    r = c.get("/scenarios/x/history")
    assert r.status_code == 303 and r.headers["location"] == "/signin?next=/scenarios/x/history"
    assert c.get("/signin").status_code == 200
    assert c.post("/signin", headers={"Authorization": "Bearer wrong"}).status_code == 401
    elsewhere = {"Authorization": f"Bearer {people.reader}", "Sec-Fetch-Site": "cross-site"}
    assert c.post("/signin", headers=elsewhere).status_code == 403
    signed = c.post("/signin", headers={"Authorization": f"Bearer {people.reader}"})
    assert signed.status_code == 204
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert c.get("/").status_code == 200
    assert c.post("/signout").status_code == 204
    c.cookies.clear()
    assert c.get("/").status_code == 303


def test_the_verdict_line_is_the_engines(client: Any, people: People) -> None:
    _import(client, people)
    row = client.get(f"/api/scenarios/{ID}/verdict").json()
    a = assess(load(FEARON))
    assert row["verdict"] == a.verdict and row["margin"] == pytest.approx(a.margin, abs=1e-12)
    assert row["verdict_label"] == "Premature" and row["margin_text"] == "gap 0.050"
    assert row["headline"] == a.headline()
    assert client.get("/api/scenarios/nope/verdict").status_code == 404


def test_saving_a_what_if_makes_a_version_with_it(client: Any, people: People) -> None:
    _import(client, people)
    body = {
        "name": "cheap-war",
        "label": "War is cheap for A",
        "changes": {"actors.A.no_deal.cost": 0.01},
    }
    url = f"/api/scenarios/{ID}/what-ifs"
    assert client.post(url, json=body, headers={"If-Match": "1"}).status_code == 401
    reader = {"Authorization": f"Bearer {people.reader}", "If-Match": "1"}
    assert client.post(url, json=body, headers=reader).status_code == 403
    analyst = {"Authorization": f"Bearer {people.analyst}"}
    assert client.post(url, json=body, headers=analyst).status_code == 422  # no If-Match
    saved = client.post(url, json=body, headers={**analyst, "If-Match": "1"})
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == 2 and saved.json()["meta"]["message"].startswith("what-if")
    got = client.get(f"/api/scenarios/{ID}").json()
    assert {"name": "cheap-war", "label": "War is cheap for A"} in got["info"]["what_ifs"]
    variant = client.get(f"/api/scenarios/{ID}/assessment", params={"what_if": "cheap-war"}).json()
    quick = client.post(
        f"/api/scenarios/{ID}/what-if", json={"changes": body["changes"], "version": 1}
    ).json()
    assert variant["verdict"] == quick["verdict"]
    stale = client.post(url, json={**body, "name": "other"}, headers={**analyst, "If-Match": "1"})
    assert stale.status_code == 409 and stale.json()["latest_version"] == 2
    again = client.post(url, json=body, headers={**analyst, "If-Match": "2"})
    assert again.status_code == 422 and "already" in again.text
    bad = {**body, "name": "bad", "changes": {"actors.Z.no_deal.cost": 0.1}}
    refused = client.post(url, json=bad, headers={**analyst, "If-Match": "2"})
    assert refused.status_code == 422, refused.text
    assert client.get(f"/api/scenarios/{ID}").json()["version"] == 2
