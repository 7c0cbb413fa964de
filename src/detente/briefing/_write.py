"""The one place the briefing writes a file (so that atomic writing is a one-line change)."""

from __future__ import annotations

from pathlib import Path

from detente.errors import InputError

__all__ = ["refuse_existing", "write_output"]


def refuse_existing(path: Path, *, overwrite: bool) -> None:
    """Refuse to replace an existing file unless asked to (the CLI's ``--force``)."""
    if path.exists() and not overwrite:
        raise InputError(
            f"{path} exists; use --force to overwrite it", path="output", file=str(path)
        )


def write_output(path: Path, data: str | bytes, *, overwrite: bool) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, creating its folder; never over an existing
    file unless ``overwrite``."""
    refuse_existing(path, overwrite=overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.write_bytes(payload)
    return path
