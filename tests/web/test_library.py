"""The library over HTTP on SQLite and PostgreSQL: import, read, save, conflicts, export."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.conftest import FEARON, FLAGSHIP, People, import_file, yaml_headers

ID = "russia-ukraine-2022-12"


def _import(client: Any, people: People, path: Any = FLAGSHIP) -> dict[str, Any]:
    r = client.post(
        "/api/scenarios",
        content=path.read_bytes(),
        headers=yaml_headers(people.analyst),
        params={"message": "first"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_import_read_list_versions(client: Any, people: People) -> None:
    saved = _import(client, people)
    text = FLAGSHIP.read_text(encoding="utf-8")
    assert saved["id"] == ID and saved["version"] == 1
    assert saved["meta"]["author"] == "analyst" and saved["meta"]["message"] == "first"
    got = client.get(f"/api/scenarios/{ID}")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    body = got.json()
    assert body["text"] == text and body["version"] == 1 and body["latest_version"] == 1
    assert body["info"]["as_of"] == "2022-12-04"
    assert {w["name"] for w in body["info"]["what_ifs"]} >= {"china-mediates"}
    listed = client.get("/api/scenarios", params={"q": "UKRAINE"}).json()
    assert listed["total"] == 1 and listed["scenarios"][0]["scenario"] == ID
    assert client.get("/api/scenarios", params={"q": "no-such%"}).json()["total"] == 0
    versions = client.get(f"/api/scenarios/{ID}/versions").json()["versions"]
    assert [v["version"] for v in versions] == [1]
    exported = client.get(f"/api/scenarios/{ID}/file")
    assert exported.status_code == 200 and exported.text == text
    assert exported.headers["content-type"].startswith("application/yaml")


def test_save_chain_and_conflict(client: Any, people: People) -> None:
    _import(client, people)
    text = FLAGSHIP.read_text(encoding="utf-8")
    edited = text.replace("detente: 1\n", "detente: 1\n# a comment\n", 1)
    r = client.put(
        f"/api/scenarios/{ID}",
        content=edited.encode(),
        headers=yaml_headers(people.analyst, **{"If-Match": '"1"'}),
        params={"message": "comment"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["meta"]["parent"] == 1
    stale = client.put(
        f"/api/scenarios/{ID}",
        content=text.encode(),
        headers=yaml_headers(people.analyst, **{"If-Match": "1"}),
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["base_version"] == 1 and body["latest_version"] == 2
    assert "+# a comment" in body["diff"]["unified"]
    assert any(
        line["op"] == "insert" and line["text"] == "# a comment" for line in body["diff"]["lines"]
    )
    assert client.get(f"/api/scenarios/{ID}").json()["text"] == edited  # nothing lost
    assert client.get(f"/api/scenarios/{ID}/versions/1").json()["text"] == text
    future = client.put(
        f"/api/scenarios/{ID}",
        content=text.encode(),
        headers=yaml_headers(people.analyst, **{"If-Match": "7"}),
    )
    assert future.status_code == 409 and future.json()["diff"] is None


def test_refusals(client: Any, people: People) -> None:
    _import(client, people)
    text = FLAGSHIP.read_bytes()
    h = yaml_headers(people.analyst)
    no_match = client.put(f"/api/scenarios/{ID}", content=text, headers=h)
    assert no_match.status_code == 428
    bad_match = client.put(f"/api/scenarios/{ID}", content=text, headers={**h, "If-Match": "x"})
    assert bad_match.status_code == 422
    twice = client.post("/api/scenarios", content=text, headers=h)
    assert twice.status_code == 409 and twice.json()["latest_version"] == 1
    other = client.put(
        f"/api/scenarios/{ID}", content=FEARON.read_bytes(), headers={**h, "If-Match": "1"}
    )
    assert other.status_code == 422 and other.json()["errors"][0]["path"] == "id"
    missing = client.put(
        "/api/scenarios/nothing-here", content=text, headers={**h, "If-Match": "1"}
    )
    assert missing.status_code == 422  # the file's id is not 'nothing-here'
    wrong_type = client.post(
        "/api/scenarios", content=text, headers={**h, "Content-Type": "application/json"}
    )
    assert wrong_type.status_code == 415
    binary = client.post("/api/scenarios", content=b"\xff\xfe\x00", headers=h)
    assert binary.status_code == 422
    assert client.get("/api/scenarios/nothing-here").status_code == 404
    assert client.get(f"/api/scenarios/{ID}/versions/9").status_code == 404
    assert client.get("/api/scenarios/Bad_Id").status_code == 422


def test_loader_problems_have_lines(client: Any, people: People) -> None:
    text = FLAGSHIP.read_text(encoding="utf-8").replace("title:", "titel:", 1)
    r = client.post("/api/scenarios", content=text.encode(), headers=yaml_headers(people.analyst))
    assert r.status_code == 422
    errors = r.json()["errors"]
    unknown = [e for e in errors if "unknown key 'titel'" in e["message"]]
    assert (
        unknown
        and unknown[0]["line"]
        == text.splitlines().index(
            next(line for line in text.splitlines() if line.startswith("titel:"))
        )
        + 1
    )
    assert unknown[0]["column"] == 1
    checked = client.post("/api/check", content=text.encode(), headers=yaml_headers(people.reader))
    assert checked.status_code == 200 and not checked.json()["ok"]
    assert checked.json()["errors"] == errors
    good = client.post(
        "/api/check", content=FEARON.read_bytes(), headers={"Content-Type": "application/yaml"}
    )
    assert good.json() == {
        "ok": True,
        "errors": [],
        "warnings": [],
        "id": "fearon-textbook",
        "title": good.json()["title"],
    }
    # a what-if that sets a fact nothing reads: warned as `detente check` warns (file: the name
    # it was sent as), at the line of the fact
    flagship = client.post(
        "/api/check", content=FLAGSHIP.read_bytes(), headers=yaml_headers(people.reader)
    )
    assert flagship.json()["ok"] and flagship.json()["warnings"] == []  # the flagship is clean
    text = FLAGSHIP.read_text(encoding="utf-8").replace(
        "      facts.russia_signals_willingness: true\n",
        "      facts.russia_signals_willingness: true\n      facts.china_neutral: false\n",
        1,
    )
    checked = client.post("/api/check", content=text.encode(), headers=yaml_headers(people.reader))
    warned = checked.json()["warnings"]
    assert checked.json()["ok"] and len(warned) == 1
    first = warned[0]
    assert set(first) == {"file", "line", "column", "path", "message"}
    assert first["path"].endswith(".set.facts.china_neutral")
    assert "china_neutral" in text.splitlines()[first["line"] - 1]
    assert client.get("/api/scenarios").json()["total"] == 0  # nothing saved


def test_heads_never_roll_back_and_expire() -> None:
    import datetime as dt
    import time

    from detente.web.library import Heads, Version

    def v(n: int, latest: int) -> Version:
        at = dt.datetime.now(dt.UTC)
        return Version("s", n, n - 1 or None, "h", 1, "t", "", "a", at, latest, text="x")

    heads = Heads(ttl=0.2)
    heads.put(v(2, 2), latest=True)
    heads.put(v(1, 1), latest=True)  # a slow answer about the old head arrives late
    found = heads.get("s", None)
    assert found is not None and found.number == 2 and found.text is None
    assert heads.get("s", 1) is not None  # numbered versions are immutable: kept
    time.sleep(0.25)
    assert heads.get("s", None) is None  # the latest is asked again after ttl


def test_concurrent_lookups_of_an_expired_head_read_the_database_once(
    client: Any, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from detente.web import library
    from detente.web.api_common import version_of

    import_file(client, FLAGSHIP, people.analyst)
    ctx = client.app.state.ctx
    reads: list[tuple[str, int | None]] = []
    read = library.get_version

    def counted(db: Any, scenario_id: str, number: int | None = None, **kw: Any) -> Any:
        reads.append((scenario_id, number))
        time.sleep(0.05)  # long enough for the others to arrive while it runs
        return read(db, scenario_id, number, **kw)

    monkeypatch.setattr(library, "get_version", counted)

    async def fifty() -> list[int]:
        ctx.heads = library.Heads()  # nothing known: every request must look the head up
        found = await asyncio.gather(*(version_of(ctx, ID, None) for _ in range(50)))
        missing = [version_of(ctx, "nothing-here", None) for _ in range(5)]
        errors = await asyncio.gather(*missing, return_exceptions=True)
        assert all(getattr(e, "status", None) == 404 for e in errors)
        return [v.number for v in found]

    assert client.portal.call(fifty) == [1] * 50
    assert reads == [(ID, None), ("nothing-here", None)]  # one read each, shared by the others
