"""The workbench service under 50 concurrent clients on loopback, on SQLite and PostgreSQL.

For each database a ``detente serve`` process is started on a free loopback port with the
flagship in its library; 50 clients (keep-alive connections, each sending its next request as
soon as the last is answered: a closed loop, the hardest load 50 clients can make) run each case
for at most ``--seconds`` seconds or ``--requests`` requests, whichever comes first:

- ``health``: ``GET /api/health``, the baseline (the framework's own cost);
- ``cached assessment``: ``GET /api/scenarios/ID/assessment`` after one warm-up call;
- ``what-if``: ``POST /api/scenarios/ID/what-if`` with a random ``actors.UKR.no_deal.cost``
  (a slider: the fast path, answered in the server);
- ``save``: ``PUT /api/scenarios/ID`` of a new version, each client on its own scenario.

Printed: p50 and p95 latency, throughput, and p95 as a ratio of the baseline's p95 measured in
the same run, with the machine's load average before and after each database's cases (figures
taken while other work loads the machine say little).  Targets on 2 cores: what-if p95 < 150 ms,
cached assessment p95 < 50 ms.
PostgreSQL: ``DETENTE_TEST_PG`` (default postgresql+psycopg://detente:detente@127.0.0.1/postgres);
a throwaway database is created and dropped.  Run: ``python benchmarks/bench_service.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"
FEARON = ROOT / "scenarios" / "fearon-textbook.yaml"
PG = os.environ.get("DETENTE_TEST_PG", "postgresql+psycopg://detente:detente@127.0.0.1/postgres")
ID = "russia-ukraine-2022-12"


class Connection:
    """A minimal HTTP/1.1 keep-alive client (the load generator must cost little CPU)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


Make = Callable[[int], tuple[str, str, bytes, dict[str, str]]]


async def load(
    port: int, make: Make, *, clients: int, requests: int, seconds: float, expect: int = 200
) -> dict[str, float]:
    """Run ``clients`` closed-loop clients; ``make(client)`` gives the next request."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    issued = 0

    async def client(c: int) -> None:
        nonlocal issued, errors
        conn = Connection(port)
        try:
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                method, path, body, headers = make(c)
                t0 = time.perf_counter()
                status, _ = await conn.request(method, path, body, headers)
                latencies.append(time.perf_counter() - t0)
                if status != expect:
                    errors += 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(clients)))
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "n": len(latencies),
        "p50": q[49] * 1e3,
        "p95": q[94] * 1e3,
        "rps": len(latencies) / wall,
        "errors": errors,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> dict[str, str]:
    from detente.web import accounts
    from detente.web.db import Database, migrate

    migrate(url)
    db = Database(url)
    try:
        accounts.add_user(db, name="bench", role="analyst")
        token = accounts.create_token(db, user="bench")[0]
    finally:
        db.dispose()
    return {"Authorization": f"Bearer {token}"}


def serve(url: str, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    exe = str(Path(sys.executable).with_name("detente"))
    process = subprocess.Popen(
        [exe, "serve", "--db", url, "--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


async def run_cases(
    port: int, auth: dict[str, str], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    yaml = {**auth, "Content-Type": "application/yaml"}
    conn = Connection(port)
    status, body = await conn.request("POST", "/api/scenarios", FLAGSHIP.read_bytes(), yaml)
    assert status == 201, body
    fearon = FEARON.read_text(encoding="utf-8")
    versions = {}
    for c in range(args.clients):  # one scenario per saving client
        text = fearon.replace("id: fearon-textbook", f"id: bench-{c}", 1).encode()
        status, body = await conn.request("POST", "/api/scenarios", text, yaml)
        assert status == 201, body
        versions[c] = 1
    status, _ = await conn.request("GET", f"/api/scenarios/{ID}/assessment")  # warm the cache
    assert status == 200
    what_if = {"Content-Type": "application/json"}
    status, _ = await conn.request(
        "POST",
        f"/api/scenarios/{ID}/what-if",
        b'{"changes": {"actors.UKR.no_deal.cost": 0.3}}',
        what_if,
    )
    assert status == 200
    conn.close()
    rng = random.Random(0)

    def health(_: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "GET", "/api/health", b"", {}

    def assessment(_: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "GET", f"/api/scenarios/{ID}/assessment", b"", {}

    def slider(_: int) -> tuple[str, str, bytes, dict[str, str]]:
        body = json.dumps({"changes": {"actors.UKR.no_deal.cost": rng.uniform(0.05, 0.6)}})
        return "POST", f"/api/scenarios/{ID}/what-if", body.encode(), what_if

    def save(c: int) -> tuple[str, str, bytes, dict[str, str]]:
        base = versions[c]
        versions[c] = base + 1  # each client saves its own scenario in turn
        text = fearon.replace("id: fearon-textbook", f"id: bench-{c}", 1) + f"# save {base}\n"
        return "PUT", f"/api/scenarios/bench-{c}", text.encode(), {**yaml, "If-Match": str(base)}

    out = {}
    for name, make in (
        ("health", health),
        ("cached assessment", assessment),
        ("what-if", slider),
        ("save", save),
    ):
        out[name] = await load(
            port, make, clients=args.clients, requests=args.requests, seconds=args.seconds
        )
    return out


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def report(
    database: str, results: dict[str, dict[str, float]], clients: int, loads: tuple[str, str]
) -> None:
    base = results["health"]["p95"]
    targets = {"cached assessment": 50.0, "what-if": 150.0}
    print(f"\n{database}: {len(results)} cases, {clients} clients, {os.cpu_count()} CPUs")
    print(f"  load average (1, 5, 15 min): {loads[0]} before, {loads[1]} after")
    print(
        f"  {'case':<18} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p95/health':>11}"
        f" {'errors':>6}  target"
    )
    for name, r in results.items():
        target = targets.get(name)
        verdict = (
            ""
            if target is None
            else (f"p95 < {target:g} ms: {'met' if r['p95'] < target else 'MISSED'}")
        )
        print(
            f"  {name:<18} {r['n']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['rps']:>8.0f} "
            f"{r['p95'] / base:>11.2f} {r['errors']:>6}  {verdict}"
        )


def bench(database: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    auth = prepare(url)
    process, port = serve(url, folder / f"{database}.log")
    before = load_average()
    try:
        results = asyncio.run(run_cases(port, auth, args))
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
    report(database, results, args.clients, (before, load_average()))


def postgres_url() -> tuple[str, Callable[[], None]] | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        engine = create_engine(PG, isolation_level="AUTOCOMMIT")
        name = f"detente_bench_{uuid.uuid4().hex[:10]}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"\npostgresql: skipped ({str(exc).splitlines()[0]})")
        return None

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(PG).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000, help="Per case, at most.")
    parser.add_argument("--seconds", type=float, default=15.0, help="Per case, at most.")
    parser.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    try:
        if args.db in ("both", "sqlite"):
            bench("sqlite", f"sqlite:///{folder / 'bench.db'}", args, folder)
        if args.db in ("both", "postgresql"):
            found = postgres_url()
            if found is not None:
                url, drop = found
                try:
                    bench("postgresql", url, args, folder)
                finally:
                    drop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
