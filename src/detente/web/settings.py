"""The service's settings: one frozen object built by ``detente serve`` (or by a test)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["DEFAULT_DB", "MAX_BODY", "ReadAccess", "Settings"]

#: The library in a file beside the user, created on first start.
DEFAULT_DB = "sqlite:///detente.db"
#: Request bodies over this many bytes are refused with 413 (the loader's own limit).
MAX_BODY = 10 * 1024 * 1024

ReadAccess = Literal["open", "token"]


def _instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Settings:
    """How a server runs.

    Attributes
    ----------
    db : str
        SQLAlchemy URL: ``sqlite:///PATH`` or ``postgresql+psycopg://USER:PASS@HOST/DB``.
    reads : {"open", "token"}
        Whether reading the library needs a token (any role); writes always need an analyst's.
    dask : str or None
        A Dask scheduler address; simulation jobs then run their draws on that cluster.
    analysis_workers : int
        Local processes that run analyses (assessments, levers, briefings, validation).
    job_workers : int
        Local processes that run jobs (simulations, reports), apart from analyses.
    analysis_timeout : float
        Seconds an analysis may take before it is refused (the worker is replaced).
    max_body : int
        Largest request body in bytes.
    instance : str
        This server's name in the jobs table (host:pid): a restart fails the jobs it ran.
    """

    db: str = DEFAULT_DB
    reads: ReadAccess = "open"
    dask: str | None = None
    analysis_workers: int = 2
    job_workers: int = 1
    analysis_timeout: float = 120.0
    max_body: int = MAX_BODY
    instance: str = field(default_factory=_instance)
