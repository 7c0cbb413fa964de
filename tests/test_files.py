"""Bounded reading and atomic writing (:mod:`detente._files`, issue 17 items 4, 6 and 18)."""

from __future__ import annotations

import errno
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from detente import _files
from detente._files import check_target, read_bounded, write_atomic
from detente.errors import InputError


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# ------------------------------------------------------------------------------ reading
def test_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, limit=100, timeout=1) == b"x" * 100


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * (3 * 2**20 + 1000))

    def no_read(*_: object) -> bytes:
        raise AssertionError("read")

    monkeypatch.setattr(_files.os, "read", no_read)
    with pytest.raises(InputError, match=r"file is 3\.0 MiB; scenario files over 1 MiB"):
        read_bounded(path, limit=2**20, timeout=1, what="scenario files")


def test_dev_zero_stops_at_the_limit() -> None:
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        read_bounded("/dev/zero", limit=2**20, timeout=5)
    assert str(info.value) == "/dev/zero: more than 1 MiB read; files over 1 MiB are refused"
    assert time.monotonic() - start < 5


def test_a_fifo_without_writer_times_out(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(InputError, match=r"no end of input within 0\.2 s"):
        read_bounded(fifo, limit=100, timeout=0.2)
    assert time.monotonic() - start < 5


def test_a_fifo_that_never_ends_times_out(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    stop = threading.Event()

    def drip() -> None:
        with open(fifo, "wb", buffering=0) as out:
            while not stop.is_set():
                out.write(b"x")
                time.sleep(0.01)

    writer = threading.Thread(target=drip)
    writer.start()
    try:
        with pytest.raises(InputError, match="no end of input"):
            read_bounded(fifo, limit=10_000, timeout=0.3)
    finally:
        stop.set()
        writer.join()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_bounded(tmp_path / "nope", limit=10, timeout=1)
    with pytest.raises(InputError, match="is a directory"):
        read_bounded(tmp_path, limit=10, timeout=1)


# ------------------------------------------------------------------------------ writing
def test_writes_a_new_file_with_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert write_atomic(target, "héllo") == target
    assert target.read_text(encoding="utf-8") == "héllo"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert leftovers(tmp_path) == []


def test_never_replaces_an_existing_file_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("mine", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(InputError, match="file exists; use --force"):
        write_atomic(target, "theirs")
    assert target.read_text(encoding="utf-8") == "mine"
    write_atomic(target, b"theirs", overwrite=True)
    assert target.read_text(encoding="utf-8") == "theirs"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an overwritten file keeps its mode
    assert leftovers(tmp_path) == []


def test_a_file_created_during_the_write_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race of issue 17 item 4: the check passes, then someone creates the file.
    target = tmp_path / "out.txt"
    real_fsync = os.fsync

    def create_then_sync(fd: int) -> None:
        target.write_text("created meanwhile", encoding="utf-8")
        real_fsync(fd)

    monkeypatch.setattr(_files.os, "fsync", create_then_sync)
    with pytest.raises(InputError, match="file exists"):
        write_atomic(target, "ours")
    assert target.read_text(encoding="utf-8") == "created meanwhile"
    assert leftovers(tmp_path) == []


def test_without_hard_links_an_existing_file_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(_files.os, "link", no_links)
    target = tmp_path / "out.txt"
    write_atomic(target, "first")
    assert target.read_text(encoding="utf-8") == "first"
    with pytest.raises(InputError, match="file exists"):
        write_atomic(target, "second")
    assert target.read_text(encoding="utf-8") == "first"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("/dev/full", "is not a regular file"),
        ("/dev/null", "is not a regular file"),
        ("{tmp}", "is a directory"),
        ("{tmp}/missing/out.txt", "cannot write: no such file or folder"),
        ("{tmp}/file.txt/out.txt", "cannot write: a part of the path is not a folder"),
    ],
)
def test_refusals_are_one_error_naming_the_path(tmp_path: Path, target: str, words: str) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    path = target.replace("{tmp}", str(tmp_path))
    for overwrite in (False, True):
        with pytest.raises(InputError) as info:
            write_atomic(path, "data", overwrite=overwrite)
        assert str(info.value).startswith(f"{path}: ")
        assert words in str(info.value)
        assert "\n" not in str(info.value)
    assert leftovers(tmp_path) == []


def test_check_target_refuses_the_same_early(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="file exists"):
        check_target(tmp_path / "x")
    check_target(tmp_path / "x", overwrite=True)
    check_target(tmp_path / "new")
    with pytest.raises(InputError, match="is a directory"):
        check_target(tmp_path, overwrite=True)


def test_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", full)
    target = tmp_path / "out.txt"
    with pytest.raises(InputError) as info:
        write_atomic(target, "x" * 10_000)
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(**_: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(_files.tempfile, "mkstemp", denied)
    with pytest.raises(InputError) as info:
        write_atomic(tmp_path / "out.txt", "x")
    assert str(info.value) == f"{tmp_path / 'out.txt'}: cannot write: Permission denied"


def test_make_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    write_atomic(target, "x", make_parents=True)
    assert target.read_text(encoding="utf-8") == "x"


def test_an_interrupted_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_files.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.txt", "x")
    assert list(tmp_path.iterdir()) == []
