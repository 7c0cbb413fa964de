"""Fixtures of the workbench page tests.

One ``detente serve`` per test session (per xdist worker) on a free loopback port with a
temporary SQLite file; Debian's Chromium (``/usr/bin/chromium``) driven by Playwright, never a
browser of Playwright's own.  Every browser context is watched: a console error, an uncaught page
error or a request to any host but the test server (caught by route interception and refused)
fails the test that made it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CHROMIUM as ROOT_CHROMIUM
from tests.web.conftest import FLAGSHIP, add_people, start_server, yaml_headers

CHROMIUM = str(ROOT_CHROMIUM)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VENDOR = Path(__file__).resolve().parent / "vendor"
FLAGSHIP_ID = "russia-ukraine-2022-12"


@dataclass
class Site:
    """The test server and its users' tokens."""

    url: str
    analyst: str
    reader: str

    def import_copy(self, new_id: str, *, text: str | None = None) -> str:
        """Import the flagship (or ``text``) under another id through the API, once for the
        whole run (the server is shared by the xdist workers); returns the id."""
        body = copy_of_flagship(new_id) if text is None else text
        r = httpx.post(
            f"{self.url}/api/scenarios",
            content=body.encode("utf-8"),
            headers=yaml_headers(self.analyst),
            timeout=120,
        )
        assert r.status_code in (201, 409), r.text
        return new_id

    def get(self, path: str) -> Any:
        r = httpx.get(f"{self.url}{path}", timeout=120)
        assert r.status_code == 200, r.text
        return r.json()


def copy_of_flagship(new_id: str) -> str:
    text = FLAGSHIP.read_text(encoding="utf-8")
    copy = text.replace(f"\nid: {FLAGSHIP_ID}\n", f"\nid: {new_id}\n", 1)
    assert copy != text
    return copy


def _start(folder: Path) -> dict[str, Any]:
    from detente.web.db import migrate

    db = f"sqlite:///{folder / 'library.db'}"
    migrate(db)
    people = add_people(db)
    server = start_server(db, folder / "server.log", extra=("--workers", "2"))
    return {
        "url": server.url,
        "pid": server.process.pid,
        "analyst": people.analyst,
        "reader": people.reader,
        "users": 0,
    }


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)  # our child: reap it
            if done:
                return
        except ChildProcessError:  # another worker's child: wait until it is gone (or a zombie)
            if not _alive(pid):
                return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server for the whole run, shared by the xdist workers (the first starts it, the last
    stops it), so that an analysis is computed once and the two cores serve the browsers."""
    # the run's own folder: shared by the xdist workers (their base folders' parent), or this
    # process's base folder when there are no workers
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    state = root / "pages-server.json"
    with _locked(root / "pages-server.lock"):
        if state.exists():
            info = json.loads(state.read_text())
        else:
            folder = root / "pages-server"
            folder.mkdir(exist_ok=True)
            info = _start(folder)
        info["users"] += 1
        state.write_text(json.dumps(info))
    try:
        yield Site(url=info["url"], analyst=info["analyst"], reader=info["reader"])
    finally:
        with _locked(root / "pages-server.lock"):
            info = json.loads(state.read_text())
            info["users"] -= 1
            if info["users"] == 0:
                _stop(info["pid"])
                state.unlink()
            else:
                state.write_text(json.dumps(info))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared(site: Site) -> str:
    """A copy of the flagship that tests read but never change (id ``flagship-shared``)."""
    return site.import_copy("flagship-shared")


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@dataclass
class Watch:
    """What the browser did that a test must not let pass: console errors, page errors and
    requests to other hosts."""

    origin: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Let a console error matching ``pattern`` pass (one the test provokes on purpose)."""
        self.allowed.append(re.compile(pattern))

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.errors.append(f"console: {message.text} ({where})")

    def is_local(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url == self.origin

    def check(self) -> None:
        unexpected = [e for e in self.errors if not any(a.search(e) for a in self.allowed)]
        assert not unexpected, "console errors:\n" + "\n".join(unexpected)
        assert not self.foreign, "requests to other hosts:\n" + "\n".join(self.foreign)


@dataclass
class Browsing:
    """New browser contexts on the test server, each watched; signed in as the analyst unless
    told otherwise."""

    browser: Any
    site: Site
    watch: Watch
    contexts: list[Any] = field(default_factory=list)

    def context(self, *, token: str | bool | None = True, **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1400, "height": 1000})
        ctx = self.browser.new_context(base_url=self.site.url, **options)
        self.contexts.append(ctx)

        def refuse(route: Any) -> None:
            self.watch.foreign.append(route.request.url)
            route.abort()

        ctx.route(lambda url: not self.watch.is_local(url), refuse)
        ctx.on("page", self.watch.attach)
        value = self.site.analyst if token is True else token
        if value:
            ctx.add_init_script(
                f"if (location.origin === {self.site.url!r}) "
                f"window.localStorage.setItem('detente.token', {value!r});"
            )
        return ctx

    def page(self, **options: Any) -> Any:
        return self.context(**options).new_page()

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def browsing(browser: Any, site: Site) -> Iterator[Browsing]:
    """Browser contexts for one test; after it, no console error and no foreign request."""
    watching = Browsing(browser, site, Watch(site.url))
    try:
        yield watching
    finally:
        watching.close()
    watching.watch.check()


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Print a measurement: on the terminal at once in a plain run; captured (shown by ``-rP``)
    under xdist, whose workers have no terminal."""
    print(line)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        with capsys.disabled():
            print("\n" + line)


def axe_source() -> str:
    """axe-core, bundled by ``make assets`` (run in the page by the test, never served)."""
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


Run = Callable[..., Any]
