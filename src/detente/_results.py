"""The common shape of every engine's result (scikit-learn style consistency).

Every result is immutable and offers ``to_dict()`` (plain JSON-ready data, the CLI's ``--json``),
``explain()`` (plain-language reasons) and, where it is tabular, ``to_frame()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import sys
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

__all__ = ["Result", "jsonable"]


@runtime_checkable
class Result(Protocol):
    """What every engine returns."""

    def to_dict(self) -> dict[str, Any]: ...

    def explain(self) -> str: ...


def jsonable(value: Any) -> Any:
    """Convert dataclasses, NumPy scalars/arrays, enums, dates and mappings to JSON-ready data.

    Non-finite floats become ``None`` so that the output is strict JSON.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return to_dict()
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump") and callable(value.model_dump):
        return jsonable(value.model_dump(mode="json", exclude_none=True))
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    # NumPy values can only exist if NumPy was imported: checking sys.modules keeps this module
    # (and every command's start) free of the NumPy import.
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return jsonable(float(value))
        if isinstance(value, np.ndarray):
            return [jsonable(v) for v in value.tolist()]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)
