"""Job routes: start a simulation or a report, follow its progress, cancel it, fetch results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from detente.web import jobs
from detente.web.api_common import CSP_BRIEFING
from detente.web.deps import Analyst, Ctx, Reader
from detente.web.errors import ApiError, responses, text_responses
from detente.web.schemas import JobIn, JobList, JobOut

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The job's id.")]


def _job(ctx: Ctx, job_id: str) -> JobOut:
    found = jobs.get_job(ctx.db, job_id)
    if found is None:
        raise ApiError(404, f"no job {job_id}", path="id")
    return JobOut(**found)


@router.post(
    "",
    status_code=202,
    response_model=JobOut,
    responses=responses(400, 401, 403, 404, 413, 422),
    summary="Start a job (simulate or report) on a version",
)
async def start_job(ctx: Ctx, who: Analyst, body: JobIn) -> JobOut:
    version = await run_in_threadpool(jobs.version_exists, ctx.db, body.scenario, body.version)
    if version is None:
        what = f"scenario '{body.scenario}'"
        if body.version is not None:
            what += f" version {body.version}"
        raise ApiError(404, f"no {what} in the library", path="scenario")
    job_id = await run_in_threadpool(
        ctx.jobs.submit,
        kind=body.kind,
        scenario=body.scenario,
        version=version,
        params=body.params.model_dump(mode="json"),
        user_id=who.user_id,
    )
    return await run_in_threadpool(_job, ctx, job_id)


@router.get(
    "",
    response_model=JobList,
    responses=responses(401, 422),
    summary="Jobs of the team, newest first",
)
async def list_jobs(
    ctx: Ctx,
    _who: Reader,
    scenario: Annotated[str | None, Query(max_length=128)] = None,
    state: Annotated[str | None, Query(pattern="^(queued|running|done|failed|cancelled)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JobList:
    found = await run_in_threadpool(
        jobs.list_jobs, ctx.db, scenario=scenario, state=state, limit=limit
    )
    return JobList(jobs=[JobOut(**j) for j in found])


@router.get(
    "/{job_id}",
    response_model=JobOut,
    responses=responses(401, 404, 422),
    summary="A job: state, progress (done/total), result when done",
)
async def get_job(ctx: Ctx, _who: Reader, job_id: JobId) -> JobOut:
    return await run_in_threadpool(_job, ctx, job_id)


@router.post(
    "/{job_id}/cancel",
    response_model=JobOut,
    responses=responses(401, 403, 404, 422),
    summary="Cancel a job (a running one stops at its next progress step)",
)
async def cancel_job(ctx: Ctx, _who: Analyst, job_id: JobId) -> JobOut:
    if not await run_in_threadpool(ctx.jobs.cancel, job_id):
        raise ApiError(404, f"no job {job_id}", path="id")
    return await run_in_threadpool(_job, ctx, job_id)


@router.get(
    "/{job_id}/artifact",
    response_class=Response,
    responses=text_responses("text/html", "A report job's HTML briefing.", 401, 404, 422),
    summary="A finished report job's HTML",
)
async def artifact(ctx: Ctx, _who: Reader, job_id: JobId) -> Response:
    html = await run_in_threadpool(jobs.get_artifact, ctx.db, job_id)
    if html is None:
        raise ApiError(404, f"no finished report job {job_id}", path="id")
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": CSP_BRIEFING},
    )
