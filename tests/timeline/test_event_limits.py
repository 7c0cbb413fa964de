"""Hostile event files (issue 17, items 6 and 13): limits on decompressed bytes, record length
and zip members; damaged archives and impossible dates are errors or malformed records, never
tracebacks."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from timeline_fixtures import acled_events, acled_row, acled_text, gdelt_lines

from detente.errors import InputError, ProblemTooLarge
from detente.timeline.events import _io, read_events
from detente.timeline.events._io import iter_blocks

GDELT = "\n".join(gdelt_lines(1)) + "\n"


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        with pytest.raises(InputError, match="not a regular file"):
            read_events(path)
    with pytest.raises(InputError, match="no such event file"):
        read_events(tmp_path / "missing.csv")


def test_a_record_longer_than_the_limit_stops_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_io, "MAX_RECORD_BYTES", 2000)
    path = tmp_path / "long.csv"
    path.write_text(GDELT + "x" * 5000)
    with pytest.raises(
        InputError, match=r"long.csv:10: a record longer than 2,000 bytes \(the limit\)"
    ):
        read_events(path, block_bytes=64)


def test_a_long_record_spanning_many_small_blocks_is_read_whole() -> None:
    # The read size doubles while a record is pending: 100 KB in blocks of 7 bytes.
    text = b"a\tb\n" + b"c" * 100_000 + b"\td\n" + b"e\tf\n"
    blocks = list(iter_blocks(io.BytesIO(text), delimiter="\t", quoted=False, block_bytes=7))
    lines = np.concatenate([b.lines for b in blocks]).tolist()
    fields = np.concatenate([b.fields for b in blocks]).tolist()
    assert lines == [1, 2, 3] and fields == [2, 2, 2]
    assert len(blocks) < 30


def test_the_first_line_must_end_within_the_detection_head(tmp_path: Path) -> None:
    path = tmp_path / "one-line.gz"
    path.write_bytes(gzip.compress(b"x" * 300_000))
    with pytest.raises(InputError, match=r"one-line.gz:1: the first line is longer than 256 KiB"):
        read_events(path)
    csv_path = tmp_path / "header.csv"
    csv_path.write_text("a" * 140_000 + ",event_date\n1,2\n")
    with pytest.raises(InputError, match=r"header.csv:1: cannot read the header line"):
        read_events(csv_path)


def test_decompressed_bytes_are_budgeted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_io, "EXPANSION_FLOOR", 10_000)
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(GDELT.encode() * 400, compresslevel=9))
    with pytest.raises(ProblemTooLarge, match=r"bomb.gz: the file decompresses to more than"):
        read_events(path, block_bytes=4096)
    zipped = tmp_path / "declared.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", GDELT * 400)
    with pytest.raises(ProblemTooLarge, match=r"declared.zip: the file declares more than"):
        read_events(zipped)


def test_zip_members_are_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_io, "MAX_ZIP_MEMBERS", 3)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(4):
            zf.writestr(f"m{i}.csv", GDELT)
    with pytest.raises(ProblemTooLarge, match="4 members; the limit is 3"):
        read_events(path)
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(3):
            zf.writestr(f"m{i}.csv", GDELT)
    assert len(read_events(path).reports) == 3


def test_damaged_archives_are_input_errors(tmp_path: Path) -> None:
    data = gzip.compress(GDELT.encode() * 50)
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"truncated.gz: cannot read the file: Compressed file"):
        read_events(truncated)
    crc = tmp_path / "crc.zip"
    with zipfile.ZipFile(crc, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("e.csv", GDELT * 50)
    raw = bytearray(crc.read_bytes())
    at = raw.rfind(b"20221201", 0, len(raw) - 200)
    raw[at] = ord("3")
    crc.write_bytes(bytes(raw))
    with pytest.raises(InputError, match=r"crc.zip:e.csv: cannot read the file: Bad CRC-32"):
        read_events(crc)


def test_an_encrypted_member_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("e.csv", GDELT)
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general-purpose flags
        at = raw.find(signature)
        raw[at + offset] |= 1  # "encrypted"
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError, match=r"locked.zip(:e.csv)?: .*encrypted"):
        read_events(path)


def test_dates_beyond_the_table_range_are_bad_dates(tmp_path: Path) -> None:
    lines = gdelt_lines(1)
    for k, day in ((0, "99991231"), (1, "00010101"), (2, "16770101")):
        fields = lines[k].split("\t")
        fields[1] = day
        lines[k] = "\t".join(fields)
    path = tmp_path / "dates.csv"
    path.write_text("\n".join(lines) + "\n")
    data = read_events(path, start="0001-01-01", end="9999-12-31")
    (report,) = data.reports
    assert report.malformed_reasons == {"bad date": 3}
    assert len(data.frame) + report.malformed == report.records


def test_a_quote_left_open_at_the_end_is_a_malformed_record(tmp_path: Path) -> None:
    lines = acled_text([acled_row(e) for e in acled_events()]).rstrip("\n").split("\n")
    head, _, _ = lines[-1].rpartition(",")
    lines[-1] = head + ',"unterminated'  # the right number of fields, a quote never closed
    path = tmp_path / "acled.csv"
    path.write_text("\n".join(lines) + "\n")
    (report,) = read_events(path).reports
    assert report.malformed_reasons == {"unterminated quote": 1}
    assert report.kept == report.records - 1
