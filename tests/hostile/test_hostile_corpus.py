"""The hostile corpus (issue 17): each case in its own process, under a timeout and a memory cap.

Every case must exit 0 or 2 within its timeout, with no ``Traceback``, no warning, no core dump
and no control character on standard error; an error (exit 2) is ``detente: error: ...`` lines
only, the first matching the case's expectation; a success prints nothing on standard error.
Memory is capped with ``resource.setrlimit``: 2 GiB of address space, or of data segment for
commands that start the chart renderer (its V8 engine reserves address space up front).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, CORPUS, OWNER, PENDING, Case
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
    out: list[object] = []
    for case in CORPUS:
        marks = []
        if case.id in PENDING:
            marks.append(
                pytest.mark.xfail(
                    strict=True,
                    reason=f"issue 17 item {case.item}: fixed in the {OWNER[case.item]} branch",
                )
            )
        out.append(pytest.param(case, id=f"item{case.item:02d}-{case.id}", marks=marks))
    return out


def _run(case: Case, tmp: Path, server: str | None) -> subprocess.CompletedProcess[bytes]:
    values = {"cases": str(CASES), "tmp": str(tmp), "server": server or ""}
    args = [a.format(**values) if "{" in a and not case.python else a for a in case.argv]
    if case.python:
        args = [args[0], *(a.format(**values) for a in args[1:])]
        command = [sys.executable, "-c", *args]
    else:
        command = [sys.executable, "-c", ENTRY, *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONWARNINGS", "COLUMNS"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        command,
        cwd=tmp,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=case.timeout,
        preexec_fn=_limits(case.renderer),
        check=False,
    )


@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    if case.setup is not None:
        case.setup(tmp_path)
    began = time.monotonic()
    if case.server is not None:
        with hostile_server(case.server) as address:
            done = _run(case, tmp_path, address)
    else:
        done = _run(case, tmp_path, None)
    took = time.monotonic() - began
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    context = f"exit {done.returncode} after {took:.1f} s\nstderr:\n{err[-3000:]}"
    assert done.returncode >= 0, f"killed by signal {-done.returncode}: {context}"
    assert "Traceback" not in err, context
    assert not re.search(r"\w+Warning\b", err), context
    assert not _CONTROL.search(err), context
    assert done.returncode in case.codes, context
    if done.returncode == 0:
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
