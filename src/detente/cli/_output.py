"""Printing helpers shared by the commands: JSON, Rich or plain text, errors."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

from detente._results import jsonable

__all__ = ["console", "err_console", "print_json"]

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """Write ``data`` as indented strict JSON to standard output."""
    sys.stdout.write(json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False))
    sys.stdout.write("\n")
