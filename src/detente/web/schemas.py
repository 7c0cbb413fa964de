"""The API's request and response bodies (pydantic), as the OpenAPI schema documents them.

Engine results are typed at the level a page relies on (the verdict, the margin, the lists and
maps it draws); deeper parts are JSON objects whose fields are documented with each engine
(docs/readiness.md, docs/bargaining.md, docs/graph.md, docs/uncertainty.md).  Extra fields are
allowed on engine results, so that an engine can add one without breaking the service's schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["reader", "analyst", "admin"]
VerdictName = Literal["ripe", "blocked", "premature", "not_ripe"]
Json = dict[str, Any]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Engine(BaseModel):
    model_config = ConfigDict(extra="allow")


# ---- errors -----------------------------------------------------------------------------------


class Problem(_Out):
    """One problem: where (1-based line and column of the YAML, a dotted field path) and what."""

    line: int | None = None
    column: int | None = None
    path: str = ""
    message: str


class WarningOut(_Out):
    """Something valid but probably not meant (docs/warnings.md), where it is and what."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""
    message: str


Warnings = Annotated[
    list[WarningOut], Field(default_factory=list, description="The scenario's warnings.")
]


class Errors(_Out):
    """Every problem found, at once (the loader's, or the request's)."""

    errors: list[Problem]


class DiffLine(_Out):
    op: Literal["equal", "delete", "insert"]
    old: int | None = Field(description="Line number in the older text.")
    new: int | None = Field(description="Line number in the newer text.")
    text: str


class Diff(_Out):
    unified: str = Field(description="The unified diff (older -> newer).")
    lines: list[DiffLine]
    changed: int = Field(description="Lines deleted or inserted.")


class ConflictErrors(_Out):
    """A save on a version that is not the latest: what changed since the version edited."""

    errors: list[Problem]
    base_version: int = Field(description="The version the save edited (If-Match).")
    latest_version: int
    diff: Diff | None = Field(description="From the version edited to the latest one.")


# ---- library ----------------------------------------------------------------------------------


class VersionMeta(_Out):
    scenario: str
    version: int
    parent: int | None
    content_hash: str = Field(description="SHA-256 of the text (UTF-8).")
    size: int = Field(description="Bytes of the text.")
    title: str
    message: str
    author: str
    created_at: dt.datetime
    latest: bool


class WhatIfName(_Out):
    name: str
    label: str


class ScenarioInfo(_Out):
    question: str | None
    as_of: dt.date | None
    change_dates: list[dt.date]
    what_ifs: list[WhatIfName]
    has_strategy: bool
    has_uncertainty: bool


class ScenarioOut(_Out):
    """A scenario at one version: the text as written, its metadata and what the file offers."""

    id: str
    version: int
    latest_version: int
    text: str
    meta: VersionMeta
    info: ScenarioInfo | None = Field(
        description="From the loaded file; null if this version no longer loads."
    )


class Saved(_Out):
    """A version just saved."""

    id: str
    version: int
    meta: VersionMeta


class ScenarioList(_Out):
    total: int
    scenarios: list[VersionMeta] = Field(description="The latest version of each scenario.")


class VersionList(_Out):
    scenario: str
    versions: list[VersionMeta] = Field(description="Newest first.")


class Checked(_Out):
    """A text validated without saving it."""

    ok: bool
    errors: list[Problem]
    warnings: Warnings
    id: str | None
    title: str | None


# ---- analyses ---------------------------------------------------------------------------------


class PreconditionOut(_Engine):
    actor: str
    veto: bool
    label: str
    requires: str


class AssessmentOut(_Engine):
    """What ``detente assess --json`` prints."""

    scenario: str
    title: str
    what_if: str | None
    as_of: dt.date | None
    verdict: VerdictName
    headline: str
    zopa: bool
    margin: float | None
    closest_deal: dict[str, float | str] | None
    utilities: dict[str, float]
    reservation: dict[str, float]
    shortfalls: dict[str, float]
    clashes: list[Json]
    preconditions: list[PreconditionOut]
    zartman: list[Json]
    mutually_hurting_stalemate: bool
    terms: Json | None
    levers: list[Json]
    no_lever: list[str]
    fact_levers: list[Json]
    warnings: Warnings


class WhatIfIn(BaseModel):
    """Ad hoc changes to judgments, by path, on a version (the latest by default)."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[str, float | bool | str] = Field(
        description='Judgment paths to values, e.g. {"actors.UKR.no_deal.cost": 0.3}.',
        max_length=1000,
    )
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)
    as_of: dt.date | None = None
    what_if: str | None = Field(default=None, max_length=200)
    detail: Literal["fast", "full"] = Field(
        default="fast",
        description="fast: verdict, margin and preconditions on the fast path (a slider); "
        "full: the whole assessment with the closest deal, clashes and levers (seconds).",
    )


class WhatIfOut(_Engine):
    """The assessment with the changes applied: with ``detail: fast`` only the fields the fast
    path computes (no closest deal, clashes, terms or levers); with ``full``, all of them."""

    detail: Literal["fast", "full"]
    changes: dict[str, float | bool | str]
    scenario: str
    title: str
    what_if: str | None
    as_of: dt.date | None
    verdict: VerdictName
    headline: str
    zopa: bool
    margin: float | None
    preconditions: list[PreconditionOut]


class LeversOut(_Engine):
    """What ``detente levers --json`` prints."""

    verdict: VerdictName
    margin: float | None
    levers: list[Json]
    no_lever: list[str]
    fact_levers: list[Json]
    warnings: Warnings


class ForecastOut(_Engine):
    """What ``detente forecast --json`` prints."""

    title: str
    settings: Json
    issues: list[Json]
    skipped: dict[str, str]
    warnings: Warnings


class StabilityOut(_Engine):
    """What ``detente stability --json`` prints (docs/strategy.md)."""

    options: Any
    states: Any
    stability: Any
    equilibria: Any
    status_quo: Any
    coalitions: Any
    warnings: Warnings


class TimelinePoint(_Engine):
    date: dt.date
    verdict: VerdictName
    margin: float | None


class TimelineOut(_Engine):
    """Readiness at every dated change of the timeline."""

    scenario: str
    points: list[TimelinePoint]
    warnings: Warnings


class JudgmentOut(_Out):
    path: str
    kind: Literal["number", "bool", "option"]
    value: float | bool | str | None
    low: float | None = Field(description="Valid range (null: unbounded).")
    high: float | None
    options: list[str] | None
    issue: str | None
    distribution: str | None = Field(description="From the uncertainty section, if any.")
    slider: list[float] | None = Field(
        description="A range for a slider: the distribution's 0.5%-99.5% quantiles within the "
        "valid range, else the valid range."
    )


class JudgmentList(_Out):
    scenario: str
    version: int
    judgments: list[JudgmentOut]


class VerdictAt(_Out):
    version: int
    verdict: VerdictName | None
    margin: float | None
    headline: str | None
    errors: list[Problem]


class VersionDiff(_Out):
    scenario: str
    old: VerdictAt
    new: VerdictAt
    diff: Diff


# ---- jobs -------------------------------------------------------------------------------------


class SimulateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draws: int = Field(default=10_000, ge=1, le=1_000_000)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    engine: Literal["readiness", "forecast"] = "readiness"
    sensitivity: bool = True
    as_of: dt.date | None = None
    what_if: str | None = Field(default=None, max_length=200)


class ReportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draws: int | None = Field(default=None, ge=1, le=100_000)
    as_of: dt.date | None = None


class _JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(pattern=r"^[a-z0-9-]+$", max_length=128)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class SimulateJob(_JobIn):
    """Monte Carlo over the uncertain judgments (``detente simulate``)."""

    kind: Literal["simulate"]
    params: SimulateParams = Field(default_factory=SimulateParams)


class ReportJob(_JobIn):
    """The HTML briefing, with a Monte Carlo section when ``draws`` is given."""

    kind: Literal["report"]
    params: ReportParams = Field(default_factory=ReportParams)


JobIn = Annotated[SimulateJob | ReportJob, Field(discriminator="kind")]


class Progress(_Out):
    done: int
    total: int


class JobOut(_Out):
    id: str
    kind: str
    scenario: str
    version: int
    params: Json
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: Progress
    error: str | None
    cancel_requested: bool
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    has_artifact: bool = Field(description="A report job's HTML, at /api/jobs/{id}/artifact.")
    result: Json | None = Field(description="simulate: what `detente simulate --json` prints.")


class JobList(_Out):
    jobs: list[JobOut]


# ---- accounts and the server ------------------------------------------------------------------


class UserOut(_Out):
    name: str
    role: Role


class Me(_Out):
    user: UserOut | None = Field(description="Null without a token.")
    reads: Literal["open", "token"]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
    role: Role = "analyst"


class UserList(_Out):
    users: list[UserOut]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    label: str = Field(default="", max_length=200)


class TokenOut(_Out):
    id: int
    user: str
    role: Role
    token: str = Field(description="Shown once; only its digest is stored.")


class Health(_Out):
    status: Literal["ok"]
    version: str
    database: str
    revision: str | None
