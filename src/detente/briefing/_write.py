"""The one place the briefing writes a file: atomically, through :mod:`detente._files`."""

from __future__ import annotations

from pathlib import Path

from detente._files import check_target, write_atomic

__all__ = ["refuse_existing", "write_output"]


def refuse_existing(path: Path, *, overwrite: bool) -> None:
    """Refuse early, before the work, an output that the final write would refuse."""
    check_target(path, overwrite=overwrite)


def write_output(path: Path, data: str | bytes, *, overwrite: bool) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, creating its folder: a temporary file beside
    the target moved into place; without ``overwrite`` a file created meanwhile is never
    replaced."""
    return write_atomic(path, data, overwrite=overwrite, make_parents=True)
