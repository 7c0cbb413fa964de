"""Analysis routes: assessment, ad hoc what-if, levers, forecast, stability, timeline, briefing,
judgments and the diff of two versions with both verdicts.

Results are cached by the version's content hash and the parameters; a cached assessment is a
database lookup of the version's hash and a memory lookup of the result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from detente.errors import DetenteError
from detente.web import analysis
from detente.web.api_common import (
    CSP_BRIEFING,
    AsOf,
    ScenarioId,
    VersionQ,
    WhatIf,
    cached,
    diff_of,
    json_response,
    outcome_error,
    version_of,
    what_if_base,
)
from detente.web.deps import Ctx, Reader
from detente.web.errors import ApiError, responses, text_responses
from detente.web.library import Version
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

Route = TypeVar("Route", bound=Callable[..., Any])
_CODES = (401, 404, 422, 503)
_ERRORS = responses(*_CODES)


def _get(path: str, model: type[BaseModel], summary: str) -> Callable[[Route], Route]:
    """A GET of one analysis of a version: its model and the errors every such read may have."""
    return router.get(path, response_model=model, responses=_ERRORS, summary=summary)


async def _analysis(
    ctx: Ctx, scenario_id: str, version: int | None, kind: str, **params: Any
) -> Response:
    """The JSON of the analysis ``kind`` of a version, as cached."""
    found = await version_of(ctx, scenario_id, version)
    return json_response(await cached(ctx, found, kind, params))


@_get("/assessment", AssessmentOut, "Can talks start? What `detente assess --json` prints")
async def assessment(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    what_if: WhatIf = None,
) -> Response:
    return await _analysis(ctx, scenario_id, version, "assessment", as_of=as_of, what_if=what_if)


@router.post(
    "/what-if",
    response_model=WhatIfOut,
    responses=responses(400, 401, 404, 413, 422, 503),
    summary="The assessment with ad hoc changes (fast path: the call a slider makes)",
)
async def what_if(ctx: Ctx, _who: Reader, scenario_id: ScenarioId, body: WhatIfIn) -> Response:
    if body.detail == "full":
        return await _analysis(
            ctx,
            scenario_id,
            body.version,
            "what_if_full",
            as_of=body.as_of,
            what_if=body.what_if,
            changes=body.changes,
        )
    found = await version_of(ctx, scenario_id, body.version)
    key, load = what_if_base(ctx, found, as_of=body.as_of, what_if=body.what_if)
    try:
        scenario = await ctx.whatifs.base(key, load)
        answer = await ctx.whatifs.answer(key, scenario, body.changes)
    except DetenteError as exc:
        raise ApiError(422, errors=analysis.diagnostics(exc)) from None
    if isinstance(answer, list):
        raise ApiError(422, errors=answer)
    return json_response({"detail": "fast", **answer})


@_get("/levers", LeversOut, "What would it take: what `detente levers --json` prints")
async def levers(
    ctx: Ctx, _who: Reader, scenario_id: ScenarioId, version: VersionQ = None, as_of: AsOf = None
) -> Response:
    return await _analysis(ctx, scenario_id, version, "levers", as_of=as_of)


@_get("/forecast", ForecastOut, "On what terms: what `detente forecast --json` prints")
async def forecast(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    what_if: WhatIf = None,
    issue: Annotated[str | None, Query(max_length=200, description="Only this issue.")] = None,
) -> Response:
    params = {"as_of": as_of, "what_if": what_if, "issue": issue}
    return await _analysis(ctx, scenario_id, version, "forecast", **params)


@_get(
    "/stability",
    StabilityOut,
    "The graph model's stability: what `detente stability --json` prints",
)
async def stability(
    ctx: Ctx, _who: Reader, scenario_id: ScenarioId, version: VersionQ = None
) -> Response:
    return await _analysis(ctx, scenario_id, version, "stability")


@_get("/timeline", TimelineOut, "Readiness at every dated change of the timeline")
async def timeline(
    ctx: Ctx, _who: Reader, scenario_id: ScenarioId, version: VersionQ = None
) -> Response:
    return await _analysis(ctx, scenario_id, version, "timeline")


@router.get(
    "/briefing",
    response_class=Response,
    responses=text_responses(
        "text/html", "The HTML briefing (inert: no script, nothing loaded).", *_CODES
    ),
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
    body = await cached(ctx, found, "briefing_html", {"as_of": as_of}, media="text/html")
    headers = {"Content-Security-Policy": CSP_BRIEFING}
    if download:
        name = f"{scenario_id}-v{found.number}-briefing.html"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


@_get(
    "/judgments",
    JudgmentList,
    "Every judgment a what-if can change, with ranges, distributions and slider ranges",
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
    body = await cached(ctx, found, "judgments", {"as_of": as_of, "what_if": what_if})
    return json_response(
        {"scenario": scenario_id, "version": found.number, "judgments": json.loads(body)}
    )


@_get("/diff", VersionDiff, "The diff of two versions beside the verdict and margin of each")
async def diff(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    old: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Default: new - 1.")] = None,
    new: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Default: latest.")] = None,
) -> Response:
    newer = await version_of(ctx, scenario_id, new)
    older = await version_of(ctx, scenario_id, old if old is not None else max(1, newer.number - 1))
    lines = await diff_of(ctx, older, newer)
    if not lines.ok:
        raise outcome_error(lines)
    old_v, new_v = await asyncio.gather(_verdict(ctx, older), _verdict(ctx, newer))
    return json_response({"scenario": scenario_id, "old": old_v, "new": new_v, "diff": lines.value})


async def _verdict(ctx: Ctx, version: Version) -> dict[str, Any]:
    body = await cached(ctx, version, "summary", {})
    return VerdictAt(version=version.number, **json.loads(body)).model_dump(mode="json")
