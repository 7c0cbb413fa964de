"""schemathesis over the whole OpenAPI schema: no 500, no schema violation, no unauthenticated
write; every response documented and typed.

Every operation gets ``EXAMPLES`` generated cases (plus the schema's own examples and coverage
cases), sent in-process through ASGI with an admin's token, against a library holding one
scenario.  200 examples per operation keeps the whole run near a minute on 2 cores.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from detente.web.app import create_app
from detente.web.db import migrate
from detente.web.settings import Settings
from tests.web.conftest import FEARON, add_people, yaml_headers

EXAMPLES = int(os.environ.get("DETENTE_SCHEMATHESIS_EXAMPLES", "25"))
WRITES = {
    ("POST", "/api/scenarios"),
    ("PUT", "/api/scenarios/{scenario_id}"),
    ("POST", "/api/scenarios/{scenario_id}/what-ifs"),
    ("POST", "/api/jobs"),
    ("POST", "/api/jobs/{job_id}/cancel"),
    ("POST", "/api/users"),
    ("POST", "/api/users/{name}/tokens"),
    ("DELETE", "/api/tokens/{token_id}"),
}


def _app() -> tuple[Any, str, Path]:
    # Built at import: schemathesis reads the schema when the module is collected.  Cheap (a
    # SQLite file and three users); the scenario is imported by the fixture below.
    folder = Path(tempfile.mkdtemp(prefix="detente-schema-"))
    url = f"sqlite:///{folder / 'schema.db'}"
    migrate(url)
    people = add_people(url)
    settings_ = Settings(
        db=url, analysis_workers=1, job_workers=1, instance="schema:0", analysis_timeout=30
    )
    return create_app(settings_), people.admin, folder


APP, TOKEN, FOLDER = _app()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture(scope="module")
def app_and_token() -> Iterator[tuple[Any, str]]:
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        r = client.post("/api/scenarios", content=FEARON.read_bytes(), headers=yaml_headers(TOKEN))
        assert r.status_code in (201, 409)
    yield APP, TOKEN
    APP.state.ctx.pool.close()
    shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_api(case: Any, app_and_token: tuple[Any, str]) -> None:
    _, token = app_and_token
    excluded = []
    if case.media_type == "application/yaml":
        # The body is a scenario file: whether text is a valid scenario is the loader's call
        # (422 with its problems), which no JSON schema of a string can say.
        excluded = [positive_data_acceptance, negative_data_rejection]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)


def test_writes_need_a_token(app_and_token: tuple[Any, str]) -> None:
    """Every write operation, called without a token, is refused (401) and changes nothing."""
    from fastapi.testclient import TestClient

    app, _ = app_and_token
    bodies: dict[str, Any] = {
        "/api/scenarios": FEARON.read_bytes(),
        "/api/scenarios/{scenario_id}": FEARON.read_bytes(),
    }
    with TestClient(app) as client:
        spec = client.get("/api/openapi.json").json()
        found = {
            (m.upper(), p)
            for p, ops in spec["paths"].items()
            for m in ops
            if ops[m].get("security") == [{"bearer": []}] and m != "get"
        }
        assert found == WRITES
        before = client.get("/api/scenarios/fearon-textbook/versions").json()
        for method, path in sorted(WRITES):
            url = (
                path.replace("{scenario_id}", "fearon-textbook")
                .replace("{job_id}", "0" * 32)
                .replace("{name}", "admin")
                .replace("{token_id}", "1")
            )
            if path in bodies:
                r = client.request(
                    method,
                    url,
                    content=bodies[path],
                    headers={"Content-Type": "application/yaml", "If-Match": "1"},
                )
            elif method == "DELETE":
                r = client.request(method, url)
            else:
                body = (
                    {"kind": "simulate", "scenario": "fearon-textbook"}
                    if "jobs" in url
                    else {"name": "someone"}
                )
                r = client.request(method, url, json=body)
            assert r.status_code == 401, (method, path, r.status_code, r.text)
            assert r.headers["www-authenticate"].startswith("Bearer")
        assert client.get("/api/scenarios/fearon-textbook/versions").json() == before


def test_every_response_is_typed(app_and_token: tuple[Any, str]) -> None:
    from fastapi.testclient import TestClient

    app, _ = app_and_token
    with TestClient(app) as client:
        spec = client.get("/api/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if status == "204":
                    continue
                content = response.get("content")
                assert content, (method, path, status)
                for media in content.values():
                    schema_ = media.get("schema")
                    assert schema_ and schema_ != {}, (method, path, status)
