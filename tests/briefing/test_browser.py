"""The briefing in a real browser: headless Chromium driven by Playwright.

No console errors, no network request but the file itself, exactly the flagship's charts drawn
with a non-zero size, every issue's panel, the engine's verdict, nothing wider than the window,
a screenshot under ``out/``.  Skipped when Chromium or Playwright is not installed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from detente.scenario import load
from tests.briefing._scenarios import SCRIPT
from tests.conftest import CHROMIUM, FLAGSHIP, ROOT

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser_context(playwright: Any) -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="detente-chromium-")
    try:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1100, "height": 1400},
        )
        try:
            yield context
        finally:
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _open(context: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """Open a file with every request routed: anything but the file itself is refused."""
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    url = path.resolve().as_uri()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))

    def route(r: Any) -> None:
        if r.request.url == url:
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page, errors, requests


#: What the flagship's briefing draws: everything but the Monte Carlo (no --simulate).  It has
#: no ZOPA, so it has levers and no ZOPA band.  A section that silently went missing (an engine
#: error turned into "not available") fails here.
FLAGSHIP_CHARTS = {
    "space",
    "shortfalls",
    "levers",
    "whatifs",
    "trajectories",
    "quadrant",
    "graph",
    "timeline",
}


@pytest.mark.slow
def test_flagship_report_in_chromium(browser_context: Any, flagship_report: Any) -> None:
    briefing = flagship_report.briefing
    assert set(briefing.charts) == FLAGSHIP_CHARTS
    assert set(briefing.unavailable) == {"montecarlo"}
    page, errors, requests = _open(browser_context, flagship_report.path)
    assert errors == []
    assert requests == []
    sizes = page.eval_on_selector_all(
        "figure.chart",
        "els => els.map(e => { const s = e.querySelector('svg'); "
        "if (!s) return [e.dataset.chart, 0, 0]; const r = s.getBoundingClientRect(); "
        "return [e.dataset.chart, r.width, r.height, s.querySelectorAll('path,line,text').length]; })",
    )
    drawn = {kind for kind, w, h, *rest in sizes if w > 0 and h > 0 and rest and rest[0] > 0}
    assert drawn == FLAGSHIP_CHARTS, sizes
    # every issue has its panel in the negotiation space, titled with its label
    space_text = page.inner_text('figure[data-chart="space"]')
    for issue in load(FLAGSHIP).issues.values():
        assert issue.label in space_text
    # the verdict as the page shows it is the engine's
    summary = briefing.summary
    assert page.inner_text("#verdict .badge") == summary.verdict_label
    assert page.inner_text("#verdict").count(summary.verdict_label) == 1
    assert page.inner_text("#verdict .margin") == summary.margin_text
    # nothing wider than the window: no chart or table breaks the layout
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.title().endswith("detente briefing")
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "briefing-test.png"), full_page=True)
    assert (out / "briefing-test.png").stat().st_size > 10_000
    page.close()


def test_hostile_strings_render_as_text(browser_context: Any, hostile_report: Path) -> None:
    page, errors, requests = _open(browser_context, hostile_report)
    assert errors == []  # no alert() ran (it would have opened a dialog)
    assert requests == []  # and <img src=x> was never an element
    assert page.locator("script").count() == 0
    assert page.locator("main img").count() == 0
    body = page.inner_text("body")
    assert SCRIPT in body
    assert "Talks <script>alert(1)</script> & co" in page.inner_text("h1")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    page.close()
