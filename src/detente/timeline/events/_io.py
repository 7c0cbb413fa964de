"""Streaming, line-accurate splitting of delimited files into blocks of records.

A file is read in blocks of a fixed number of bytes, so memory stays bounded however large the
file.  Each block is cut at the last record boundary; record boundaries, physical line numbers
and field counts are found with NumPy on the raw bytes (no Python loop over lines): a newline
ends a record unless it lies inside a quoted field, which for quoted formats is the case exactly
when an odd number of quote characters precede it in the block (RFC 4180 escapes a quote by
doubling it, which keeps the parity).  Well-formed records are then handed to pandas' C parser.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente.errors import InputError

__all__ = ["Block", "iter_blocks", "open_sources", "parse_records"]

NEWLINE = 10
QUOTE = 34
DEFAULT_BLOCK_BYTES = 16 * 1024 * 1024

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class Block:
    """A run of whole records of one file.

    Attributes
    ----------
    data : bytes
        The records' bytes, each followed by its newline (the last one may lack it at EOF).
    starts, ends : ndarray of int64
        Offset of each record's first byte and of its terminating newline (or ``len(data)``).
    lines : ndarray of int64
        1-based physical line number of each record's first line in the file.
    fields : ndarray of int64
        Number of fields of each record (delimiters outside quotes, plus one).
    blank : ndarray of bool
        Whether the record is an empty line.
    last_line : int
        Physical line number of the block's last line.
    """

    data: bytes
    starts: IntArray
    ends: IntArray
    lines: IntArray
    fields: IntArray
    blank: BoolArray
    last_line: int

    def __len__(self) -> int:
        return int(self.starts.size)

    def select(self, keep: BoolArray) -> bytes:
        """The bytes of the kept records only, newline-terminated."""
        if keep.all():
            return self.data
        next_starts = np.append(self.starts[1:], len(self.data)).astype(np.int64)
        per_byte = np.repeat(keep, next_starts - self.starts)
        arr = np.frombuffer(self.data, dtype=np.uint8)
        out: bytes = arr[per_byte].tobytes()
        return out


def _split(
    buf: bytes, *, delimiter: int, quoted: bool, final: bool
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Record starts, ends, per-record newline counts, and the offset where the rest begins."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    newlines = np.flatnonzero(arr == NEWLINE).astype(np.int64)
    if quoted:
        quotes = np.flatnonzero(arr == QUOTE)
        outside = np.searchsorted(quotes, newlines) % 2 == 0
        bounds = newlines[outside]
    else:
        bounds = newlines
    if final and (bounds.size == 0 or bounds[-1] != len(buf) - 1) and len(buf) > 0:
        ends = np.append(bounds, len(buf)).astype(np.int64)
        rest = len(buf)
    else:
        ends = bounds
        rest = int(bounds[-1]) + 1 if bounds.size else 0
    starts = np.empty_like(ends)
    if ends.size:
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    # Physical line of each record's start: the newlines (quoted or not) before it.
    line_offsets = np.searchsorted(newlines, starts).astype(np.int64)
    return starts, ends, line_offsets, rest


def _field_counts(
    buf: bytes, starts: IntArray, ends: IntArray, *, delimiter: int, quoted: bool
) -> IntArray:
    arr = np.frombuffer(buf, dtype=np.uint8)
    delims = np.flatnonzero(arr == delimiter)
    if quoted:
        quotes = np.flatnonzero(arr == QUOTE)
        delims = delims[np.searchsorted(quotes, delims) % 2 == 0]
    counts: IntArray = (np.searchsorted(delims, ends) - np.searchsorted(delims, starts) + 1).astype(
        np.int64
    )
    return counts


def iter_blocks(
    stream: IO[bytes],
    *,
    delimiter: str,
    quoted: bool,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
) -> Iterator[Block]:
    """Yield the file's records in blocks of about ``block_bytes`` bytes."""
    delim = ord(delimiter)
    carry = b""
    line = 1
    eof = False
    while not eof:
        chunk = stream.read(block_bytes)
        eof = not chunk
        buf = carry + chunk if carry else chunk
        if not buf:
            break
        starts, ends, offsets, rest = _split(buf, delimiter=delim, quoted=quoted, final=eof)
        if ends.size == 0:
            carry = buf  # one record longer than a block: read on
            continue
        data = buf[:rest]
        carry = buf[rest:]
        lengths = ends - starts
        raw = np.frombuffer(data, dtype=np.uint8)
        blank = (lengths == 0) | ((lengths == 1) & (raw[np.maximum(ends - 1, 0)] == 13))
        n_newlines = int(np.count_nonzero(raw == NEWLINE))
        last_line = line + n_newlines - (1 if data.endswith(b"\n") else 0)
        yield Block(
            data=data,
            starts=starts,
            ends=ends,
            lines=line + offsets,
            fields=_field_counts(data, starts, ends, delimiter=delim, quoted=quoted),
            blank=blank,
            last_line=last_line,
        )
        line += n_newlines


def parse_records(
    data: bytes,
    *,
    delimiter: str,
    quoted: bool,
    names: list[str],
    usecols: list[str],
    numeric: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Parse well-formed records (all with ``len(names)`` fields) into string columns, or
    float64 for the ``numeric`` columns (raises ValueError if one such field is not a number)."""
    if not data:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in usecols})
    return pd.read_csv(
        io.BytesIO(data),
        sep=delimiter,
        header=None,
        names=names,
        usecols=usecols,
        dtype={c: ("float64" if c in numeric else "str") for c in usecols},
        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="c",
        lineterminator="\n",
        encoding="utf-8",
        encoding_errors="replace",
    )


@dataclass(frozen=True, slots=True)
class Source:
    """One readable member: a plain file, a gzip file, or one member of a zip archive."""

    path: Path
    member: str | None

    @property
    def name(self) -> str:
        return f"{self.path}:{self.member}" if self.member else str(self.path)


def _magic(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4)


def open_sources(path: Path) -> list[Source]:
    """The readable members of ``path`` (zip archives may hold several files)."""
    if not path.is_file():
        raise InputError(f"no such event file: {path}", file=str(path))
    if _magic(path).startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                members = [i.filename for i in zf.infolist() if not i.is_dir()]
        except zipfile.BadZipFile as exc:
            raise InputError(f"not a readable zip archive: {exc}", file=str(path)) from None
        if not members:
            raise InputError("the zip archive is empty", file=str(path))
        return [Source(path, m) for m in members]
    return [Source(path, None)]


@contextmanager
def open_binary(source: Source) -> Iterator[IO[bytes]]:
    """Open a source for binary reading, decompressing gzip and zip on the fly."""
    if source.member is not None:
        with zipfile.ZipFile(source.path) as zf, zf.open(source.member) as fh:
            yield fh
        return
    if _magic(source.path).startswith(b"\x1f\x8b"):
        with gzip.open(source.path, "rb") as gz:
            yield cast(IO[bytes], gz)
        return
    with source.path.open("rb") as fh:
        yield fh


def head(source: Source, *, n_bytes: int = 256 * 1024) -> bytes:
    """The first bytes of a source (decompressed), for format detection."""
    with open_binary(source) as fh:
        try:
            return fh.read(n_bytes)
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            raise InputError(f"cannot read the file: {exc}", file=source.name) from None
