"""``detente signals`` on event files and (when the loader exists) on scenario statements."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from timeline_fixtures import EVENTS, gdelt_fields, gdelt_lines, write

from detente.cli import main


def _has_loader() -> bool:
    try:
        module = importlib.import_module("detente.scenario")
    except ImportError:
        return False
    return callable(getattr(module, "load", None))


needs_loader = pytest.mark.skipif(not _has_loader(), reason="detente.scenario.load not written yet")


@pytest.fixture
def gdelt(tmp_path: Path) -> Path:
    bad = gdelt_fields(EVENTS[0], version=2)
    bad[1] = "2022-11-09"
    text = "\n".join([*gdelt_lines(2), "\t".join(bad)]) + "\n"
    return write(tmp_path / "20221201.export.CSV", text, compress="zip")


def test_json_from_an_event_file(gdelt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["signals", "--events", str(gdelt), "--actors", "RUS,USA", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    events = out["series"]["events"]
    assert {r["actor"] for r in events["latest"]} == {"RUS", "USA"}
    usa = [r for r in events["by_actor"] if r["actor"] == "USA"]
    assert usa[-1]["date"] == "2022-12-02"  # the last RUS or USA event
    # USA: 036 (3 sources) on 9 Nov and 036 (6 sources) on 1 Dec, both in the 30-day window.
    on_dec_1 = next(r for r in usa if r["date"] == "2022-12-01")
    assert on_dec_1["cooperative"] == 9.0
    assert on_dec_1["nri"] == pytest.approx(9 / 10)
    (read,) = out["reads"]
    assert read["malformed"] == 1
    assert read["examples"][0]["line"] == len(EVENTS) + 1


def test_csv_and_unweighted(gdelt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["signals", "--events", str(gdelt), "--csv", "--unweighted", "--window", "7D"])
    captured = capsys.readouterr()
    assert rc == 0
    frame = pd.read_csv(io.StringIO(captured.out), dtype={"actor": str, "target": str})
    assert {"origin", "level", "date", "actor", "nri", "mean_goldstein"} <= set(frame.columns)
    usa = frame.loc[(frame["level"] == "actor") & (frame["actor"] == "USA")]
    assert usa.set_index("date").loc["2022-12-01", "nri"] == pytest.approx(0.5)
    assert "malformed" in captured.err


def test_table_output(gdelt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["signals", "--events", str(gdelt), "--pairs", "--from", "2022-11-01"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "NRI" in out
    assert "1 malformed records" in out


def test_errors_are_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signals"]) == 2
    assert "give a scenario FILE" in capsys.readouterr().err
    odd = write(tmp_path / "odd.tsv", "a\tb\n")
    assert main(["signals", "--events", str(odd)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {odd}:1: cannot tell the event-data format")
    good = write(tmp_path / "g.CSV", "\n".join(gdelt_lines(2)))
    assert main(["signals", "--events", str(good), "--window", "2 weeks"]) == 2
    assert "window" in capsys.readouterr().err
    assert main(["signals", "--events", str(good), "--from", "01/12/2022"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["signals", "--events", str(good), "--json", "--csv"]) == 2


# Scenario-based tests: skipped cleanly while detente.scenario.load does not exist.


@needs_loader
def test_statements_of_the_flagship(
    flagship_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["signals", str(flagship_path), "--actors", "USA", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    usa = {r["date"]: r for r in out["series"]["statements"]["by_actor"]}
    # Biden ready to talk on 1 December, walked back on 2 December: the index falls.
    assert usa["2022-12-02"]["rejecting"] > usa["2022-12-01"]["rejecting"]
    assert usa["2022-12-02"]["nri"] < usa["2022-12-01"]["nri"]


@needs_loader
def test_statements_and_events_together(
    flagship_path: Path, gdelt: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["signals", str(flagship_path), "--events", str(gdelt), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert set(out["series"]) == {"statements", "events"}
