"""One computation for concurrent requests of the same thing ("single flight").

The first request for a key starts the computation; requests for the same key that arrive while
it runs wait for its result (or its exception) instead of starting their own.  Nothing is kept
once it has finished: keeping results is the caller's business (a cache, :class:`Heads`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Flights"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Flights(Generic[K, V]):
    """Computations in flight, by key (on one event loop)."""

    def __init__(self) -> None:
        self._running: dict[K, asyncio.Future[V]] = {}

    async def run(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        """``compute()``'s result, shared with every request for ``key`` while it runs."""
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)  # a waiter's cancellation stays its own
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._running.pop(key, None)
        future.set_result(value)
        return value
