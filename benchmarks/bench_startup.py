"""Start-up time of the command line, against ``python -c "import typer"`` in the same run.

Each command runs in a fresh interpreter, as a user runs it: ``detente --help``, ``detente check``
and ``detente assess`` of the flagship scenario, and the baseline ``python -c "import typer"``
(the least any Typer program can cost).  Every command runs once to warm the disk cache and
write bytecode caches, then ``--repeat`` times.  Printed per command: the best and median wall
time, the best CPU time (user + system of the child), and both as ratios to the baseline's
(the CPU ratio varies less with the machine's load).  The targets of issue 11 are for an idle
2-core machine; on a loaded machine read the ratios (the load average is printed with them).

Run: ``.venv/bin/python benchmarks/bench_startup.py [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = "scenarios/russia-ukraine-2022-12.yaml"


def detente_command() -> list[str]:
    """The installed ``detente`` script beside this interpreter, else the same entry point."""
    script = Path(sys.executable).parent / "detente"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from detente.cli import _entry; _entry()"]


def measure(argv: list[str], repeat: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``repeat`` runs (after one warm-up run)."""
    walls, cpus = [], []
    for i in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode()}")
        if i:  # the first run warms caches
            walls.append(wall)
            cpus.append(
                after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
            )
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    # Bytecode caches are part of a normal installation; make sure they are written and used.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    detente = detente_command()
    cases = [
        ('python -c "import typer"', [sys.executable, "-c", "import typer"], None),
        ("detente --help", [*detente, "--help"], 0.3),
        (f"detente check {FLAGSHIP}", [*detente, "check", FLAGSHIP], 0.5),
        (f"detente assess {FLAGSHIP}", [*detente, "assess", FLAGSHIP], 1.0),
    ]
    load = os.getloadavg()
    print(
        f"start-up times, best of {args.repeat} after a warm-up "
        f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} CPUs)"
    )
    base_wall = base_cpu = 0.0
    for label, argv, target in cases:
        walls, cpus = measure(argv, args.repeat, env)
        best, cpu = min(walls), min(cpus)
        base_wall, base_cpu = base_wall or best, base_cpu or cpu
        goal = "" if target is None else f"; target on an idle machine < {target:.1f} s"
        print(
            f"  {label:<52} wall {best:6.3f} s (median {statistics.median(walls):6.3f}), "
            f"CPU {cpu:6.3f} s; {best / base_wall:4.1f} x import typer in wall time, "
            f"{cpu / base_cpu:4.1f} x in CPU time{goal}"
        )


if __name__ == "__main__":
    main()
