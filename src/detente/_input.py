"""Bounded reading of an input file, whatever it is: a regular file, a pipe, a FIFO, a device.

``Path.read_text`` reads ``/dev/zero`` until memory runs out and blocks forever on a FIFO that
nobody writes to.  :func:`read_bounded` never reads more than ``limit + 1`` bytes, and never
waits more than :data:`PIPE_WAIT_SECONDS` for the next bytes of a pipe, FIFO or device: the
file is opened without blocking, regular files are read directly (their size is checked
first) and anything else is polled.  Every failure is an :class:`~detente.errors.InputError`
naming the file (docs/security.md lists the limits).
"""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path

from detente.errors import InputError, ProblemTooLarge

__all__ = ["PIPE_WAIT_SECONDS", "read_bounded"]

#: Longest wait for the next bytes from a pipe, FIFO or device before giving up.
PIPE_WAIT_SECONDS = 5.0
_PIECE = 1 << 16


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n:,} bytes"


def read_bounded(
    path: str | os.PathLike[str],
    *,
    limit: int,
    what: str,
    wait: float = PIPE_WAIT_SECONDS,
) -> bytes:
    """The bytes of ``path``, refusing more than ``limit`` bytes and an input that stalls.

    Parameters
    ----------
    path : path
        The file as the user named it (a regular file, ``/dev/stdin``, a FIFO, a device).
    limit : int
        Largest number of bytes accepted.
    what : str
        What the file is, for messages ("actor table").
    wait : float
        Seconds to wait for the next bytes of a pipe, FIFO or device.

    Raises
    ------
    InputError
        A missing file, a directory, an unreadable file, or an input that sends nothing
        within ``wait`` seconds.
    ProblemTooLarge
        More than ``limit`` bytes.
    """
    name = str(path)
    if not name:
        raise InputError(f"the {what} has an empty file name")
    try:
        fd = os.open(Path(path), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"cannot open the {what}: {reason}", file=name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", file=name)
        too_big = ProblemTooLarge(
            f"the {what} is larger than the limit of {_size(limit)}", file=name
        )
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise too_big
            os.set_blocking(fd, True)
            data = _read_regular(fd, limit)
        else:
            data = _read_stream(fd, limit, wait, name, what)
        if len(data) > limit:
            raise too_big
        return data
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {exc.strerror or exc}", file=name) from None
    finally:
        os.close(fd)


def _read_regular(fd: int, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while total <= limit:
        piece = os.read(fd, min(_PIECE * 16, limit + 1 - total))
        if not piece:
            break
        parts.append(piece)
        total += len(piece)
    return b"".join(parts)


def _read_stream(fd: int, limit: int, wait: float, name: str, what: str) -> bytes:
    parts: list[bytes] = []
    total = 0
    while total <= limit:
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise InputError(
                    f"no data arrived from this pipe, FIFO or device within {wait:g} s; "
                    f"give the {what} as a regular file",
                    file=name,
                )
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                break
        try:
            piece = os.read(fd, min(_PIECE, limit + 1 - total))
        except BlockingIOError:
            continue
        if not piece:
            break
        parts.append(piece)
        total += len(piece)
    return b"".join(parts)
