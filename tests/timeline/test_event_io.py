"""The NumPy record splitter against a brute-force reference (Python's csv module)."""

from __future__ import annotations

import csv
import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.timeline.events._io import iter_blocks

FIELD = st.text(alphabet='ab,"\n\t x', max_size=6)


def _reference(text: str, *, quoted: bool, delimiter: str) -> list[tuple[int, int, bool]]:
    """(first line, field count, blank) of each record, by the csv module."""
    out = []
    if quoted:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        prev_end = 0
        for row in reader:
            start = prev_end + 1
            out.append((start, max(len(row), 1), len(row) == 0))
            prev_end = reader.line_num
        return out
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [(i + 1, ln.count(delimiter) + 1, ln == "") for i, ln in enumerate(lines)]


def _ours(text: str, *, quoted: bool, delimiter: str, block: int) -> list[tuple[int, int, bool]]:
    blocks = list(
        iter_blocks(
            io.BytesIO(text.encode()), delimiter=delimiter, quoted=quoted, block_bytes=block
        )
    )
    if not blocks:
        return []
    lines = np.concatenate([b.lines for b in blocks])
    fields = np.concatenate([b.fields for b in blocks])
    blank = np.concatenate([b.blank for b in blocks])
    return list(zip(lines.tolist(), fields.tolist(), blank.tolist(), strict=True))


@settings(max_examples=100)
@given(
    rows=st.lists(st.lists(FIELD, min_size=1, max_size=4), max_size=8),
    block=st.integers(min_value=1, max_value=64),
    trailing=st.booleans(),
)
def test_quoted_records_match_the_csv_module(
    rows: list[list[str]], block: int, trailing: bool
) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    if not trailing:
        text = text.rstrip("\n")
    want = _reference(text, quoted=True, delimiter=",")
    got = _ours(text, quoted=True, delimiter=",", block=block)
    # csv.reader reports an empty row for a blank line; its field count is 1 here.
    assert [(line, n) for line, n, _ in got] == [(line, n) for line, n, _ in want]


@settings(max_examples=100)
@given(
    text=st.text(alphabet="ab\t\n", max_size=80),
    block=st.integers(min_value=1, max_value=64),
)
def test_tab_lines_match_a_plain_split(text: str, block: int) -> None:
    want = _reference(text, quoted=False, delimiter="\t")
    got = _ours(text, quoted=False, delimiter="\t", block=block)
    assert got == want


def test_block_reports_its_last_line() -> None:
    (block,) = iter_blocks(io.BytesIO(b"a\tb\n\nc\td\n"), delimiter="\t", quoted=False)
    assert block.lines.tolist() == [1, 2, 3]
    assert block.blank.tolist() == [False, True, False]
    assert block.last_line == 3
    assert block.select(np.array([True, False, True])) == b"a\tb\nc\td\n"
    *_, last = iter_blocks(io.BytesIO(b"a\tb\n\nc\td"), delimiter="\t", quoted=False)
    assert (last.lines.tolist(), last.last_line) == ([3], 3)
