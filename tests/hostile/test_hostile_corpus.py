"""The hostile corpus (issue 17): each case in its own process, under a timeout and a memory cap.

Every case must exit 0 or 2 within its timeout, with no ``Traceback``, no warning, no core dump
and no control character on standard error; an error (exit 2) is ``detente: error: ...`` lines
only, the first matching the case's expectation; a success prints nothing on standard error.
Memory is capped with ``resource.setrlimit``: 2 GiB of address space, or of data segment for
commands that start the chart renderer (its V8 engine reserves address space up front).

Each case runs in a child forked from a server that has imported detente once
(``_forkserver.py``, one per test worker), so that the corpus costs the cases' own work rather
than 60 interpreter start-ups; ``DETENTE_CORPUS_FRESH=1`` runs every case in a fresh
interpreter instead (slower, the same checks).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, CORPUS, Case
from tests.hostile.servers import hostile_server

MEMORY_CAP = 2 * 2**30
ENTRY = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _limits(renderer: bool) -> Callable[[], None]:
    def apply() -> None:
        kind = resource.RLIMIT_DATA if renderer else resource.RLIMIT_AS
        resource.setrlimit(kind, (MEMORY_CAP, MEMORY_CAP))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _params() -> list[object]:
    return [pytest.param(case, id=f"item{case.item:02d}-{case.id}") for case in CORPUS]


@dataclass(frozen=True)
class Outcome:
    rc: int | None  # None: killed by a signal or timed out
    signal: int | None
    timed_out: bool
    stdout: bytes
    stderr: bytes


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONWARNINGS", "COLUMNS"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class _Forks:
    """The fork server of this test worker."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("_forkserver.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_environment(),
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def run(self, case: Case, args: list[str], tmp: Path) -> Outcome:
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {
            "argv": args,
            "python": case.python,
            "cwd": str(tmp),
            "renderer": case.renderer,
            "timeout": case.timeout,
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        out, err = (tmp / ".stdout").read_bytes(), (tmp / ".stderr").read_bytes()
        return Outcome(answer["rc"], answer["signal"], answer["timed_out"], out, err)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def forks() -> Iterator[_Forks | None]:
    if os.environ.get("DETENTE_CORPUS_FRESH"):
        yield None
        return
    server = _Forks()
    yield server
    server.close()


def _fresh(case: Case, args: list[str], tmp: Path) -> Outcome:
    command = [sys.executable, "-c", *args] if case.python else [sys.executable, "-c", ENTRY, *args]
    try:
        done = subprocess.run(
            command,
            cwd=tmp,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=case.timeout,
            preexec_fn=_limits(case.renderer),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, None, True, exc.stdout or b"", exc.stderr or b"")
    rc = done.returncode
    return Outcome(
        rc if rc >= 0 else None, -rc if rc < 0 else None, False, done.stdout, done.stderr
    )


def _run(case: Case, tmp: Path, server: str | None, forks: _Forks | None) -> Outcome:
    values = {"cases": str(CASES), "tmp": str(tmp), "server": server or ""}
    if case.python:
        args = [case.argv[0], *(a.format(**values) for a in case.argv[1:])]
    else:
        args = [a.format(**values) for a in case.argv]
    return forks.run(case, args, tmp) if forks is not None else _fresh(case, args, tmp)


@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path: Path, forks: _Forks | None) -> None:
    if case.setup is not None:
        case.setup(tmp_path)
    began = time.monotonic()
    if case.server is not None:
        with hostile_server(case.server) as address:
            done = _run(case, tmp_path, address, forks)
    else:
        done = _run(case, tmp_path, None, forks)
    took = time.monotonic() - began
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    context = f"exit {done.rc} after {took:.1f} s\nstderr:\n{err[-3000:]}"
    assert not done.timed_out, f"no answer within {case.timeout:g} s: {context}"
    assert done.rc is not None, f"killed by signal {done.signal}: {context}"
    assert "Traceback" not in err, context
    assert not re.search(r"\w+Warning\b", err), context
    assert not _CONTROL.search(err), context
    assert done.rc in case.codes, context
    if done.rc == 0:
        assert err == "", context
    else:
        lines = err.splitlines()
        assert lines, context
        assert all(line.startswith("detente: ") for line in lines), context
        expected = case.first or r"^detente: error: "
        assert re.search(expected, lines[0]), f"first line does not match {expected!r}: {context}"
    if case.stdout is not None:
        assert re.search(case.stdout, out), f"stdout lacks {case.stdout!r}:\n{out[:2000]}"
    if case.not_stdout is not None:
        assert not re.search(case.not_stdout, out), f"stdout has {case.not_stdout!r}"
    if case.not_stderr is not None:
        assert not re.search(case.not_stderr, err), context


def test_every_item_of_the_issue_has_cases() -> None:
    assert {case.item for case in CORPUS} == set(range(1, 20))
    assert len({case.id for case in CORPUS}) == len(CORPUS)
