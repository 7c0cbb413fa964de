"""The scenarios the repository ships check clean: no error and no warning (the flagship, the
examples and every file of the historical corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from tests.conftest import ROOT

SHIPPED = [
    ROOT / "scenarios" / "russia-ukraine-2022-12.yaml",
    ROOT / "scenarios" / "fearon-textbook.yaml",
    ROOT / "docs" / "examples" / "elmira.yaml",
    # the historical corpus (issue 14): scored against what happened, so it must say nothing
    # its author did not mean
    *sorted((ROOT / "scenarios" / "history").glob("*.yaml")),
]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_checks_without_warnings(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert ": ok, " in out.out  # "ok (N warnings)" otherwise
