"""The tables (SQLAlchemy Core): users, tokens, scenarios, versions, jobs, the analysis cache.

The schema is created and changed only by the Alembic migrations in ``migrations/versions``;
these definitions are what the queries use and must match the latest migration (a test compares
them).  A scenario is a chain of immutable versions: version ``n`` has parent ``n - 1`` (a CHECK
constraint), and ``scenarios.latest`` names the head, moved only by a compare-and-set.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "ROLES",
    "analysis_cache",
    "jobs",
    "metadata",
    "scenarios",
    "tokens",
    "users",
    "versions",
]

ROLES = ("reader", "analyst", "admin")

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("role IN ('reader', 'analyst', 'admin')", name="ck_users_role"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("role IN ('reader', 'analyst', 'admin')", name="ck_tokens_role"),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("latest", Integer, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

versions = Table(
    "versions",
    metadata,
    Column("scenario_id", String(128), ForeignKey("scenarios.id"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("parent", Integer, nullable=True),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("author", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "(number = 1 AND parent IS NULL) OR parent = number - 1", name="ck_versions_chain"
    ),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("scenario_id", String(128), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("params", Text, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("done", BigInteger, nullable=False, default=0),
    Column("total", BigInteger, nullable=False, default=0),
    Column("result", Text, nullable=True),
    Column("artifact", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("runner", String(200), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("heartbeat_at", DateTime(timezone=True), nullable=True),
    ForeignKeyConstraint(
        ["scenario_id", "version"], ["versions.scenario_id", "versions.number"], name="fk_jobs_v"
    ),
    CheckConstraint(
        "state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="ck_jobs_state"
    ),
)

analysis_cache = Table(
    "analysis_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("media_type", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
