"""What the API's routes share, one helper for each piece of route boilerplate: the path and
query parameters, finding a version (or 404), an analysis of a version cached by its content
(a failed one mapped to 422 or 503), JSON bodies, the what-if base of a version, the diff of two
versions, and saving a version on the one it edits (If-Match; 409 with the diff otherwise).

The page routes (:mod:`detente.web.pages.routes`) use the same helpers, so that a page and the
API say the same thing about the same version.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from detente.web import analysis, library
from detente.web.errors import ApiError
from detente.web.library import Conflict, Missing, Version
from detente.web.pool import Outcome
from detente.web.schemas import Saved
from detente.web.whatif import Key

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.web.app import Context

__all__ = [
    "CSP_BRIEFING",
    "JSON",
    "AsOf",
    "ScenarioId",
    "VersionQ",
    "WhatIf",
    "analysed",
    "base_of",
    "cached",
    "conflict",
    "diff_of",
    "json_response",
    "not_found",
    "outcome_error",
    "save_version",
    "stored",
    "text_of",
    "version_of",
    "versions_of",
    "what_if_base",
]

ScenarioId = Annotated[
    str, Path(pattern=r"^[a-z0-9-]+$", max_length=128, description="The scenario's id.")
]
VersionQ = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="A version (the latest by default).")
]
AsOf = Annotated[
    dt.date | None, Query(description="Apply the timeline up to this date (YYYY-MM-DD).")
]
WhatIf = Annotated[str | None, Query(max_length=200, description="A named what-if of the file.")]
JSON = "application/json"
#: The briefing is inert HTML with inline styles and SVG: nothing else may load or run.
CSP_BRIEFING = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


# ---- errors -----------------------------------------------------------------------------------


def not_found(what: str) -> ApiError:
    return ApiError(404, f"no {what} in the library", path="id")


def outcome_error(outcome: Outcome) -> ApiError:
    """The API error for an analysis that did not give a value."""
    if outcome.status == "input":
        return ApiError(422, errors=outcome.value)
    if outcome.status in ("timeout", "unavailable"):
        return ApiError(503, str(outcome.value), path="analysis")
    return ApiError(422, str(outcome.value), path="analysis")


def json_response(body: bytes | dict[str, Any]) -> Response:
    """A JSON answer: a cached body as it is, or data (never NaN: JSON has none)."""
    if not isinstance(body, bytes):
        body = json.dumps(body, allow_nan=False).encode("utf-8")
    return Response(body, media_type=JSON)


# ---- versions ---------------------------------------------------------------------------------


async def stored(
    ctx: Context,
    scenario_id: str,
    number: int | None = None,
    *,
    with_text: bool = True,
    missing: str | None = None,
) -> Version:
    """A version from the database (the latest when ``number`` is None), or 404 saying what is
    missing (``missing``, else what the library says)."""
    try:
        return await run_in_threadpool(
            library.get_version, ctx.db, scenario_id, number, with_text=with_text
        )
    except Missing as exc:
        raise not_found(missing or str(exc)) from None


async def versions_of(ctx: Context, scenario_id: str) -> list[Version]:
    """Every version of a scenario, newest first (no texts), or 404."""
    try:
        return await run_in_threadpool(library.list_versions, ctx.db, scenario_id)
    except Missing:
        raise not_found(f"scenario '{scenario_id}'") from None


async def version_of(ctx: Context, scenario_id: str, number: int | None) -> Version:
    """A version's metadata (no text), or 404 (from :class:`Heads` when it knows it)."""
    known = ctx.heads.get(scenario_id, number)
    if known is not None:
        return known

    async def look_up() -> Version:
        found = await stored(ctx, scenario_id, number, with_text=False)
        ctx.heads.put(found, latest=number is None)
        return found

    return await ctx.heads.lookups.run((scenario_id, number), look_up)


async def text_of(ctx: Context, version: Version) -> str:
    """A version's text (read from the database unless the version holds it)."""
    if version.text is not None:
        return version.text
    found = await stored(ctx, version.scenario, version.number)
    assert found.text is not None
    return found.text


# ---- analyses ---------------------------------------------------------------------------------


async def analysed(
    ctx: Context, version: Version, kind: str, params: dict[str, Any], *, media: str = JSON
) -> Outcome:
    """The analysis ``kind`` of a version with ``params`` (keyword arguments of the function in
    :mod:`detente.web.analysis`, besides text and name), from the cache or the pool:
    ``Outcome("ok", (body, media type))`` or what went wrong."""
    name = f"{version.scenario}.yaml"
    key = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()}

    async def compute() -> Outcome:
        text = await text_of(ctx, version)
        return await ctx.pool.run(kind, text=text, name=name, **params)

    return await ctx.analyses.get(kind, version.content_hash, key, compute, media=media)


async def cached(
    ctx: Context, version: Version, kind: str, params: dict[str, Any], *, media: str = JSON
) -> bytes:
    """The body of :func:`analysed`; the API error when the analysis gave no value."""
    outcome = await analysed(ctx, version, kind, params, media=media)
    if not outcome.ok:
        raise outcome_error(outcome)
    body: bytes = outcome.value[0]
    return body


def what_if_base(
    ctx: Context, version: Version, *, as_of: dt.date | None, what_if: str | None
) -> tuple[Key, Callable[[], Awaitable[Scenario]]]:
    """The key of a version's what-if base in :class:`~detente.web.whatif.WhatIfs` (as of a date,
    under a named what-if) and how to load it."""
    key = (version.content_hash, as_of.isoformat() if as_of else None, what_if)

    async def load() -> Scenario:
        text = await text_of(ctx, version)
        return await asyncio.to_thread(
            analysis.scenario_for,
            text,
            name=f"{version.scenario}.yaml",
            as_of=as_of,
            what_if=what_if,
        )

    return key, load


async def diff_of(ctx: Context, older: Version, newer: Version) -> Outcome:
    """The line diff of two versions' texts (``{"lines", "changed"}``), or what went wrong."""
    old_text, new_text = await text_of(ctx, older), await text_of(ctx, newer)
    return await ctx.pool.run(
        "diff",
        old=old_text,
        new=new_text,
        old_name=f"version {older.number}",
        new_name=f"version {newer.number}",
    )


# ---- saving -----------------------------------------------------------------------------------


def base_of(if_match: str) -> int:
    """The version an ``If-Match`` header names (N, "N" or W/"N"), or 422."""
    match = _ETAG.match(if_match)
    if match is None:
        raise ApiError(422, f"If-Match must be a version number, not {if_match!r}", path="If-Match")
    return int(match.group(1))


async def conflict(ctx: Context, scenario_id: str, exc: Conflict) -> ApiError:
    """409 with what changed between the version edited and the latest."""
    diff = None
    if 1 <= exc.base < exc.latest:
        old = await stored(ctx, scenario_id, exc.base)
        new = await stored(ctx, scenario_id, exc.latest)
        outcome = await diff_of(ctx, old, new)
        diff = outcome.value if outcome.ok else None
    if exc.base > exc.latest:
        text = f"there is no version {exc.base}; the latest is {exc.latest}"
    else:
        text = (
            f"version {exc.base} is not the latest: version {exc.latest} was saved since; "
            "merge your change into it (the diff shows theirs) and save again"
        )
    return ApiError(
        409, text, path="If-Match", base_version=exc.base, latest_version=exc.latest, diff=diff
    )


async def save_version(
    ctx: Context,
    *,
    scenario_id: str,
    base: int,
    text: str,
    title: str,
    message: str,
    user_id: int,
) -> Saved:
    """Save ``text`` as the version after ``base`` (404 for no scenario, 409 when ``base`` is
    not the latest) and remember it as the latest."""
    try:
        version = await run_in_threadpool(
            library.save,
            ctx.db,
            scenario_id=scenario_id,
            base=base,
            text=text,
            title=title,
            message=message,
            user_id=user_id,
        )
    except Missing:
        raise not_found(f"scenario '{scenario_id}'") from None
    except Conflict as exc:
        raise await conflict(ctx, scenario_id, exc) from None
    ctx.heads.put(version, latest=True)
    return Saved(id=scenario_id, version=version.number, meta=version.meta())
