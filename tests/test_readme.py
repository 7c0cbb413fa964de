"""The README's examples run as tests.

Every ```console block of README.md holds ``$ detente ...`` commands followed by their output; each
command is run (in a scratch directory that sees the repository's ``scenarios/``, ``docs/`` and
``tests/``, and already holds the files ``make demo`` writes, as a reader's checkout does after the
Quick start) and its output must match the README, where a line ``...`` stands for any number of
lines.  Every ```python block runs as a doctest.
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


def _demo_outputs() -> list[str]:
    """The files the Makefile's ``demo`` target writes (its ``-o PATH`` options)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None, "the Makefile has no demo target"
    return re.findall(r"-o (\S+)", recipe.group(1))


DEMO_OUTPUTS = _demo_outputs()


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
    for name in DEMO_OUTPUTS:  # what `make demo` left behind; no README command may trip on it
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("written by make demo\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


EXAMPLES = _console_examples()


def test_readme_documents_every_command() -> None:
    """Each command of the CLI has a section under "Commands" (a ``### `detente NAME`` heading)."""
    from detente.cli import app

    names = {
        (c.name or (c.callback.__name__ if c.callback else "")).replace("_", "-")
        for c in app.registered_commands
    }
    headings = re.findall(r"^### .*$", README, re.M)
    undocumented = [n for n in names if not any(f"`detente {n}" in h for h in headings)]
    assert sorted(undocumented) == []
    groups = {g.name for g in app.registered_groups if g.name}  # `detente user add ...`
    run = {command.split()[1] for command, _ in EXAMPLES}
    assert run <= names | groups  # no example of a command that does not exist


def test_demo_writes_the_briefing_with_simulation() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "out/briefing.html" in DEMO_OUTPUTS
    assert re.search(r"detente report .*--simulate \d+", makefile)


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
