"""A read-only, hashable mapping for the mappings inside the scenario model.

The scenario model is frozen (its fields cannot be assigned), but a frozen model holding a plain
``dict`` can still be changed in place -- ``scenario.actors["A"].positions["x"] = 5`` -- past
validation, and every copy sharing that dict would change with it.  :class:`FrozenDict` is a
``dict`` whose mutating methods raise, so that a scenario and every copy of it stay as validated.

It stays a ``dict`` subclass so that everything that reads a mapping (``json``, pydantic's
serializer, ``dict(x)``, ``{**x}``, ``isinstance(x, dict)``) keeps working; it is hashable
(order-independent, like its equality) so that scenarios can be hashed and cached on content.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, NoReturn, TypeVar, get_args

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["FrozenDict", "freeze"]

K = TypeVar("K")
V = TypeVar("V")


def _refuse(*_: Any, **__: Any) -> NoReturn:
    raise TypeError("a scenario cannot be changed in place; use Scenario.with_changes(...)")


class FrozenDict(dict[K, V]):
    """A ``dict`` that cannot be changed after it is built (mutating methods raise TypeError)."""

    __slots__ = ("_hash",)

    _hash: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            self._hash  # noqa: B018  (set once: a second __init__ would refill the dict)
        except AttributeError:
            super().__init__(*args, **kwargs)
            self._hash = None
            return
        _refuse()

    def __hash__(self) -> int:  # type: ignore[override]
        if self._hash is None:
            self._hash = hash(frozenset(self.items()))
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return type(self)(copy.deepcopy(dict(self), memo))

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"

    @classmethod
    def fromkeys(cls, iterable: Iterable[Any], value: Any = None) -> FrozenDict[Any, Any]:
        return cls(dict.fromkeys(iterable, value))

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        key, value = get_args(source) or (Any, Any)
        inner = handler.generate_schema(dict[key, value])  # type: ignore[valid-type]
        return core_schema.no_info_after_validator_function(freeze, inner)


def freeze(value: Any) -> Any:
    """``value`` with every dict made a :class:`FrozenDict` and every list a tuple, deeply."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value
