"""Sealed forecasts: an append-only JSON Lines ledger whose records form a hash chain.

A record is a JSON object (docs/track-record.md lists its fields).  Its **canonical form** is
its UTF-8 JSON text with keys sorted, no insignificant whitespace and non-ASCII characters kept
(``json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``); its
**hash** is the SHA-256 of the canonical form of the record without its ``hash`` field, in hex.
Every record carries ``prev``, the hash of the record before it (:data:`GENESIS`, 64 zeros, for
the first), and ``hash``.  Changing any field of a sealed record breaks its own hash; removing,
inserting or reordering records breaks the next ``prev``.  The chain cannot tell whether the
*last* records were removed: publish the head hash that ``detente seal`` prints, and check it
with ``detente grade --head``.

:func:`canonical_json`, :func:`record_hash` and :func:`chain_record` are pure (record ->
canonical JSON -> hash), so that the web service keeps the same records in its database and
verifies them with the same code.  :func:`append_records` appends under an exclusive OS lock
on the ledger (``fcntl.flock``; ``msvcrt.locking`` on Windows), re-reading and verifying the
chain under the lock and writing all new lines with one ``write``, so concurrent writers never
lose or interleave lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import InputError

__all__ = [
    "FORMAT",
    "GENESIS",
    "REQUIRED",
    "LedgerEntry",
    "append_records",
    "canonical_json",
    "chain_record",
    "read_ledger",
    "record_hash",
    "verify_lines",
]

#: The value of every record's ``format`` field.
FORMAT = "detente-ledger/1"
#: ``prev`` of the first record.
GENESIS = "0" * 64
#: Fields every record has, with their JSON types.
REQUIRED: Mapping[str, type | tuple[type, ...]] = {
    "format": str,
    "sealed_at": str,
    "detente": str,
    "scenario": dict,
    "as_of": str,
    "question": dict,
    "probability": (int, float),
    "prev": str,
    "hash": str,
}
#: Ledgers over this size are refused before they are read.
MAX_LEDGER_BYTES = 256 * 1024 * 1024


def canonical_json(record: Mapping[str, Any]) -> bytes:
    """The canonical form of a record: sorted keys, no spaces, UTF-8, strict JSON."""
    try:
        text = json.dumps(
            record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"a ledger record must be plain JSON data ({exc})") from None
    return text.encode("utf-8")


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical form of ``record`` without its ``hash`` field."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def chain_record(body: Mapping[str, Any], prev: str) -> dict[str, Any]:
    """``body`` chained after the record whose hash is ``prev``: with ``prev`` and ``hash``."""
    record = {k: v for k, v in body.items() if k not in ("prev", "hash")}
    record["prev"] = prev
    record["hash"] = record_hash(record)
    return record


@dataclass(frozen=True)
class LedgerEntry:
    """One verified record and its 1-based line number in the ledger."""

    line: int
    record: Mapping[str, Any]

    @property
    def hash(self) -> str:
        return str(self.record["hash"])

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, **dict(self.record)}


def _bad(file: str, line: int, message: str, path: str = "") -> InputError:
    return InputError(message, path=path, file=file, line=line)


def _check_record(data: Any, *, file: str, line: int, prev: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _bad(file, line, "not a ledger record (a JSON object per line)")
    for key, kind in REQUIRED.items():
        if key not in data:
            raise _bad(file, line, f"not a ledger record: no '{key}'", key)
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise _bad(file, line, f"not a ledger record: '{key}' has the wrong type", key)
    if data["format"] != FORMAT:
        raise _bad(file, line, f"unknown record format {data['format']!r}; expected {FORMAT}")
    if data["hash"] != record_hash(data):
        raise _bad(
            file,
            line,
            "the record was changed after it was sealed (its hash does not match its content)",
            "hash",
        )
    if data["prev"] != prev:
        if line == 1:
            message = "the first record does not start the chain: records were removed before it"
        else:
            message = (
                f"the chain is broken: 'prev' is not the hash of line {line - 1} "
                "(a record was removed, inserted or reordered)"
            )
        raise _bad(file, line, message, "prev")
    return data


def verify_lines(data: bytes, *, file: str) -> tuple[LedgerEntry, ...]:
    """Parse and verify a whole ledger; raise at the first bad line (``FILE:LINE: ...``).

    Raises
    ------
    detente.errors.InputError
        A line that is not a record, a changed record, a broken chain, or a last line cut short.
    """
    entries: list[LedgerEntry] = []
    prev = GENESIS
    if not data:
        return ()
    lines = data.split(b"\n")
    if lines[-1] != b"":
        # The writer ends every line; a last line without its end was cut short.
        last = len(lines)
        for number, raw in enumerate(lines[:-1], start=1):
            entries.append(_entry(raw, file=file, line=number, prev=prev))
            prev = entries[-1].hash
        raise _bad(
            file,
            last,
            "the last line has no end of line: the file was cut short (truncated, or a write "
            "was interrupted); remove the partial line to continue",
        )
    for number, raw in enumerate(lines[:-1], start=1):
        entries.append(_entry(raw, file=file, line=number, prev=prev))
        prev = entries[-1].hash
    return tuple(entries)


def _entry(raw: bytes, *, file: str, line: int, prev: str) -> LedgerEntry:
    if not raw.strip():
        raise _bad(file, line, "an empty line inside the ledger (lines were removed or edited)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(
            file,
            line,
            f"not a JSON record ({exc.__class__.__name__}): the line was changed or cut short",
        ) from None
    return LedgerEntry(line, _check_record(data, file=file, line=line, prev=prev))


def _size_check(path: Path, size: int) -> None:
    if size > MAX_LEDGER_BYTES:
        raise InputError(
            f"the ledger is {size / 2**20:.0f} MiB; ledgers over "
            f"{MAX_LEDGER_BYTES // 2**20} MiB are refused",
            file=str(path),
        )


def read_ledger(path: Path) -> tuple[LedgerEntry, ...]:
    """Read and verify a ledger file (see :func:`verify_lines`)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        _size_check(p, size)
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such ledger file", file=str(p)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a ledger file", file=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read the ledger: {exc.strerror}", file=str(p)) from None
    return verify_lines(data, file=str(p))


@contextmanager
def _locked(fd: int) -> Iterator[None]:
    """An exclusive lock on the open file, released on exit (blocks until granted)."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        try:
            yield
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    parts = []
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def append_records(path: Path, bodies: Sequence[Mapping[str, Any]]) -> tuple[LedgerEntry, ...]:
    """Chain ``bodies`` after the ledger's last record and append them (creating the file).

    Under an exclusive lock the whole ledger is re-read and verified (a damaged ledger is never
    extended), the new records are chained, and their lines are written with one ``write``.

    Returns
    -------
    tuple of LedgerEntry
        The appended records with their line numbers.

    Raises
    ------
    detente.errors.InputError
        The ledger is damaged (``FILE:LINE: ...``) or cannot be written.
    """
    p = Path(path)
    if p.is_dir():
        raise InputError("is a directory, not a ledger file", file=str(p))
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags, 0o644)
    except OSError as exc:
        raise InputError(f"cannot open the ledger: {exc.strerror}", file=str(p)) from None
    try:
        with _locked(fd):
            _size_check(p, os.fstat(fd).st_size)
            existing = verify_lines(_read_all(fd), file=str(p))
            prev = existing[-1].hash if existing else GENESIS
            added: list[LedgerEntry] = []
            for i, body in enumerate(bodies, start=len(existing) + 1):
                record = chain_record(body, prev)
                added.append(LedgerEntry(i, record))
                prev = record["hash"]
            payload = b"".join(canonical_json(e.record) + b"\n" for e in added)
            view = memoryview(payload)
            while view:  # a regular file takes the whole write; loop only if a signal cut it
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
    except OSError as exc:
        raise InputError(f"cannot write the ledger: {exc.strerror}", file=str(p)) from None
    finally:
        os.close(fd)
    return tuple(added)
