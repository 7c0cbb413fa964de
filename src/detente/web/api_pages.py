"""API routes the workbench pages add to the service: a version's verdict line, the briefing's
charts as SVG, and saving a what-if panel's settings as a new what-if of the file.

Same style as the rest of the API: typed bodies, errors as ``{"errors": [...]}``, results cached
by the version's content hash (:func:`detente.web.api_analysis.cached`), writes with an analyst's
token and ``If-Match`` naming the version edited.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from detente.errors import DetenteError
from detente.web import analysis
from detente.web.api_common import (
    AsOf,
    ScenarioId,
    VersionQ,
    base_of,
    cached,
    conflict,
    json_response,
    save_version,
    stored,
    version_of,
)
from detente.web.api_library import loaded
from detente.web.deps import Analyst, Ctx, Reader
from detente.web.errors import ApiError, responses, text_responses
from detente.web.library import Conflict
from detente.web.pages.edits import WHAT_IF_NAME, add_what_if
from detente.web.schemas import Saved, VerdictName

__all__ = ["ChartList", "ChartOut", "VerdictRow", "WhatIfSave", "router"]

router = APIRouter(prefix="/api/scenarios/{scenario_id}", tags=["pages"])

ChartSection = Literal["space", "shortfalls", "levers", "whatifs", "forecast", "graph", "timeline"]
ChartKind = Literal[
    "space", "shortfalls", "levers", "whatifs", "trajectories", "quadrant", "graph", "timeline"
]
SectionQ = Annotated[
    ChartSection | None,
    Query(description="Only this briefing section's charts (default: the scenario page's)."),
]
_CODES = (401, 404, 422, 503)
_ERRORS = responses(*_CODES)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VerdictRow(_Out):
    """A version's verdict as the library and the history show it."""

    verdict: VerdictName
    verdict_label: str
    stage: str | None = Field(description="The readiness stage, when the engine gives one.")
    margin: float | None
    margin_text: str = Field(description="The margin as the briefing words it.")
    headline: str
    reason: str = Field(description="The headline after its verdict.")
    as_of: str | None
    title: str


class ChartOut(_Out):
    kind: ChartKind
    caption: str
    url: str = Field(description="The chart as SVG.")


class ChartList(_Out):
    """The briefing's charts of a version, drawn (SVG at each ``url``)."""

    charts: list[ChartOut]
    unavailable: dict[str, str] = Field(description="Sections without a chart, and why.")


class WhatIfSave(BaseModel):
    """A what-if panel's settings, to be written into the file as a named what-if."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        pattern=WHAT_IF_NAME.pattern, description="The what-if's key in the file's what_ifs."
    )
    label: str = Field(
        min_length=1, max_length=500, pattern=r"\S", description="What it supposes, in words."
    )
    changes: dict[str, float | bool | str] = Field(
        min_length=1, max_length=1000, description="Judgment paths to values."
    )
    message: str = Field(default="", max_length=2000, description="The version's message.")


async def _page_view(
    ctx: Ctx, scenario_id: str, version: int | None, view: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    found = await version_of(ctx, scenario_id, version)
    body = await cached(ctx, found, "page", {"view": view, **params})
    result: dict[str, Any] = json.loads(body)
    return found.number, result


@router.get(
    "/verdict",
    response_model=VerdictRow,
    responses=_ERRORS,
    summary="A version's verdict, stage, margin and headline (the library's and history's line)",
)
async def verdict(
    ctx: Ctx, _who: Reader, scenario_id: ScenarioId, version: VersionQ = None, as_of: AsOf = None
) -> Response:
    _, row = await _page_view(ctx, scenario_id, version, "verdict", as_of=as_of)
    return json_response(row)


@router.get(
    "/charts",
    response_model=ChartList,
    responses=_ERRORS,
    summary="The briefing's charts of a version (drawn on first request, then cached)",
)
async def charts(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    version: VersionQ = None,
    as_of: AsOf = None,
    section: SectionQ = None,
) -> ChartList:
    number, drawn = await _page_view(
        ctx, scenario_id, version, "charts", as_of=as_of, section=section
    )
    query = f"version={number}" + (f"&as_of={as_of.isoformat()}" if as_of else "")
    query += f"&section={section}" if section else ""
    return ChartList(
        charts=[
            ChartOut(
                kind=c["kind"],
                caption=c["caption"],
                url=f"/api/scenarios/{scenario_id}/charts/{c['kind']}.svg?{query}",
            )
            for c in drawn["charts"]
        ],
        unavailable=drawn["unavailable"],
    )


@router.get(
    "/charts/{kind}.svg",
    response_class=Response,
    responses=text_responses(
        "image/svg+xml", "The chart (vl-convert's SVG: no script, nothing loaded).", *_CODES
    ),
    summary="One chart of a version's briefing, as SVG",
)
async def chart_svg(
    ctx: Ctx,
    _who: Reader,
    scenario_id: ScenarioId,
    kind: Annotated[ChartKind, Path(description="The chart's kind.")],
    version: VersionQ = None,
    as_of: AsOf = None,
    section: SectionQ = None,
) -> Response:
    _, drawn = await _page_view(ctx, scenario_id, version, "charts", as_of=as_of, section=section)
    for chart in drawn["charts"]:
        if chart["kind"] == kind:
            return Response(chart["svg"], media_type="image/svg+xml")
    reason = "; ".join(f"{k}: {v}" for k, v in drawn["unavailable"].items())
    raise ApiError(404, f"no {kind} chart for this version" + (f" ({reason})" if reason else ""))


IfMatch = Annotated[
    str,
    Header(
        max_length=100,
        pattern=r'^(?:W/)?"?[0-9]{1,9}"?$',  # as HTTP carries it (no surrounding spaces)
        description='The version the settings were made on: N or "N" (its ETag).',
    ),
]


@router.post(
    "/what-ifs",
    status_code=201,
    response_model=Saved,
    responses=responses(401, 403, 404, 409, 413, 422, 503),
    summary="Save a what-if panel's settings as a named what-if of the file (a new version)",
)
async def save_what_if(
    ctx: Ctx, who: Analyst, scenario_id: ScenarioId, body: WhatIfSave, if_match: IfMatch
) -> Saved:
    latest = await stored(ctx, scenario_id, missing=f"scenario '{scenario_id}'")
    base = base_of(if_match)  # the header's pattern has refused what it cannot read
    if base != latest.number:
        raise await conflict(ctx, scenario_id, Conflict(base, latest.number))
    assert latest.text is not None
    try:
        text = add_what_if(latest.text, name=body.name, label=body.label, changes=body.changes)
    except DetenteError as exc:
        raise ApiError(422, errors=analysis.diagnostics(exc)) from None
    meta = await loaded(ctx, text, name=f"{scenario_id}.yaml")
    if meta["id"] != scenario_id:  # pragma: no cover - the edit does not touch the id
        raise ApiError(422, "the edit changed the file's id", path="id")
    return await save_version(
        ctx,
        scenario_id=scenario_id,
        base=base,
        text=text,
        title=meta["title"],
        message=body.message or f"what-if {body.name}: {body.label}",
        user_id=who.user_id,
    )
