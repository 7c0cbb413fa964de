"""Analysis routes: assessment, ad hoc what-if, levers, forecast, stability, timeline, briefing,
judgments and the diff of two versions with both verdicts.

Results are cached by the version's content hash and the parameters; a cached assessment is a
database lookup of the version's hash and a memory lookup of the result.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from detente.errors import DetenteError
from detente.web import analysis, library
from detente.web.api_library import ScenarioId, not_found, outcome_error
from detente.web.deps import Ctx, Reader
from detente.web.errors import ApiError, responses
from detente.web.library import Missing, Version
from detente.web.pool import Outcome
from detente.web.schemas import (
    AssessmentOut,
    ForecastOut,
    JudgmentList,
    LeversOut,
    StabilityOut,
    TimelineOut,
    VerdictAt,
    VersionDiff,
    WhatIfIn,
    WhatIfOut,
)

router = APIRouter(prefix="/api/scenarios/{scenario_id}", tags=["analysis"])

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
_ERRORS = responses(401, 404, 422, 503)


async def version_of(ctx: Ctx, scenario_id: str, number: int | None) -> Version:
    """A version's metadata (no text), or 404 (from :class:`Heads` when it knows it)."""
    known = ctx.heads.get(scenario_id, number)
    if known is not None:
        return known
    try:
        found = await run_in_threadpool(
            library.get_version, ctx.db, scenario_id, number, with_text=False
        )
    except Missing as exc:
        raise not_found(str(exc)) from None
    ctx.heads.put(found, latest=number is None)
    return found


async def text_of(ctx: Ctx, version: Version) -> str:
    found = await run_in_threadpool(library.get_version, ctx.db, version.scenario, version.number)
    assert found.text is not None
    return found.text


async def cached(
    ctx: Ctx,
    version: Version,
    kind: str,
    params: dict[str, Any],
    media: str = JSON,
) -> tuple[bytes, str]:
    """The analysis ``kind`` of a version with ``params`` (keyword arguments of the function in
    :mod:`detente.web.analysis`, besides text and name), from the cache or the pool."""
    name = f"{version.scenario}.yaml"
    key = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()}

    async def compute() -> Outcome:
        text = await text_of(ctx, version)
        return await ctx.pool.run(kind, text=text, name=name, **params)

    outcome = await ctx.analyses.get(kind, version.content_hash, key, compute, media=media)
    if not outcome.ok:
        raise outcome_error(outcome)
    body, media_type = outcome.value
    return body, media_type


def _json(body: bytes) -> Response:
    return Response(body, media_type=JSON)


@router.get(
    "/assessment",
    response_model=AssessmentOut,
    responses=_ERRORS,
    summary="Can talks start? What `detente assess --json` prints",
)
async def assessment(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    what_if: WhatIf = None,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    body, _ = await cached(ctx, found, "assessment", {"as_of": as_of, "what_if": what_if})
    return _json(body)


@router.post(
    "/what-if",
    response_model=WhatIfOut,
    responses=responses(400, 401, 404, 413, 422, 503),
    summary="The assessment with ad hoc changes (fast path: the call a slider makes)",
)
async def what_if(ctx: Ctx, _who: Reader, scenario_id: ScenarioId, body: WhatIfIn) -> Response:
    found = await version_of(ctx, scenario_id, body.version)
    if body.detail == "full":
        params = {"as_of": body.as_of, "what_if": body.what_if, "changes": body.changes}
        out, _ = await cached(ctx, found, "what_if_full", params)
        return _json(out)
    key = (found.content_hash, body.as_of.isoformat() if body.as_of else None, body.what_if)

    async def load() -> Any:
        text = await text_of(ctx, found)
        return await asyncio.to_thread(
            analysis.scenario_for,
            text,
            name=f"{scenario_id}.yaml",
            as_of=body.as_of,
            what_if=body.what_if,
        )

    try:
        scenario = await ctx.whatifs.base(key, load)
        answer = await ctx.whatifs.answer(key, scenario, body.changes)
    except DetenteError as exc:
        raise ApiError(422, errors=analysis.diagnostics(exc)) from None
    if isinstance(answer, list):
        raise ApiError(422, errors=answer)
    return _json(json.dumps({"detail": "fast", **answer}, allow_nan=False).encode("utf-8"))


@router.get(
    "/levers",
    response_model=LeversOut,
    responses=_ERRORS,
    summary="What would it take: what `detente levers --json` prints",
)
async def levers(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    return _json((await cached(ctx, found, "levers", {"as_of": as_of}))[0])


@router.get(
    "/forecast",
    response_model=ForecastOut,
    responses=_ERRORS,
    summary="On what terms: what `detente forecast --json` prints",
)
async def forecast(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    what_if: WhatIf = None,
    issue: Annotated[str | None, Query(max_length=200, description="Only this issue.")] = None,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    params = {"as_of": as_of, "what_if": what_if, "issue": issue}
    return _json((await cached(ctx, found, "forecast", params))[0])


@router.get(
    "/stability",
    response_model=StabilityOut,
    responses=_ERRORS,
    summary="The graph model's stability: what `detente stability --json` prints",
)
async def stability(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    return _json((await cached(ctx, found, "stability", {}))[0])


@router.get(
    "/timeline",
    response_model=TimelineOut,
    responses=_ERRORS,
    summary="Readiness at every dated change of the timeline",
)
async def timeline(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    return _json((await cached(ctx, found, "timeline", {}))[0])


@router.get(
    "/briefing",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "The HTML briefing (inert: no script, nothing loaded).",
        },
        **_ERRORS,
    },
    summary="The HTML briefing of a version",
)
async def briefing(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    download: Annotated[bool, Query(description="As an attachment.")] = False,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    body, _ = await cached(ctx, found, "briefing_html", {"as_of": as_of}, media="text/html")
    headers = {"Content-Security-Policy": CSP_BRIEFING}
    if download:
        name = f"{scenario_id}-v{found.number}-briefing.html"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


@router.get(
    "/judgments",
    response_model=JudgmentList,
    responses=_ERRORS,
    summary="Every judgment a what-if can change, with ranges, distributions and slider ranges",
)
async def judgments(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    what_if: WhatIf = None,
) -> Response:
    found = await version_of(ctx, scenario_id, version)
    body, _ = await cached(ctx, found, "judgments", {"as_of": as_of, "what_if": what_if})
    out = {"scenario": scenario_id, "version": found.number, "judgments": json.loads(body)}
    return _json(json.dumps(out, allow_nan=False).encode("utf-8"))


@router.get(
    "/diff",
    response_model=VersionDiff,
    responses=_ERRORS,
    summary="The diff of two versions beside the verdict and margin of each",
)
async def diff(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    old: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Default: new - 1.")] = None,
    new: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Default: latest.")] = None,
) -> Response:
    newer = await version_of(ctx, scenario_id, new)
    older = await version_of(ctx, scenario_id, old if old is not None else max(1, newer.number - 1))
    old_text, new_text = await text_of(ctx, older), await text_of(ctx, newer)
    lines = await ctx.pool.run(
        "diff",
        old=old_text,
        new=new_text,
        old_name=f"version {older.number}",
        new_name=f"version {newer.number}",
    )
    if not lines.ok:
        raise outcome_error(lines)
    old_v, new_v = await asyncio.gather(_verdict(ctx, older), _verdict(ctx, newer))
    out = {"scenario": scenario_id, "old": old_v, "new": new_v, "diff": lines.value}
    return _json(json.dumps(out, allow_nan=False).encode("utf-8"))


async def _verdict(ctx: Ctx, version: Version) -> dict[str, Any]:
    body, _ = await cached(ctx, version, "summary", {})
    return VerdictAt(version=version.number, **json.loads(body)).model_dump(mode="json")


Compute = Callable[[], Awaitable[Outcome]]
