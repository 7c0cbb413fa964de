"""Streaming, line-accurate splitting of delimited files into blocks of records.

A file is read in blocks of a fixed number of bytes, so memory stays bounded however large the
file.  Each block is cut at the last record boundary; record boundaries, physical line numbers
and field counts are found with NumPy on the raw bytes (no Python loop over lines): a newline
ends a record unless it lies inside a quoted field, which for quoted formats is the case exactly
when an odd number of quote characters precede it in the block (RFC 4180 escapes a quote by
doubling it, which keeps the parity).  Well-formed records are then handed to pandas' C parser.

Hostile files are expected (docs/security.md).  Only regular files are read (they are opened
twice: once to detect the format); a zip archive is opened once and holds at most
:data:`MAX_ZIP_MEMBERS` members; decompressed bytes are counted against
:data:`MAX_EXPANSION` times the compressed size (beyond :data:`EXPANSION_FLOOR`) and
:data:`MAX_DECOMPRESSED_BYTES`; a record longer than :data:`MAX_RECORD_BYTES` stops the read
at its line; and a record that spans blocks is read by doubling the read size, so reading is
linear in the size of the file.  Every read error (a truncated gzip, a bad CRC, an encrypted
member) is an :class:`~detente.errors.InputError` naming the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente.errors import InputError, ProblemTooLarge

__all__ = [
    "EXPANSION_FLOOR",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_EXPANSION",
    "MAX_RECORD_BYTES",
    "MAX_ZIP_MEMBERS",
    "Block",
    "iter_blocks",
    "open_sources",
    "parse_records",
]

NEWLINE = 10
QUOTE = 34
#: Bytes read per block.  The per-record index arrays take up to ~64 bytes per record, so a
#: block of one-byte records costs ~16 x its size: 4 MiB keeps that far below any memory cap.
DEFAULT_BLOCK_BYTES = 4 * 1024 * 1024
#: Longest record (line) accepted, in bytes; event records are a few hundred bytes.
MAX_RECORD_BYTES = 1024 * 1024
#: Most members read from one zip archive (each costs a fixed few milliseconds of parsing).
MAX_ZIP_MEMBERS = 100
#: Decompressed bytes allowed per byte of a compressed file (text compresses about 5-10 times) ...
MAX_EXPANSION = 100
#: ... beyond this many bytes, which any compressed file may hold.
EXPANSION_FLOOR = 16 * 1024 * 1024
#: Most decompressed bytes read from one compressed file, whatever its size.
MAX_DECOMPRESSED_BYTES = 16 * 1024**3
# Errors that reading a damaged or hostile compressed stream can raise.
_READ_ERRORS = (
    OSError,
    EOFError,
    zlib.error,
    zipfile.BadZipFile,
    RuntimeError,
    NotImplementedError,
    ValueError,
)

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
    quotes : ndarray of int64
        Number of quote characters in each record (odd: a quote left open at the end of file).
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
    quotes: IntArray
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


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n % 2**20 == 0 else f"{n:,} bytes"


def _quote_counts(raw: npt.NDArray[np.uint8], starts: IntArray, ends: IntArray) -> IntArray:
    quotes = np.flatnonzero(raw == QUOTE)
    counts: IntArray = (np.searchsorted(quotes, ends) - np.searchsorted(quotes, starts)).astype(
        np.int64
    )
    return counts


def iter_blocks(
    stream: IO[bytes],
    *,
    delimiter: str,
    quoted: bool,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    name: str | None = None,
) -> Iterator[Block]:
    """Yield the file's records in blocks of about ``block_bytes`` bytes (errors name ``name``).

    Raises
    ------
    InputError
        At the line of a record longer than :data:`MAX_RECORD_BYTES` (an unterminated quote,
        or not an event file).
    """
    delim = ord(delimiter)
    carry = b""
    line = 1
    eof = False
    while not eof:
        # A record that spans blocks: read as much again as is pending, so that a long record
        # is re-split O(log) times rather than once per block (linear time overall).
        chunk = stream.read(max(block_bytes, len(carry)))
        eof = not chunk
        buf = carry + chunk if carry else chunk
        if not buf:
            break
        starts, ends, offsets, rest = _split(buf, delimiter=delim, quoted=quoted, final=eof)
        if len(buf) - rest > MAX_RECORD_BYTES:
            raise InputError(
                f"a record longer than {_size(MAX_RECORD_BYTES)} (the limit) starts "
                "here: a line without its end, an unterminated quote, or not an event file",
                file=name,
                line=line + int(np.count_nonzero(np.frombuffer(buf, np.uint8)[:rest] == NEWLINE)),
            )
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
            quotes=_quote_counts(raw, starts, ends) if quoted else np.zeros_like(starts),
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


@dataclass(eq=False)
class Budget:
    """Decompressed bytes still allowed from one input file (shared by a zip's members)."""

    name: str
    left: int
    reason: str

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise ProblemTooLarge(self.reason, file=self.name)


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """One readable member: a plain file, a gzip file, or one member of an open zip archive."""

    path: Path
    member: str | None
    archive: zipfile.ZipFile | None = None
    budget: Budget | None = field(default=None, compare=False)
    gzipped: bool = False

    @property
    def name(self) -> str:
        return f"{self.path}:{self.member}" if self.member else str(self.path)


class _Counted(io.RawIOBase):
    """A decompressing stream whose bytes count against a budget and whose errors are
    :class:`InputError` naming the source."""

    def __init__(self, inner: IO[bytes], source: Source) -> None:
        self._inner = inner
        self._source = source

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._inner.read(size)
        except _READ_ERRORS as exc:
            raise InputError(
                f"cannot read the file: {exc or type(exc).__name__}", file=self._source.name
            ) from None
        if self._source.budget is not None:
            self._source.budget.take(len(data))
        return data


def _magic(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4)


def _budget(name: str, compressed: int, declared: int | None = None) -> Budget:
    allowed = min(MAX_DECOMPRESSED_BYTES, max(EXPANSION_FLOOR, MAX_EXPANSION * compressed))
    reason = (
        f"the file decompresses to more than {allowed / 2**20:,.0f} MiB, the limit for "
        f"{compressed / 2**20:,.1f} MiB compressed (at most {MAX_EXPANSION} times the "
        f"compressed size beyond {EXPANSION_FLOOR // 2**20} MiB, and at most "
        f"{MAX_DECOMPRESSED_BYTES // 2**30} GiB): a decompression bomb, or decompress it first"
    )
    if declared is not None and declared > allowed:
        raise ProblemTooLarge(reason.replace("decompresses to", "declares"), file=name)
    return Budget(name, allowed, reason)


@contextmanager
def open_sources(path: Path) -> Iterator[list[Source]]:
    """The readable members of ``path`` (zip archives may hold several files), open while the
    context lasts.

    Raises
    ------
    InputError
        A missing file, anything but a regular file, an unreadable zip archive, more than
        :data:`MAX_ZIP_MEMBERS` members, or more declared data than the budget allows.
    """
    if not path.exists():
        raise InputError(f"no such event file: {path}", file=str(path))
    if not path.is_file():
        raise InputError(
            "not a regular file: event files are read twice (to detect the format), so save "
            "the data to a file first",
            file=str(path),
        )
    try:
        size = path.stat().st_size
        magic = _magic(path)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    if not magic.startswith(b"PK\x03\x04"):
        gz = magic.startswith(b"\x1f\x8b")
        yield [Source(path, None, None, _budget(str(path), size) if gz else None, gz)]
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, *_READ_ERRORS) as exc:
        raise InputError(f"not a readable zip archive: {exc}", file=str(path)) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if not infos:
            raise InputError("the zip archive is empty", file=str(path))
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ProblemTooLarge(
                f"the zip archive has {len(infos):,} members; the limit is {MAX_ZIP_MEMBERS:,} "
                "(merge the files, or read them as several archives)",
                file=str(path),
            )
        budget = _budget(str(path), size, declared=sum(i.file_size for i in infos))
        yield [Source(path, i.filename, archive, budget) for i in infos]


@contextmanager
def open_binary(source: Source) -> Iterator[IO[bytes]]:
    """Open a source for binary reading, decompressing gzip and zip on the fly."""
    try:
        if source.archive is not None and source.member is not None:
            inner = source.archive.open(source.member)
        elif source.gzipped:
            inner = cast(IO[bytes], gzip.open(source.path, "rb"))  # noqa: SIM115 (closed below)
        else:
            inner = source.path.open("rb")
    except _READ_ERRORS as exc:
        raise InputError(
            f"cannot read the file: {exc or type(exc).__name__}", file=source.name
        ) from None
    with inner:
        yield cast(IO[bytes], _Counted(inner, source))


def head(source: Source, *, n_bytes: int = 256 * 1024) -> bytes:
    """The first bytes of a source (decompressed), for format detection (not counted against
    the source's budget: they are read again)."""
    plain = Source(source.path, source.member, source.archive, None, source.gzipped)
    with open_binary(plain) as fh:
        return fh.read(n_bytes)
