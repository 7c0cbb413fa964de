"""Library routes: import, read, list, save (optimistic, If-Match), versions, export, check."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from detente.web import library
from detente.web.api_common import (
    ScenarioId,
    analysed,
    base_of,
    outcome_error,
    save_version,
    stored,
    versions_of,
)
from detente.web.deps import Analyst, Ctx, Reader
from detente.web.errors import ApiError, responses, text_responses
from detente.web.library import Exists
from detente.web.pool import Outcome
from detente.web.schemas import Checked, Saved, ScenarioList, ScenarioOut, VersionList

router = APIRouter(prefix="/api", tags=["library"])

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
YAML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scenario file as written (YAML, UTF-8; up to 10 MiB).",
        "content": {"application/yaml": {"schema": {"type": "string"}}},
    }
}
Message = Annotated[str, Query(max_length=2000, description="What this version changes.")]


async def yaml_text(request: Request) -> str:
    """The request body as YAML text (media type and encoding checked)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in YAML_TYPES:
        raise ApiError(
            415,
            f"send the scenario as application/yaml, not {media or 'nothing'}",
            path="Content-Type",
        )
    body = await request.body()
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(
            422, f"the file is not UTF-8 text (byte {exc.start + 1})", path="body"
        ) from None


async def validated(ctx: Ctx, text: str, *, name: str) -> dict[str, Any]:
    """The loader's verdict on a text: ``{"errors", "id", "title"}`` (cached by content)."""
    digest = library.content_hash(text)

    async def compute() -> Outcome:
        return await ctx.pool.run("check", text=text, name=name)

    outcome = await ctx.analyses.get("check", digest, {"name": name}, compute)
    if not outcome.ok:
        raise outcome_error(outcome)
    body, _ = outcome.value
    result: dict[str, Any] = json.loads(body)
    return result


async def loaded(ctx: Ctx, text: str, *, name: str) -> dict[str, Any]:
    """A text that must load: its ``id`` and ``title``; 422 with every problem otherwise."""
    result = await validated(ctx, text, name=name)
    if result["errors"]:
        raise ApiError(422, errors=result["errors"])
    return result


@router.post(
    "/scenarios",
    status_code=201,
    response_model=Saved,
    openapi_extra=YAML_BODY,
    responses=responses(401, 403, 409, 413, 415, 422, 503),
    summary="Import a scenario file as version 1",
)
async def create_scenario(request: Request, ctx: Ctx, who: Analyst, message: Message = "") -> Saved:
    text = await yaml_text(request)
    meta = await loaded(ctx, text, name="scenario.yaml")
    try:
        version = await run_in_threadpool(
            library.create,
            ctx.db,
            scenario_id=meta["id"],
            text=text,
            title=meta["title"],
            message=message or "imported",
            user_id=who.user_id,
        )
    except Exists:
        latest = await run_in_threadpool(library.latest_number, ctx.db, meta["id"])
        raise ApiError(
            409,
            f"a scenario with id '{meta['id']}' is in the library already (version {latest}); "
            f"save a new version of it with PUT /api/scenarios/{meta['id']}",
            path="id",
            base_version=0,
            latest_version=latest,
            diff=None,
        ) from None
    ctx.heads.put(version, latest=True)
    return Saved(id=version.scenario, version=version.number, meta=version.meta())


@router.get(
    "/scenarios",
    response_model=ScenarioList,
    responses=responses(401, 422),
    summary="The library: the latest version of every scenario",
)
async def list_scenarios(
    ctx: Ctx,
    _who: Reader,
    q: Annotated[str | None, Query(max_length=200, description="Search ids and titles.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ScenarioList:
    found, total = await run_in_threadpool(
        library.list_scenarios, ctx.db, search=q, limit=limit, offset=offset
    )
    return ScenarioList(total=total, scenarios=[v.meta() for v in found])


async def scenario_out(ctx: Ctx, scenario_id: str, number: int | None) -> ScenarioOut:
    version = await stored(ctx, scenario_id, number)
    assert version.text is not None
    outcome = await analysed(ctx, version, "describe", {})
    info = json.loads(outcome.value[0]) if outcome.ok else None
    return ScenarioOut(
        id=scenario_id,
        version=version.number,
        latest_version=version.latest,
        text=version.text,
        meta=version.meta(),
        info=info,
    )


@router.get(
    "/scenarios/{scenario_id}",
    response_model=ScenarioOut,
    responses=responses(401, 404, 422),
    summary="A scenario: the latest version's text and metadata (or ?version=N)",
)
async def get_scenario(
    ctx: Ctx,
    _who: Reader,
    response: Response,
    scenario_id: ScenarioId,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> ScenarioOut:
    out = await scenario_out(ctx, scenario_id, version)
    response.headers["ETag"] = f'"{out.version}"'
    return out


@router.put(
    "/scenarios/{scenario_id}",
    response_model=Saved,
    openapi_extra=YAML_BODY,
    responses=responses(401, 403, 404, 409, 413, 415, 422, 428, 503),
    summary="Save a new version; If-Match names the version edited",
)
async def save_scenario(
    request: Request,
    ctx: Ctx,
    who: Analyst,
    scenario_id: ScenarioId,
    if_match: Annotated[
        str | None,
        Header(max_length=100, description='The version edited: N or "N" (its ETag).'),
    ] = None,
    message: Message = "",
) -> Saved:
    if if_match is None:
        raise ApiError(428, "name the version you edited with If-Match: N", path="If-Match")
    base = base_of(if_match)
    text = await yaml_text(request)
    meta = await loaded(ctx, text, name=f"{scenario_id}.yaml")
    if meta["id"] != scenario_id:
        raise ApiError(
            422,
            f"the file's id is '{meta['id']}'; in the library it is "
            f"'{scenario_id}' and cannot change (import it as a new scenario)",
            path="id",
        )
    return await save_version(
        ctx,
        scenario_id=scenario_id,
        base=base,
        text=text,
        title=meta["title"],
        message=message,
        user_id=who.user_id,
    )


@router.get(
    "/scenarios/{scenario_id}/versions",
    response_model=VersionList,
    responses=responses(401, 404, 422),
    summary="Every version of a scenario, newest first",
)
async def list_versions(ctx: Ctx, _who: Reader, scenario_id: ScenarioId) -> VersionList:
    found = await versions_of(ctx, scenario_id)
    return VersionList(scenario=scenario_id, versions=[v.meta() for v in found])


@router.get(
    "/scenarios/{scenario_id}/versions/{number}",
    response_model=ScenarioOut,
    responses=responses(401, 404, 422),
    summary="One version of a scenario, with its text",
)
async def get_version(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    number: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> ScenarioOut:
    return await scenario_out(ctx, scenario_id, number)


@router.get(
    "/scenarios/{scenario_id}/file",
    response_class=Response,
    responses=text_responses("application/yaml", "The file as written.", 401, 404, 422),
    summary="Export a version as the plain file",
)
async def export_file(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    found = await stored(ctx, scenario_id, version)
    return Response(
        found.text,
        media_type="application/yaml",
        headers={
            "Content-Disposition": f'attachment; filename="{scenario_id}-v{found.number}.yaml"',
            "ETag": f'"{found.number}"',
        },
    )


@router.post(
    "/check",
    response_model=Checked,
    openapi_extra=YAML_BODY,
    responses=responses(401, 413, 415, 422, 503),
    summary="Validate a file without saving it (an editor's errors as the analyst types)",
)
async def check(request: Request, ctx: Ctx, _who: Reader) -> Checked:
    text = await yaml_text(request)
    result = await validated(ctx, text, name="scenario.yaml")
    return Checked(
        ok=not result["errors"],
        errors=result["errors"],
        warnings=result.get("warnings", []),
        id=result["id"],
        title=result["title"],
    )
