"""The ledger: canonical records, the hash chain, tampering, truncation and concurrent writers."""

from __future__ import annotations

import itertools
import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import InputError
from detente.record.ledger import (
    FORMAT,
    GENESIS,
    append_records,
    canonical_json,
    chain_record,
    read_ledger,
    record_hash,
    verify_lines,
)


def _body(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "sealed_at": "2030-01-01T00:00:00Z",
        "detente": "0.1.0",
        "scenario": {"id": "s", "file": "s.yaml", "sha256": "ab" * 32},
        "as_of": "2030-01-01",
        "question": {"id": f"q{i}", "text": f"Question {i} — «ü»?", "deadline": "2031-01-01"},
        "probability": i / 100,
        **extra,
    }


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=6))
def test_canonical_json_round_trips_and_is_order_free(record: dict[str, Any]) -> None:
    text = canonical_json(record)
    assert json.loads(text.decode("utf-8")) == record
    reordered = dict(reversed(list(record.items())))
    assert canonical_json(reordered) == text
    assert b"\n" not in text  # one record, one line


@given(st.integers(0, 100), st.sampled_from(["probability", "question", "sealed_at", "prev"]))
def test_any_change_changes_the_hash(i: int, field: str) -> None:
    record = chain_record(_body(i), GENESIS)
    assert record["hash"] == record_hash(record)
    changed = dict(record)
    changed[field] = {"probability": (i + 1) / 100, "question": {}, "sealed_at": "x", "prev": "1"}[
        field
    ]
    assert record_hash(changed) != record["hash"]


def test_append_and_verify(tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    first = append_records(ledger, [_body(1)])
    second = append_records(ledger, [_body(2), _body(3)])
    assert [e.line for e in (*first, *second)] == [1, 2, 3]
    entries = read_ledger(ledger)
    assert [e.record["question"]["id"] for e in entries] == ["q1", "q2", "q3"]
    assert entries[0].record["prev"] == GENESIS
    assert entries[1].record["prev"] == entries[0].hash
    assert entries[2].record["prev"] == entries[1].hash
    lines = ledger.read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(line == canonical_json(json.loads(line)) for line in lines[:-1])
    assert "«ü»" in ledger.read_text(encoding="utf-8")  # UTF-8, not escaped


def _write(ledger: Path, lines: list[bytes]) -> None:
    ledger.write_bytes(b"".join(line + b"\n" for line in lines))


def _lines(tmp_path: Path, n: int = 4) -> tuple[Path, list[bytes]]:
    ledger = tmp_path / "f.jsonl"
    append_records(ledger, [_body(i) for i in range(n)])
    return ledger, ledger.read_bytes().split(b"\n")[:-1]


def _error(ledger: Path) -> str:
    with pytest.raises(InputError) as info:
        read_ledger(ledger)
    return str(info.value)


def test_a_rewritten_line_is_named(tmp_path: Path) -> None:
    ledger, lines = _lines(tmp_path)
    lines[2] = lines[2].replace(b'"probability":0.02', b'"probability":0.9')
    _write(ledger, lines)
    assert _error(ledger) == (
        f"{ledger}:3: hash: the record was changed after it was sealed "
        "(its hash does not match its content)"
    )


def test_a_rewritten_line_with_a_recomputed_hash_breaks_the_next_line(tmp_path: Path) -> None:
    ledger, lines = _lines(tmp_path)
    record = json.loads(lines[1])
    record["probability"] = 0.99
    lines[1] = canonical_json(chain_record(record, record["prev"]))
    _write(ledger, lines)
    assert _error(ledger).startswith(f"{ledger}:3: prev: the chain is broken")


@pytest.mark.parametrize(
    ("edit", "line", "fragment"),
    [
        (lambda ls: ls[:1] + ls[2:], 2, "the chain is broken"),  # a line removed
        (lambda ls: [ls[1], ls[0], *ls[2:]], 1, "does not start the chain"),  # reordered
        (lambda ls: [*ls[:2], ls[1], *ls[2:]], 3, "the chain is broken"),  # duplicated
        (lambda ls: ls[1:], 1, "does not start the chain"),  # first removed
        (lambda ls: [*ls[:2], b"", *ls[2:]], 3, "an empty line"),
        (lambda ls: [*ls[:2], b"{not json", *ls[2:]], 3, "not a JSON record"),
        (lambda ls: [*ls[:2], b"[1, 2]", *ls[2:]], 3, "not a ledger record"),
        (lambda ls: [ls[0].replace(b'"format"', b'"formt"'), *ls[1:]], 1, "no 'format'"),
    ],
)
def test_damage_is_reported_at_the_first_bad_line(
    tmp_path: Path, edit: Any, line: int, fragment: str
) -> None:
    ledger, lines = _lines(tmp_path)
    _write(ledger, edit(lines))
    message = _error(ledger)
    assert message.startswith(f"{ledger}:{line}: ") and fragment in message, message


def test_a_truncated_file(tmp_path: Path) -> None:
    ledger, _ = _lines(tmp_path)
    data = ledger.read_bytes()
    ledger.write_bytes(data[:-20])  # the last line cut in the middle
    message = _error(ledger)
    assert message.startswith(f"{ledger}:4: the last line has no end of line")
    ledger.write_bytes(data[:-1])  # only the final newline lost
    assert _error(ledger).startswith(f"{ledger}:4: the last line has no end of line")
    # a damaged ledger is never extended
    with pytest.raises(InputError, match=":4: the last line has no end of line"):
        append_records(ledger, [_body(9)])
    assert ledger.read_bytes() == data[:-1]


def test_empty_and_missing_ledgers(tmp_path: Path) -> None:
    assert verify_lines(b"", file="x") == ()
    with pytest.raises(InputError, match="no such ledger file"):
        read_ledger(tmp_path / "none.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        read_ledger(tmp_path)


def _appender(path: str, writer: int, count: int, start: Any) -> None:
    start.wait(timeout=60)  # both writers begin together
    for i in range(count):
        append_records(Path(path), [_body(i, writer=writer)])


def test_two_writers_at_once(tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    count = 150
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    procs = [context.Process(target=_appender, args=(str(ledger), w, count, start)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    entries = read_ledger(ledger)  # the whole chain verifies: nothing interleaved
    assert len(entries) == 2 * count  # nothing lost
    seen = sorted((e.record["writer"], e.record["question"]["id"]) for e in entries)
    assert seen == sorted((w, f"q{i}") for w in (1, 2) for i in range(count))
    writers = [e.record["writer"] for e in entries]
    switches = sum(a != b for a, b in itertools.pairwise(writers))
    assert switches >= 2, "the writers did not overlap; the test proved nothing"
