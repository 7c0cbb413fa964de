"""A fork server for the hostile corpus: imports detente and its engines once, then runs each
case in a forked child process with its own memory cap, timeout, working folder and standard
streams — so that a case costs its own work, not another interpreter start-up.

Protocol (one JSON object per line on stdin, one answer per line on stdout):
``{"argv": [...], "python": false, "cwd": DIR, "renderer": false, "timeout": 60}`` ->
``{"rc": int | null, "signal": int | null, "timed_out": bool}``; the child's standard output and
error go to ``DIR/.stdout`` and ``DIR/.stderr``.  The server is single-threaded, so forking it
is safe.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time

MEMORY_CAP = 2 * 2**30


def _preload() -> None:
    # What the commands import anyway; loaded once here, shared copy-on-write by the children.
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import scipy.optimize
    import scipy.stats  # noqa: F401

    import detente.bargaining
    import detente.cli
    import detente.graph
    import detente.readiness
    import detente.scenario
    import detente.timeline
    import detente.uncertainty  # noqa: F401


def _child(case: dict[str, object]) -> None:
    cwd = str(case["cwd"])
    os.chdir(cwd)
    kind = resource.RLIMIT_DATA if case["renderer"] else resource.RLIMIT_AS
    resource.setrlimit(kind, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    devnull = os.open(os.devnull, os.O_RDONLY)
    out = os.open(os.path.join(cwd, ".stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(os.path.join(cwd, ".stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(devnull, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    argv = [str(a) for a in case["argv"]]  # type: ignore[attr-defined]
    code = 0
    try:
        if case["python"]:
            sys.argv = ["-c", *argv[1:]]
            exec(compile(argv[0], "<case>", "exec"), {"__name__": "__main__"})
        else:
            from detente.cli import main

            sys.argv = ["detente", *argv]
            code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _wait(pid: int, timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"rc": None, "signal": None, "timed_out": True}
        time.sleep(0.02)
    if os.WIFSIGNALED(status):
        return {"rc": None, "signal": os.WTERMSIG(status), "timed_out": False}
    return {"rc": os.WEXITSTATUS(status), "signal": None, "timed_out": False}


def main() -> None:
    _preload()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        case = json.loads(line)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _child(case)
        answer = _wait(pid, float(case["timeout"]))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
