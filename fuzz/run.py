"""Coverage-guided fuzzing of detente's readers of untrusted input with atheris (``make fuzz``).

Usage: ``python fuzz/run.py TARGET [RUNS]`` runs ``fuzz.targets.TARGETS[TARGET]`` on ``RUNS``
inputs (default 10,000), starting from the seeds in ``fuzz/corpus/TARGET`` (kept in the
repository, small) and writing new inputs to a temporary folder, never into the repository.

An input that makes a target raise anything but detente's documented errors is a finding.  The
run goes on (so that one known bug does not hide the others): the first input of each distinct
finding (exception type and the innermost detente line) is saved beside the new inputs and
printed as ``FINDING ...``; the last line is ``TARGET: N runs, K findings``, and the exit code
is 1 when K > 0.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/detente/" in f.filename]
    last = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def _recording(
    name: str, target: Callable[[bytes], None], work: Path, runs: int
) -> tuple[Callable[[bytes], None], dict[str, int]]:
    seen: dict[str, int] = {}
    stats = {"runs": 0}

    def run(data: bytes) -> None:
        stats["runs"] += 1
        try:
            target(data)
        except Exception as exc:
            key = f"{type(exc).__name__} at {_where(exc)}"
            if key not in seen:
                seen[key] = len(seen) + 1
                saved = work / f"finding-{seen[key]}"
                saved.write_bytes(data)
                message = str(exc).splitlines()[0][:160] if str(exc) else ""
                print(f"FINDING {name} #{seen[key]}: {key}: {message} (input: {saved})", flush=True)
        if stats["runs"] >= runs:  # libFuzzer's own exit would skip Python's clean-up
            summary()

    def summary() -> None:
        shutil.rmtree(work / "new", ignore_errors=True)
        print(f"{name}: {stats['runs']} runs, {len(seen)} findings", flush=True)
        os._exit(1 if seen else 0)

    return run, stats


def main() -> int:
    try:
        import atheris
    except ImportError:
        sys.stderr.write("atheris is not installed: pip install -e '.[fuzz]' (or make fuzz)\n")
        return 2
    if len(sys.argv) < 2:
        sys.stderr.write("usage: python fuzz/run.py TARGET [RUNS]\n")
        return 2
    name = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with atheris.instrument_imports(include=["detente", "fuzz"]):
        # Import every reader here, so that its code is instrumented for coverage.
        import detente.bargaining
        import detente.scenario
        import detente.scenario.expr
        import detente.scenario.strategy._logic
        import detente.timeline.events  # noqa: F401
        from fuzz.targets import TARGETS
    if name not in TARGETS:
        sys.stderr.write(f"unknown target {name!r}; choose from {', '.join(TARGETS)}\n")
        return 2
    work = Path(tempfile.mkdtemp(prefix=f"detente-fuzz-{name}-"))
    seeds = ROOT / "fuzz" / "corpus" / name
    args = [
        sys.argv[0],
        str(work / "new"),
        str(seeds),
        f"-runs={runs + 1}",
        f"-artifact_prefix={work}/",
        "-max_len=65536",
        "-rss_limit_mb=2048",
        "-timeout=20",
        "-print_final_stats=1",
    ]
    (work / "new").mkdir()
    print(f"fuzzing {name}: {runs} runs; new inputs and findings in {work}", flush=True)
    target, _ = _recording(name, TARGETS[name], work, runs)
    atheris.Setup(args, target)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
