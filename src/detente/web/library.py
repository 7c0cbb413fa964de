"""The scenario library: scenarios as chains of immutable versions, saved optimistically.

A save names the version it edits; it succeeds only if that version is still the latest, by a
compare-and-set on ``scenarios.latest`` inside the transaction that inserts the new version.  Of
any number of concurrent saves on one version exactly one succeeds; the others learn which
version is the latest now (:class:`Conflict`), and nothing is lost or half-written: the new
version and the moved head commit together or not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from detente.web.db import Database
from detente.web.flights import Flights
from detente.web.models import scenarios, users, versions

__all__ = [
    "Conflict",
    "Exists",
    "Heads",
    "Missing",
    "Version",
    "content_hash",
    "create",
    "get_version",
    "list_scenarios",
    "list_versions",
    "save",
]


class Missing(LookupError):
    """No such scenario or version."""


class Exists(Exception):
    """A scenario with this id is already in the library."""


class Conflict(Exception):
    """The version a save edits is not the latest any more."""

    def __init__(self, base: int, latest: int) -> None:
        super().__init__(f"version {base} is not the latest; version {latest} is")
        self.base = base
        self.latest = latest


@dataclass(frozen=True)
class Version:
    """One version of a scenario (its text only when asked for)."""

    scenario: str
    number: int
    parent: int | None
    content_hash: str
    size: int
    title: str
    message: str
    author: str
    created_at: dt.datetime
    latest: int
    text: str | None = None

    def meta(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "version": self.number,
            "parent": self.parent,
            "content_hash": self.content_hash,
            "size": self.size,
            "title": self.title,
            "message": self.message,
            "author": self.author,
            "created_at": _utc(self.created_at),
            "latest": self.number == self.latest,
        }


class Heads:
    """Versions an analysis asks about, kept in the server: a numbered version for good (it is
    immutable), the latest of a scenario for ``ttl`` seconds (a save through this server updates
    it at once; one through another server sharing the database shows within ``ttl``)."""

    def __init__(self, *, ttl: float = 1.0, size: int = 4096) -> None:
        self.ttl = ttl
        self.size = size
        #: Database look-ups in flight: when the latest expires under load, one request reads it
        #: and the others wait for that read (not a connection each).
        self.lookups: Flights[tuple[str, int | None], Version] = Flights()
        self._numbered: dict[tuple[str, int], Version] = {}
        self._latest: dict[str, tuple[float, Version]] = {}

    def get(self, scenario_id: str, number: int | None) -> Version | None:
        if number is not None:
            return self._numbered.get((scenario_id, number))
        hit = self._latest.get(scenario_id)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        return None

    def put(self, version: Version, *, latest: bool) -> None:
        if len(self._numbered) >= self.size:
            self._numbered.clear()
        if len(self._latest) >= self.size:
            self._latest.clear()
        meta = dataclasses.replace(version, text=None)
        self._numbered[(version.scenario, version.number)] = meta
        old = self._latest.get(version.scenario)
        newer = old is None or old[1].number <= version.number  # a late answer never rolls back
        if (latest or version.number == version.latest) and newer:
            self._latest[version.scenario] = (time.monotonic(), meta)


def content_hash(text: str) -> str:
    """SHA-256 of the text as UTF-8 (the version's identity for caching and integrity)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; every stored time is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def create(
    db: Database, *, scenario_id: str, text: str, title: str, message: str, user_id: int
) -> Version:
    """Add a new scenario with its first version.

    Raises
    ------
    Exists
        The id is taken.
    """
    at = now()
    digest = content_hash(text)
    try:
        with db.write() as conn:
            taken = conn.execute(
                select(scenarios.c.id).where(scenarios.c.id == scenario_id)
            ).first()
            if taken is not None:
                raise Exists(scenario_id)
            conn.execute(
                insert(scenarios).values(
                    id=scenario_id, latest=1, created_by=user_id, created_at=at, updated_at=at
                )
            )
            _insert_version(conn, scenario_id, 1, None, text, digest, title, message, user_id, at)
    except IntegrityError:  # a concurrent create of the same id won
        raise Exists(scenario_id) from None
    return get_version(db, scenario_id, 1)


def save(
    db: Database, *, scenario_id: str, base: int, text: str, title: str, message: str, user_id: int
) -> Version:
    """Save ``text`` as the version after ``base``, if ``base`` is still the latest.

    Raises
    ------
    Missing
        No such scenario.
    Conflict
        ``base`` is not the latest version (someone saved first).
    """
    at = now()
    digest = content_hash(text)
    try:
        with db.write() as conn:
            moved = conn.execute(
                update(scenarios)
                .where(scenarios.c.id == scenario_id, scenarios.c.latest == base)
                .values(latest=base + 1, updated_at=at)
            ).rowcount
            if moved != 1:
                latest = conn.execute(
                    select(scenarios.c.latest).where(scenarios.c.id == scenario_id)
                ).scalar()
                if latest is None:
                    raise Missing(scenario_id)
                raise Conflict(base, int(latest))
            _insert_version(
                conn, scenario_id, base + 1, base, text, digest, title, message, user_id, at
            )
    except IntegrityError:  # the version row exists: a concurrent save won (defence in depth)
        raise Conflict(base, latest_number(db, scenario_id)) from None
    return get_version(db, scenario_id, base + 1)


def _insert_version(
    conn: Connection,
    scenario_id: str,
    number: int,
    parent: int | None,
    text: str,
    digest: str,
    title: str,
    message: str,
    user_id: int,
    at: dt.datetime,
) -> None:
    conn.execute(
        insert(versions).values(
            scenario_id=scenario_id,
            number=number,
            parent=parent,
            text=text,
            content_hash=digest,
            size=len(text.encode("utf-8")),
            title=title,
            message=message,
            author=user_id,
            created_at=at,
        )
    )


def latest_number(db: Database, scenario_id: str) -> int:
    with db.read() as conn:
        latest = conn.execute(
            select(scenarios.c.latest).where(scenarios.c.id == scenario_id)
        ).scalar()
    if latest is None:
        raise Missing(scenario_id)
    return int(latest)


_META = (
    versions.c.scenario_id,
    versions.c.number,
    versions.c.parent,
    versions.c.content_hash,
    versions.c.size,
    versions.c.title,
    versions.c.message,
    users.c.name,
    versions.c.created_at,
    scenarios.c.latest,
)


def _version(row: Any, text: str | None = None) -> Version:
    return Version(
        scenario=row[0],
        number=int(row[1]),
        parent=None if row[2] is None else int(row[2]),
        content_hash=row[3],
        size=int(row[4]),
        title=row[5],
        message=row[6],
        author=row[7],
        created_at=_utc(row[8]),
        latest=int(row[9]),
        text=text,
    )


def get_version(
    db: Database, scenario_id: str, number: int | None = None, *, with_text: bool = True
) -> Version:
    """A version (the latest when ``number`` is None), with its text.

    Raises
    ------
    Missing
        No such scenario or version.
    """
    cols = (*_META, versions.c.text) if with_text else _META
    query = (
        select(*cols)
        .select_from(versions.join(scenarios).join(users, users.c.id == versions.c.author))
        .where(versions.c.scenario_id == scenario_id)
    )
    query = query.where(versions.c.number == (scenarios.c.latest if number is None else number))
    with db.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise Missing(scenario_id if number is None else f"{scenario_id} version {number}")
    return _version(row, row[10] if with_text else None)


def list_versions(db: Database, scenario_id: str) -> list[Version]:
    """Every version of a scenario, newest first, without texts."""
    query = (
        select(*_META)
        .select_from(versions.join(scenarios).join(users, users.c.id == versions.c.author))
        .where(versions.c.scenario_id == scenario_id)
        .order_by(versions.c.number.desc())
    )
    with db.read() as conn:
        rows = conn.execute(query).all()
    if not rows:
        raise Missing(scenario_id)
    return [_version(r) for r in rows]


def list_scenarios(
    db: Database, *, search: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[Version], int]:
    """The latest version of every scenario (most recently changed first) and the count."""
    query = (
        select(*_META)
        .select_from(versions.join(scenarios).join(users, users.c.id == versions.c.author))
        .where(versions.c.number == scenarios.c.latest)
    )
    count = (
        select(func.count())
        .select_from(versions.join(scenarios))
        .where(versions.c.number == scenarios.c.latest)
    )
    if search:
        pattern = (
            "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        cond = or_(
            func.lower(scenarios.c.id).like(pattern, escape="\\"),
            func.lower(versions.c.title).like(pattern, escape="\\"),
        )
        query = query.where(cond)
        count = count.where(cond)
    query = (
        query.order_by(scenarios.c.updated_at.desc(), scenarios.c.id).limit(limit).offset(offset)
    )
    with db.read() as conn:
        rows = conn.execute(query).all()
        total = int(conn.execute(count).scalar() or 0)
    return [_version(r) for r in rows], total
