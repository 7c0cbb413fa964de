"""Re-run every ``$ detente ...`` command in README.md's console blocks and paste its real output.

Usage: ``.venv/bin/python tools/update_readme.py`` (from the repository root).  The test
``tests/test_readme.py`` checks that the README still matches what the commands print; this script
is how the README is brought back in line after a change.  A block whose first line is
``$ detente ... # keep`` is left as written (its output is abridged with ``...`` lines).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def run(command: str) -> str:
    from detente.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(shlex.split(command)[1:])
    return (out.getvalue() + err.getvalue()).rstrip("\n")


def refresh(body: str) -> str:
    chunks = re.split(r"^(?=\$ )", body, flags=re.M)
    new = []
    for chunk in chunks:
        if not chunk.startswith("$ detente"):
            new.append(chunk)
            continue
        command = chunk.split("\n", 1)[0]
        if command.endswith("# keep"):
            new.append(chunk)
            continue
        new.append(command + "\n" + run(command[2:]) + "\n")
    return "".join(new)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("scenarios", "docs", "tests"):
            (Path(tmp) / name).symlink_to(ROOT / name)
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            text = BLOCK.sub(lambda m: "```console\n" + refresh(m.group(1)) + "```", text)
        finally:
            os.chdir(cwd)
    readme.write_text(text, encoding="utf-8")
    sys.stdout.write("README.md updated\n")


if __name__ == "__main__":
    main()
