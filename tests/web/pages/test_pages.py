"""The workbench's other pages in Chromium, accessibility (axe-core), the keyboard, print, and the
README's screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.conftest import FEARON
from tests.web.pages.conftest import Browsing, Site, axe_source
from tests.web.pages.conftest import report as say

ROOT = Path(__file__).resolve().parents[3]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page (WCAG 2.x A and AA rules and best practices)."""
    page.evaluate(axe_source())  # injected by the test; the server never serves it
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                "best-practice"]},
                resultTypes: ["violations"],
            });
            return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)}));
        }"""
    )
    return found


def test_axe_finds_no_serious_violation_on_the_main_pages(
    browsing: Browsing, shared: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browsing.page()
    report = []
    for path, ready in (
        ("/", "table.library"),
        (f"/scenarios/{shared}", "#whatif .slider"),
        (f"/scenarios/{shared}/edit", ".cm-editor"),
    ):
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible(timeout=60_000)
        if path == "/":
            expect(page.locator("td[data-filled]").first).to_be_visible(timeout=60_000)
        if path.endswith("/edit"):
            expect(page.locator("#check-status")).to_contain_text("No problems", timeout=30_000)
        found = axe_violations(page)
        violations = [v for v in found if v["impact"] in ("serious", "critical")]
        others = ", ".join(f"{v['id']} ({v['impact']})" for v in found if v not in violations)
        report.append(f"{path}: {len(violations)} serious or critical; others: {others or 'none'}")
        assert not violations, f"{path}: {violations}"
    say(capsys, "axe-core: " + "; ".join(report))


def test_every_control_is_labelled_and_reached_by_the_keyboard(
    browsing: Browsing, shared: str
) -> None:
    page = browsing.page()
    page.goto(f"/scenarios/{shared}")
    expect(page.locator("#verdict-badge")).to_have_text("Not ripe")
    unlabelled = page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
            .filter((e) => !e.hidden && e.type !== 'hidden')
            .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                           && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
            .map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []
    controls = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '#whatif input:not([type=hidden]), #whatif button, #whatif select'))
            .map((e) => e.id || e.dataset.preset || e.textContent.trim())"""
    )
    seen: list[str] = []
    page.locator("body").focus()
    for _ in range(len(controls) + 40):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || e.dataset.preset || e.textContent.trim(); }"
            )
        )
    missing = [c for c in controls if c not in seen]
    assert missing == [], f"not reached with Tab: {missing}"
    # a switch with the space bar, a slider with the arrow keys
    switch = page.get_by_role("switch", name="security_commitments_offered")
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).to_be_checked()
    expect(page.locator("#preconditions")).not_to_contain_text("Western allies offer Ukraine")
    page.keyboard.press("Space")
    expect(page.locator("#preconditions")).to_contain_text("Western allies offer Ukraine")


def test_the_editor_lets_the_keyboard_out(browsing: Browsing, shared: str) -> None:
    page = browsing.page()
    page.goto(f"/scenarios/{shared}/edit")
    expect(page.locator("#check-status")).to_contain_text("No problems", timeout=30_000)
    page.locator(".cm-content").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('.cm-editor') === null")
    assert focused, "Escape then Tab must move the focus out of the editor"


def test_print_keeps_the_content_and_drops_the_controls(browsing: Browsing, shared: str) -> None:
    page = browsing.page()
    page.goto(f"/scenarios/{shared}")
    expect(page.locator("#verdict-badge")).to_have_text("Not ripe")
    page.emulate_media(media="print")
    expect(page.locator("#verdict-badge")).to_be_visible()
    expect(page.locator("#levers table")).to_be_visible()
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("#save-whatif")).to_be_hidden()
    expect(page.locator('#whatif input[type="range"]').first).to_be_hidden()
    expect(page.locator("#whatif .slider output").first).to_be_visible()  # the values print


def test_timeline_with_the_as_of_date_as_a_control(browsing: Browsing, shared: str) -> None:
    page = browsing.page()
    page.goto(f"/scenarios/{shared}/timeline")
    expect(page.locator("#readiness table tbody tr")).to_have_count(3)  # the flagship's 3 dates
    expect(page.locator("#statements")).to_contain_text("butcher")
    page.get_by_label("As of").fill("2022-11-20")
    page.get_by_role("button", name="Show the verdict on this date").click()
    verdict = page.locator("#as-of-verdict")
    expect(verdict).to_contain_text("As of 2022-11-20")
    expected = httpx.get(
        f"{browsing.site.url}/api/scenarios/{shared}/verdict",
        params={"as_of": "2022-11-20"},
        timeout=60,
    ).json()
    expect(verdict.locator(".badge")).to_have_text(expected["verdict_label"])
    expect(verdict.locator(".margin")).to_have_text(expected["margin_text"])
    expect(page.locator("tr.after").first).to_be_visible()  # statements after the date, dimmed
    # the stance signals of the 30 days to that date, as `detente signals` computes them
    signals = page.locator("#signals")
    expect(signals.locator("h2")).to_have_text("Stance signals in the 30 days to 2022-11-20")
    expect(signals.get_by_role("row", name="France")).to_contain_text("+0.50")
    expect(signals.locator("tbody tr")).to_have_count(5)
    chart = page.locator("#charts figure img")
    expect(chart).to_have_count(1, timeout=120_000)
    expect(chart).to_have_js_property("complete", True)
    assert chart.evaluate("(img) => img.naturalWidth") > 100
    # the chart is the briefing's, as an inert SVG; an unknown one is a 404, not a broken page
    svg = httpx.get(f"{browsing.site.url}{chart.get_attribute('src')}", timeout=60)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg") and "<script" not in svg.text
    missing = httpx.get(
        f"{browsing.site.url}/api/scenarios/{shared}/charts/space.svg",
        params={"section": "timeline"},
        timeout=60,
    )
    assert missing.status_code == 404


def test_a_simulation_job_with_progress_and_results(browsing: Browsing, site: Site) -> None:
    scenario = site.import_copy("flagship-jobs")
    page = browsing.page()
    page.goto(f"/scenarios/{scenario}/jobs")
    page.get_by_label("Draws over the uncertain judgments").fill("400")
    page.get_by_label("Also find what decides the verdict (Sobol indices)").uncheck()
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#job-bar")).to_be_attached()
    page.wait_for_url("**/jobs?job=*", timeout=120_000)
    result = page.locator("#job-result")
    expect(result).to_contain_text("done")
    table = result.locator("table.probabilities")
    expect(table).to_contain_text("Not ripe")
    expect(table).to_contain_text("Blocked")
    job_id = result.get_attribute("data-job")
    job = site.get(f"/api/jobs/{job_id}")
    verdicts = next(c for c in job["result"]["categorical"] if c["output"] == "verdict")
    shown = {c["category"]: f"{100 * c['probability']:.1f} %" for c in verdicts["categories"]}
    expect(table.get_by_role("row", name="Not ripe")).to_contain_text(shown["not_ripe"])
    expect(page.locator("#job-list")).to_contain_text("simulate")


def test_the_briefing_of_a_version_and_its_download(browsing: Browsing, site: Site) -> None:
    scenario = site.import_copy("fearon-textbook", text=FEARON.read_text(encoding="utf-8"))
    page = browsing.page()
    page.goto(f"/scenarios/{scenario}/briefing")
    frame = page.frame_locator("iframe.briefing-frame")
    expect(frame.locator("h1")).to_have_text(
        "Fearon's bargaining model (one issue, two states)", timeout=120_000
    )
    expect(frame.locator("#verdict .badge")).to_have_text("Premature")
    link = page.get_by_role("link", name="Download it (HTML, one self-contained file)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{scenario}-v1-briefing.html"
    assert "Premature" in Path(download.value.path()).read_text(encoding="utf-8")
    # the framed copy may be framed by the workbench only, and runs nothing
    framed = httpx.get(f"{site.url}/scenarios/{scenario}/briefing.html", timeout=60)
    assert framed.headers["x-frame-options"] == "SAMEORIGIN"
    policy = framed.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "script" not in policy


@pytest.mark.skipif(
    not os.environ.get("DETENTE_SCREENSHOTS"),
    reason="set DETENTE_SCREENSHOTS=1 to write docs/img/workbench-*.png",
)
def test_screenshots_for_the_readme(browsing: Browsing, site: Site, shared: str) -> None:
    out = ROOT / "docs" / "img"
    site.import_copy("fearon-textbook", text=FEARON.read_text(encoding="utf-8"))
    edited = site.import_copy("russia-ukraine-costlier")
    text = site.get(f"/api/scenarios/{edited}")["text"].replace(
        "      cost: 0.10\n", "      cost: 0.12\n", 1
    )
    saved = httpx.put(
        f"{site.url}/api/scenarios/{edited}",
        content=text.encode(),
        params={"message": "Kyiv's war costs more than the article says"},
        headers={
            "Authorization": f"Bearer {site.analyst}",
            "Content-Type": "application/yaml",
            "If-Match": "1",
        },
        timeout=60,
    )
    assert saved.status_code == 200, saved.text
    page = browsing.page(viewport={"width": 1360, "height": 860})
    page.goto("/")
    expect(page.locator("td[data-verdict-src]:not([data-filled])")).to_have_count(
        0, timeout=120_000
    )
    page.screenshot(path=str(out / "workbench-library.png"))
    page.goto(f"/scenarios/{shared}")
    page.get_by_role("switch", name="security_commitments_offered").check()
    cost = page.locator('input[type="range"][data-path="actors.UKR.no_deal.cost"]')
    cost.focus()
    page.keyboard.press("End")
    expect(page.locator("#closest-deal-title")).to_contain_text("with your what-if", timeout=60_000)
    page.evaluate(
        """() => {
            window.scrollTo(0, 0);
            const panel = document.querySelector('#whatif');
            panel.scrollTop = document.querySelector('#sliders').offsetTop - panel.offsetTop - 8;
        }"""
    )
    page.screenshot(path=str(out / "workbench-scenario.png"))
    page.goto(f"/scenarios/{shared}/edit")
    expect(page.locator("#check-status")).to_contain_text("No problems", timeout=30_000)
    page.evaluate(
        """() => {
            const v = window.detenteEditor;
            const l = v.state.doc.line(110);
            v.dispatch({changes: {from: l.to - 4, to: l.to, insert: "0.1O"},
                        selection: {anchor: l.to}});
            v.focus();
            v.scrollDOM.scrollTop = v.lineBlockAt(l.from).top - 260;
        }"""
    )
    expect(page.locator("#problem-list li")).to_have_count(1, timeout=30_000)
    page.screenshot(path=str(out / "workbench-editor.png"))
