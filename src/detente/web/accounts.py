"""Users, roles and API tokens.

A token is 32 random bytes (``dtt_`` + URL-safe base64) shown once, when it is created; the
database keeps only its SHA-256 digest (a token is random, so a fast hash is enough: there is
nothing to guess).  A token carries a role no higher than its user's; a request acts with the
lower of the token's role and the user's current role, so demoting a user demotes their tokens.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from detente.web.db import Database
from detente.web.library import now
from detente.web.models import ROLES, tokens, users

__all__ = [
    "ROLES",
    "Principal",
    "TokenCache",
    "add_user",
    "authenticate",
    "create_token",
    "list_users",
    "rank",
    "revoke_token",
]

USER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a user acting with a role."""

    user_id: int
    name: str
    role: str


def rank(role: str) -> int:
    """reader < analyst < admin."""
    return ROLES.index(role)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(db: Database, *, name: str, role: str) -> Principal:
    """Create a user.

    Raises
    ------
    ValueError
        A bad name or role, or the name is taken.
    """
    if not USER_RE.match(name):
        raise ValueError(
            f"'{name}' is not a user name: letters, digits and _ . @ -, up to 64 characters"
        )
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
    try:
        with db.write() as conn:
            uid = conn.execute(
                insert(users).values(name=name, role=role, created_at=now()).returning(users.c.id)
            ).scalar_one()
    except IntegrityError:
        raise ValueError(f"a user named '{name}' exists already") from None
    return Principal(int(uid), name, role)


def find_user(db: Database, name: str) -> Principal | None:
    with db.read() as conn:
        row = conn.execute(
            select(users.c.id, users.c.name, users.c.role).where(users.c.name == name)
        ).first()
    return None if row is None else Principal(int(row[0]), row[1], row[2])


def list_users(db: Database) -> list[Principal]:
    with db.read() as conn:
        rows = conn.execute(
            select(users.c.id, users.c.name, users.c.role).order_by(users.c.name)
        ).all()
    return [Principal(int(r[0]), r[1], r[2]) for r in rows]


def create_token(
    db: Database, *, user: str, role: str | None = None, label: str = ""
) -> tuple[str, int, str]:
    """A new token for ``user`` (the user's role unless a lower one is given).

    Returns
    -------
    (token, token_id, role)

    Raises
    ------
    ValueError
        No such user, an unknown role, or a role above the user's.
    """
    who = find_user(db, user)
    if who is None:
        raise ValueError(f"no user named '{user}'; add one with: detente user add {user}")
    role = who.role if role is None else role
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
    if rank(role) > rank(who.role):
        raise ValueError(f"'{user}' is a {who.role}; a token cannot have the role {role}")
    token = "dtt_" + secrets.token_urlsafe(32)
    with db.write() as conn:
        tid = conn.execute(
            insert(tokens)
            .values(
                user_id=who.user_id,
                digest=digest(token),
                role=role,
                label=label[:200],
                created_at=now(),
            )
            .returning(tokens.c.id)
        ).scalar_one()
    return token, int(tid), role


def revoke_token(db: Database, token_id: int) -> bool:
    """Revoke a token; False if there is no such live token."""
    with db.write() as conn:
        n = conn.execute(
            update(tokens)
            .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        ).rowcount
    return n == 1


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal a token stands for, or None (unknown or revoked)."""
    query = (
        select(users.c.id, users.c.name, users.c.role, tokens.c.role)
        .select_from(tokens.join(users))
        .where(tokens.c.digest == digest(token), tokens.c.revoked_at.is_(None))
    )
    with db.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    role = min(row[2], row[3], key=rank)
    return Principal(int(row[0]), row[1], role)


class TokenCache:
    """Recently seen tokens, for ``ttl`` seconds: a revocation takes effect within ``ttl``."""

    def __init__(self, db: Database, *, ttl: float = 5.0, size: int = 4096) -> None:
        self.db = db
        self.ttl = ttl
        self.size = size
        self._seen: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def recent(self, token: str) -> tuple[bool, Principal | None]:
        """(True, who) for a token looked up within ``ttl`` seconds; (False, None) otherwise."""
        hit = self._seen.get(digest(token))
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return True, hit[1]
        return False, None

    def lookup(self, token: str) -> Principal | None:
        key = digest(token)
        hit = self._seen.get(key)
        t = time.monotonic()
        if hit is not None and t - hit[0] < self.ttl:
            return hit[1]
        who = authenticate(self.db, token)
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[key] = (t, who)
        return who

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
