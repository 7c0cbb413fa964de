"""Bad inputs: arrays, tables and the command line give errors a person can act on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining import (
    EUMSettings,
    expected_utility,
    expected_utility_batch,
    forecast_table,
)
from detente.bargaining.table import read_table_text
from detente.cli import main
from detente.errors import InputError

X = np.array([0.0, 5.0, 10.0])
C = np.array([1.0, 2.0, 1.0])
S = np.array([0.5, 0.5, 1.0])


@pytest.mark.parametrize(
    ("x", "c", "s", "match"),
    [
        (X, np.array([1.0, 0.0, 1.0]), S, r"actor #1: capability must be > 0"),
        (X, C, np.array([0.5, 1.2, 0.3]), r"actor #1: salience must lie in \[0, 1\]"),
        (X, C, np.array([0.5, -0.1, 0.3]), r"salience must lie in \[0, 1\]"),
        (np.array([0.0, 11.0, 3.0]), C, S, r"outside the scale"),
        (np.array([0.0, np.nan, 3.0]), C, S, r"position must be a finite number"),
        (X, C[:2], S, r"same length"),
        (X, C, np.zeros(3), r"salience 0"),
        (np.array([]), np.array([]), np.array([]), r"non-empty"),
    ],
)
def test_bad_arrays(x: np.ndarray, c: np.ndarray, s: np.ndarray, match: str) -> None:
    with pytest.raises(InputError, match=match):
        expected_utility(x, c, s, low=0, high=10)


def test_named_actor_in_message() -> None:
    with pytest.raises(InputError, match="Belgium: capability"):
        expected_utility(X, [1.0, 0.0, 1.0], S, low=0, high=10, names=("NL", "Belgium", "FR"))


def test_bad_settings() -> None:
    with pytest.raises(InputError, match="did you mean 'scholz-code'"):
        expected_utility(X, C, S, low=0, high=10, eum=EUMSettings(variant="scholz"))
    with pytest.raises(InputError, match="Q must lie"):
        expected_utility(X, C, S, low=0, high=10, eum=EUMSettings(q=1.5))
    with pytest.raises(InputError, match="rounds"):
        expected_utility(X, C, S, low=0, high=10, eum=EUMSettings(rounds=-1))
    with pytest.raises(InputError, match="low < high"):
        expected_utility(X, C, S, low=10, high=0)
    with pytest.raises(InputError, match="smaller than the spread"):
        expected_utility(X, C, S, low=0, high=10, eum=EUMSettings(utility_range=5.0))


def test_bad_batches() -> None:
    with pytest.raises(InputError, match="shape"):
        expected_utility_batch(X, C, S, low=0, high=10)
    with pytest.raises(InputError, match="capability must have shape"):
        expected_utility_batch(np.tile(X, (2, 1)), C[:2], S, low=0, high=10)
    with pytest.raises(InputError, match="capability must be > 0"):
        expected_utility_batch(np.tile(X, (2, 1)), np.array([1.0, 0.0, 1.0]), S, low=0, high=10)


def test_utility_range_options() -> None:
    by_scale = expected_utility(
        [2.0, 4.0], [1, 1], [1, 1], low=0, high=10, eum=EUMSettings(utility_range="scale")
    )
    assert by_scale.utility_range == 10.0
    by_spread = expected_utility([2.0, 4.0], [1, 1], [1, 1], low=0, high=10)
    assert by_spread.utility_range == 2.0


# -- tables ------------------------------------------------------------------------------------

GOOD = """actor,capability,position,salience
A,1,0,50
B,2,5,100
C,1,10,25
"""


def test_table_reads_percent_salience() -> None:
    (issue,) = read_table_text(GOOD, filename="t.csv")
    assert issue.actors == ("A", "B", "C")
    np.testing.assert_allclose(issue.salience, [0.5, 1.0, 0.25])
    assert issue.lines == (2, 3, 4)


def test_table_unit_salience_semicolons_and_issues() -> None:
    text = (
        "Issue;Actor;Capability;Position;Salience;note\nx;A;1;0;0.5;hi\nx;B;1;4;1\ny;A;1;1;0.2;\n"
    )
    tables = read_table_text(text, filename="t.csv")
    assert [t.issue for t in tables] == ["x", "y"]
    np.testing.assert_allclose(tables[0].salience, [0.5, 1.0])


@pytest.mark.parametrize(
    ("text", "where", "match"),
    [
        ("actor,capability,position\nA,1,2\n", "t.csv:1: ", "missing column 'salience'"),
        (
            "actor,capability,positon,salience\nA,1,2,0.5\n",
            "t.csv:1: ",
            "missing column 'position' (did you mean 'positon'?)",
        ),
        (GOOD.replace("B,2,5,100", "B,2,five,100"), "t.csv:3:3: position: ", "'five' is not a"),
        (GOOD.replace("B,2,5,100", "B,0,5,100"), "t.csv:3:2: capability: ", "must be > 0"),
        (GOOD.replace("B,2,5,100", "B,2,5,120"), "t.csv:3:4: salience: ", "outside [0, 100]"),
        (GOOD.replace("C,1,10,25", "C,1,10,-1"), "t.csv:4:4: salience: ", "outside"),
        (GOOD.replace("B,2,5,100", "B,,5,100"), "t.csv:3:2: capability: ", "empty cell"),
        (GOOD + "A,1,3,20\n", "t.csv:5:1: actor: ", "appears twice"),
        ("actor,capability,position,salience\n", "t.csv:1: ", "no rows"),
        ("", "t.csv:1: ", "empty"),
    ],
)
def test_table_errors_name_file_line_column(text: str, where: str, match: str) -> None:
    with pytest.raises(InputError) as info:
        read_table_text(text, filename="t.csv")
    message = str(info.value)
    assert message.startswith(where), message
    assert match in message


def test_table_unit_scale_forced() -> None:
    with pytest.raises(InputError, match=r"outside \[0, 1\]"):
        read_table_text(GOOD, filename="t.csv", salience_scale="unit")


def test_forecast_table(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(GOOD)
    res = forecast_table(path)
    (f,) = res.issues
    assert (f.low, f.high) == (0.0, 10.0)
    assert f.values["median"] == 5.0
    with pytest.raises(InputError, match="no such file"):
        forecast_table(tmp_path / "missing.csv")


# -- command line ------------------------------------------------------------------------------


def test_cli_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = tmp_path / "t.csv"
    path.write_text(GOOD)
    assert main(["forecast", "--table", str(path)]) == 0
    out = capsys.readouterr().out
    assert "weighted median" in out
    assert "expected-utility model by round" in out
    assert main(["forecast", "--table", str(path), "--json", "-m", "mean", "-m", "eum"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["issues"][0]["forecasts"]) == ["mean", "eum"]
    assert data["issues"][0]["eum"]["variant"] == "scholz-code"


def test_cli_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text(GOOD.replace("B,2,5,100", "B,2,x,100"))
    assert main(["forecast", "--table", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {path}:3:3: position: ")
    assert main(["forecast"]) == 2
    assert "either a scenario FILE or --table" in capsys.readouterr().err
    good = tmp_path / "g.csv"
    good.write_text(GOOD)
    assert main(["forecast", "--table", str(good), "--variant", "scholz"]) == 2
    assert "did you mean 'scholz-code'" in capsys.readouterr().err
    assert main(["forecast", "--table", str(good), "--rounds", "-1"]) == 2
    assert "rounds must be an integer" in capsys.readouterr().err
    assert main(["forecast", "--table", str(good), "--salience-scale", "pct"]) == 2
    assert "auto, unit or percent" in capsys.readouterr().err


def test_cli_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from test_scenario_forecast import TEXT

    path = tmp_path / "toy.yaml"
    path.write_text(TEXT)
    assert main(["forecast", str(path), "--issue", "form", "--rounds", "3"]) == 0
    out = capsys.readouterr().out
    assert "regulation" in out
    assert main(["forecast", str(path), "--issue", "dely"]) == 2
    assert "did you mean 'delay'" in capsys.readouterr().err


def test_too_many_actors_refused_before_allocating() -> None:
    from detente.errors import ProblemTooLarge

    n = 201
    with pytest.raises(ProblemTooLarge, match="limited to 200 actors"):
        expected_utility(np.linspace(0, 1, n), np.ones(n), np.ones(n), low=0, high=1)
