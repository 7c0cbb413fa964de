"""Hostile actor tables (issue 17, items 2, 6 and 10) and the expected-utility settings and
limits (issue 12): bounded reads from any input, limits while reading, exact rescaling."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente._files import read_bounded
from detente.bargaining import EUMSettings, expected_utility, forecast_table
from detente.bargaining.settings import MAX_ACTORS, MAX_EUM_TERMS, check_eum_size
from detente.bargaining.table import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, read_table_text
from detente.errors import InputError, ProblemTooLarge

HEADER = "actor,capability,position,salience\n"


# -- bounded reads ------------------------------------------------------------------------------
def test_a_device_is_read_up_to_the_limit_only() -> None:
    with pytest.raises(ProblemTooLarge, match="more than 1,000 bytes read; actor tables over"):
        read_bounded("/dev/zero", limit=1000, timeout=5, what="actor tables")
    with pytest.raises(
        ProblemTooLarge, match="more than 10 MiB read; actor tables over 10 MiB are refused"
    ):
        forecast_table("/dev/zero")


def test_a_fifo_without_a_writer_gives_up_after_the_wait(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    began = time.monotonic()
    with pytest.raises(InputError, match=r"no end of input within 0.3 s"):
        read_bounded(fifo, limit=100, timeout=0.3, what="actor tables")
    assert time.monotonic() - began < 5


def test_a_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w") as fh:
            fh.write(HEADER + "A,1,0,1\nB,1,10,1\n")

    thread = threading.Thread(target=write)
    thread.start()
    result = forecast_table(fifo, methods=["mean"])
    thread.join()
    assert result["issue"].values["mean"] == 5.0


def test_files_directories_and_limits(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_bounded(tmp_path / "missing.csv", limit=10, timeout=5, what="actor tables")
    with pytest.raises(InputError, match="is a directory"):
        read_bounded(tmp_path, limit=10, timeout=5, what="actor tables")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 11)
    with pytest.raises(ProblemTooLarge, match="file is 11 bytes; actor tables over 10 bytes"):
        read_bounded(big, limit=10, timeout=5, what="actor tables")
    assert read_bounded(big, limit=11, timeout=5, what="actor tables") == b"x" * 11


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + b"Caf\xe9,1,0,1\n")
    with pytest.raises(InputError, match=r"latin1.csv:2:4: the table is not UTF-8"):
        forecast_table(path)


# -- limits while reading -----------------------------------------------------------------------
def test_the_actor_limit_is_applied_at_the_row_that_passes_it() -> None:
    rows = "".join(f"A{i},1,{i % 10},0.5\n" for i in range(MAX_ACTORS + 1))
    with pytest.raises(ProblemTooLarge, match=r"t.csv:202: issue 'issue' has more than 200 actors"):
        read_table_text(HEADER + rows, filename="t.csv")
    read_table_text(HEADER + "".join(rows.splitlines(keepends=True)[:MAX_ACTORS]))


def test_the_row_limit() -> None:
    rows = "".join(f"A{i % 100},1,1,1,i{i // 100}\n" for i in range(MAX_TABLE_ROWS + 1))
    with pytest.raises(ProblemTooLarge, match=r":20002: the table has more than 20,000 rows"):
        read_table_text(HEADER.replace("\n", ",issue\n") + rows)


def test_the_column_limit_and_overlong_cells() -> None:
    header = ",".join(f"c{i}" for i in range(MAX_TABLE_COLUMNS + 1)) + "\n"
    with pytest.raises(ProblemTooLarge, match="1,001 columns; the limit is 1000"):
        read_table_text(header + "1\n")
    with pytest.raises(InputError, match=r"<table>:2: not a readable CSV row: field larger"):
        read_table_text(HEADER + '"' + "a" * 200_000 + '",1,1,1\n')
    with pytest.raises(InputError, match=r"'1111111111111111111111111111111111111\.\.\.' is not"):
        read_table_text(HEADER + "A,1,1" + "1" * 100 + "x,1\n")


def test_duplicates_are_still_found() -> None:
    with pytest.raises(InputError, match=r"<table>:4:1: actor: actor 'A' appears twice"):
        read_table_text(HEADER + "A,1,0,1\nB,1,1,1\nA,1,2,1\n")


# -- numbers at the edge of the float range (item 2) --------------------------------------------
def test_capabilities_near_the_float_range_give_finite_forecasts(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + "A,1e308,0,1\nB,1e308,10,1\nC,5e307,8,0.5\n")
    result = forecast_table(path)["issue"]
    assert result.values["mean"] == pytest.approx(16 / 3)  # (10 + 8 / 4) / (2 + 1 / 4)
    assert all(np.isfinite(v) for v in result.values.values())
    assert np.isfinite(result.weights).all()


def test_positions_whose_span_overflows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "span.csv"
    path.write_text(HEADER + "A,1,-1e308,1\nB,1,1e308,1\n")
    with pytest.raises(InputError, match=r"span.csv:2: position: .*too wide"):
        forecast_table(path)


@settings(max_examples=40)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 8),
    k=st.integers(-1000, 1000),
)
def test_scaling_capabilities_by_a_power_of_two_changes_nothing(seed: int, n: int, k: int) -> None:
    # The exact rescaling: results are bit-identical whatever the unit of the capabilities.
    rng = np.random.default_rng(seed)
    x, c, s = rng.uniform(0, 10, n), rng.uniform(0.1, 5, n), rng.uniform(0, 1, n)
    s[0] = max(s[0], 0.1)
    scaled = np.ldexp(c, k)
    if not (np.isfinite(scaled).all() and (scaled > 0).all()):
        return
    eum = EUMSettings(rounds=3)
    a = expected_utility(x, c, s, low=0, high=10, eum=eum)
    b = expected_utility(x, scaled, s, low=0, high=10, eum=eum)
    assert np.array_equal(a.medians, b.medians)
    assert np.array_equal(a.means, b.means)
    assert np.array_equal(a.positions, b.positions)


# -- the settings object (issue 12) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message", "path"),
    [
        ({"variant": "scholz"}, "did you mean 'scholz-code'", "variant"),
        ({"q": 1.5}, r"Q must lie in \[0, 1\]", "q"),
        ({"q": True}, "Q must lie", "q"),
        ({"q": float("nan")}, "Q must lie", "q"),
        ({"rounds": -1}, r"rounds must be an integer in \[0, 1000\]", "rounds"),
        ({"rounds": 2.0}, "rounds must be an integer", "rounds"),
        ({"rounds": 1001}, "rounds must be an integer", "rounds"),
        ({"risk": 1}, "risk must be true or false", "risk"),
        ({"utility_range": 0}, "utility_range must be", "utility_range"),
        ({"utility_range": float("inf")}, "utility_range must be", "utility_range"),
        ({"utility_range": "spread"}, "utility_range must be", "utility_range"),
    ],
)
def test_settings_are_checked_when_made(kwargs: dict[str, object], message: str, path: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        EUMSettings(**kwargs)  # type: ignore[arg-type]
    assert info.value.diagnostic.path == path


def test_settings_are_frozen_keyword_only_and_normalised() -> None:
    eum = EUMSettings(q=1, utility_range=7)
    assert eum.q == 1.0 and isinstance(eum.q, float)
    assert eum.utility_range == 7.0
    assert eum.to_dict() == {
        "variant": "scholz-code",
        "q": 1.0,
        "rounds": 8,
        "risk": True,
        "utility_range": 7.0,
    }
    with pytest.raises(AttributeError):
        eum.rounds = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        EUMSettings("as-printed")  # type: ignore[misc]
    with pytest.raises(InputError, match="eum must be an EUMSettings"):
        expected_utility([0, 1], [1, 1], [1, 1], low=0, high=1, eum={"rounds": 3})  # type: ignore[arg-type]


def test_work_limits_say_what_to_lower() -> None:
    check_eum_size([MAX_ACTORS], EUMSettings())
    with pytest.raises(ProblemTooLarge, match="limited to 200 actors per issue"):
        check_eum_size([MAX_ACTORS + 1], EUMSettings())
    with pytest.raises(ProblemTooLarge, match=r"lower the rounds \(at most 125 here\)"):
        check_eum_size([200], EUMSettings(rounds=126))
    check_eum_size([200], EUMSettings(rounds=125))
    with pytest.raises(ProblemTooLarge, match=r"\(126 draws x 8 rounds x sum of actors\^3"):
        check_eum_size([100], EUMSettings(), draws=MAX_EUM_TERMS // (8 * 100**3) + 1)
    with pytest.raises(ProblemTooLarge, match="MiB of quadrant data"):
        check_eum_size([100], EUMSettings(rounds=1000), record=True)
