"""Ad hoc what-ifs while a slider moves: answered in the server, batched per scenario.

A slider sends a what-if every few tens of milliseconds, and a team may move sliders on one
scenario at once.  The what-ifs of one base (a version, as of a date, under a named what-if) that
arrive while the previous batch is being answered are answered together, by one call of the
readiness engine's quick path (:func:`detente.web.analysis.quick_many`), so that the cost of a
what-if falls as the load rises instead of queueing.  A lone what-if is answered at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError
from detente.web import analysis
from detente.web.flights import Flights

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["BASES", "MAX_BATCH", "WhatIfs"]

log = logging.getLogger("detente.web")

#: Largest number of what-ifs answered by one engine call.
MAX_BATCH = 256
#: Base scenarios kept in the server (a few versions under study at once).
BASES = 32

Key = tuple[str, str | None, str | None]
Answer = dict[str, Any] | list[dict[str, Any]]


class WhatIfs:
    """Base scenarios kept in the server and the pending what-ifs of each."""

    def __init__(self) -> None:
        self._bases: OrderedDict[Key, Scenario] = OrderedDict()
        self._loading: Flights[Key, Scenario] = Flights()
        self._pending: dict[Key, list[tuple[Mapping[str, Any], asyncio.Future[Answer]]]] = {}
        self._draining: set[Key] = set()
        self._warming: set[asyncio.Task[None]] = set()

    async def base(self, key: Key, load: Callable[[], Awaitable[Scenario]]) -> Scenario:
        """The base scenario of ``key`` (loaded once by ``load``, then kept)."""
        hit = self._bases.get(key)
        if hit is not None:
            self._bases.move_to_end(key)
            return hit

        async def keep() -> Scenario:
            scenario = await load()
            self._bases[key] = scenario
            while len(self._bases) > BASES:
                self._bases.popitem(last=False)
            return scenario

        return await self._loading.run(key, keep)

    def warm(self, key: Key, load: Callable[[], Awaitable[Scenario]]) -> None:
        """Load the base of ``key`` and compile its quick path now, in the background, as the
        first what-if would: for a page that shows sliders, before the first slider moves.  A
        failure is left for that what-if to report."""

        async def warm() -> None:
            try:
                await self.answer(key, await self.base(key, load), {})
            except Exception:
                log.debug("warming the what-ifs of %s failed", key[0], exc_info=True)

        task = asyncio.get_running_loop().create_task(warm())
        self._warming.add(task)  # held until done: the loop keeps only a weak reference
        task.add_done_callback(self._warming.discard)

    async def answer(self, key: Key, scenario: Scenario, changes: Mapping[str, Any]) -> Answer:
        """The quick assessment of ``scenario`` with ``changes``, or the changes' problems."""
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(key, []).append((changes, future))
        if key not in self._draining:
            self._draining.add(key)
            asyncio.get_running_loop().create_task(self._drain(key, scenario))
        return await future

    async def _drain(self, key: Key, scenario: Scenario) -> None:
        try:
            while self._pending.get(key):
                queue = self._pending[key]
                batch, self._pending[key] = queue[:MAX_BATCH], queue[MAX_BATCH:]
                try:
                    answers = await asyncio.to_thread(
                        analysis.quick_many, scenario, [c for c, _ in batch]
                    )
                except DetenteError as exc:  # only a batch of one raises
                    answers = [analysis.change_problems(exc, batch[0][0])]
                except Exception as exc:  # an engine failure answers every waiting slider
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), one in zip(batch, answers, strict=True):
                    if not future.done():
                        future.set_result(one)
        finally:
            self._draining.discard(key)
            if not self._pending.get(key):
                self._pending.pop(key, None)
