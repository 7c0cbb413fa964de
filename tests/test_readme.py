"""The README's examples run as tests.

Every ```console block of README.md holds ``$ detente ...`` commands followed by their output; each
command is run (in a scratch directory that sees the repository's ``scenarios/``, ``docs/`` and ``tests/``) and its output
must match the README, where a line ``...`` stands for any number of lines.  Every ```python block
runs as a doctest.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(console|python)\n(.*?)```", re.S)


def _console_examples() -> list[tuple[str, list[str]]]:
    examples: list[tuple[str, list[str]]] = []
    for kind, body in BLOCK.findall(README):
        if kind != "console":
            continue
        for chunk in re.split(r"^(?=\$ )", body, flags=re.M):
            if not chunk.startswith("$ detente"):
                continue
            command, *output = chunk.rstrip("\n").split("\n")
            examples.append((command[2:].removesuffix("# keep").rstrip(), output))
    return examples


def _matches(expected: list[str], actual: list[str]) -> bool:
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "..." else re.escape(line.rstrip()) + r"\n"
        for line in expected
    )
    text = "".join(line.rstrip() + "\n" for line in actual)
    return re.fullmatch(pattern, text) is not None


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    for name in ("scenarios", "docs", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


EXAMPLES = _console_examples()


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example(
    command: str, expected: list[str], scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = shlex.split(command)[1:]
    code = main(args)
    out = capsys.readouterr()
    lines = (out.out + out.err).rstrip("\n").split("\n") if (out.out + out.err).strip() else []
    shows_error = any(line.startswith("detente: error:") for line in expected)
    assert code in (0, 1) or (code == 2 and shows_error), f"exit code {code}\n{out.err}"
    assert _matches(expected, lines), "README output differs:\n" + "\n".join(lines)


def test_python_examples(scratch: Path) -> None:
    blocks = [body for kind, body in BLOCK.findall(README) if kind == "python"]
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for i, body in enumerate(blocks):
        test = parser.get_doctest(body, {}, f"README python block {i}", "README.md", 0)
        runner.run(test)
    assert runner.failures == 0
