"""Reading inputs within bounds and writing outputs atomically.

- :func:`read_bounded` reads a file, a pipe, a FIFO or a device with a cap on the bytes read and,
  for anything but a regular file, on the time taken: ``/dev/zero`` is refused at the cap, a FIFO
  nobody writes to is refused after the timeout, instead of reading until memory runs out or
  waiting forever.
- :func:`write_atomic` writes to a temporary file beside the target and moves it into place, so
  that a reader never sees a partial file and a failed write leaves nothing behind.  Without
  ``overwrite`` the final step refuses an existing file atomically (a hard link, which fails if
  the name exists), so that a file created at that path while a command ran is never replaced.

Every ``OSError`` becomes one :class:`~detente.errors.InputError` naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import stat
import tempfile
import time
from pathlib import Path

from detente.errors import InputError, ProblemTooLarge

__all__ = ["check_target", "read_bounded", "write_atomic"]

_CHUNK = 1 << 16
#: What ``link`` says on file systems without hard links (FAT, some network and FUSE ones).
_NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def _os_error(exc: OSError, name: str, action: str) -> InputError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOENT:
        reason = "no such file or folder"
    return InputError(f"{action}: {reason}", file=name)


def _size(n: int) -> str:
    if n % 2**20 == 0 and n:
        return f"{n >> 20} MiB"
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def read_bounded(
    path: str | os.PathLike[str], *, limit: int, timeout: float, what: str = "files"
) -> bytes:
    """The content of ``path``, refused beyond ``limit`` bytes or (if not a file) ``timeout`` s.

    Parameters
    ----------
    path : str or path-like
        A regular file, or a pipe, FIFO, character device or socket (``/dev/stdin``,
        ``<(command)``).
    limit : int
        Most bytes accepted; a regular file larger than this is refused before it is read.
    timeout : float
        Seconds a non-regular input may take to deliver everything up to its end.
    what : str
        What the input is, for messages (``"scenario files over 10 MiB are refused"``).

    Raises
    ------
    detente.errors.InputError
        The path is missing, unreadable or a directory, or the input did not end within
        ``timeout`` seconds.
    detente.errors.ProblemTooLarge
        The input is over ``limit`` bytes (refused before reading when it is a regular file).
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except OSError as exc:
        raise _os_error(exc, name, "cannot read") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", file=name)
        too_big = f"{what} over {_size(limit)} are refused"
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise ProblemTooLarge(f"file is {_size(info.st_size)}; {too_big}", file=name)
            os.set_blocking(fd, True)
            data = _read_file(fd, limit)
        else:
            data = _read_stream(fd, limit, timeout, name)
        if len(data) > limit:
            raise ProblemTooLarge(f"more than {_size(limit)} read; {too_big}", file=name)
        return data
    except OSError as exc:
        raise _os_error(exc, name, "cannot read") from None
    finally:
        os.close(fd)


def _read_file(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_stream(fd: int, limit: int, timeout: float, name: str) -> bytes:
    """Read a pipe or device without blocking past the deadline (wait for data before each read).

    ``select`` rather than ``poll``: it also works on character devices where ``poll`` does not
    (macOS).  A FIFO nobody has opened for writing reports nothing, so it times out.
    """
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        left = deadline - time.monotonic()
        if left <= 0 or not any(select.select([fd], [], [fd], left)):
            raise InputError(
                f"no end of input within {timeout:g} s (a pipe or device that does not end); "
                "give a file",
                file=name,
            )
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        except BlockingIOError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _umask() -> int:
    # The process umask, read without changing it where the system says (threads may be writing).
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    overwrite: bool = False,
    make_parents: bool = False,
) -> Path:
    """Write ``data`` to ``path`` through a temporary file moved into place.

    Parameters
    ----------
    path : str or path-like
        The file to write.  Directories, devices, pipes and sockets are refused.
    data : str or bytes
        The content (text is written as UTF-8).
    overwrite : bool
        Replace an existing file (the CLI's ``--force``); without it an existing file is never
        replaced, even one created while the content was being prepared.
    make_parents : bool
        Create the file's folder (and its parents) if missing.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    detente.errors.InputError
        The path names a directory or a non-regular file, the file exists and ``overwrite`` is
        false, or the system refused (no such folder, permission denied, disk full, ...): one
        error naming the path.  No temporary or partial file is left behind.
    """
    target = Path(path)
    name = str(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    existing = _existing(target, name)
    if existing is not None and not overwrite:
        raise InputError("file exists; use --force to overwrite it", file=name)
    folder = target.parent
    try:
        if make_parents:
            folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise _os_error(exc, name, "cannot write") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
            mode = stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask()
            os.fchmod(out.fileno(), mode)
        if overwrite:
            os.replace(temp, target)
        else:
            _link_exclusive(temp, target, name)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _os_error(exc, name, "cannot write") from None
        raise
    return target


def check_target(path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Refuse early what :func:`write_atomic` would refuse at the end (before costly work).

    The same checks run again when the file is written, atomically; this one only spares the
    work of a command whose output would be refused anyway.
    """
    if _existing(Path(path), str(path)) is not None and not overwrite:
        raise InputError("file exists; use --force to overwrite it", file=str(path))


def _existing(target: Path, name: str) -> os.stat_result | None:
    """The target's status if it exists; refuses directories and non-regular files."""
    try:
        info = target.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise InputError(
                "cannot write: a part of the path is not a folder", file=name
            ) from None
        raise _os_error(exc, name, "cannot write") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory; give a file name", file=name)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            "is not a regular file (a device, a pipe or a socket); outputs are written as files",
            file=name,
        )
    return info


def _link_exclusive(temp: str, target: Path, name: str) -> None:
    """Move ``temp`` to ``target`` only if no file of that name exists, atomically."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise InputError("file exists; use --force to overwrite it", file=name) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        # No hard links on this file system: reserve the name exclusively, then replace the
        # (empty, ours) reservation; an existing file is still never replaced.
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise InputError("file exists; use --force to overwrite it", file=name) from None
        os.replace(temp, target)
        return
    os.unlink(temp)
