"""The briefing shows the stage, where the margin comes from, and leads "How sure" with what
decides the verdict."""

from __future__ import annotations

from detente.briefing import build_briefing, markdown, render_html
from detente.briefing.sections.montecarlo import MonteCarlo
from detente.scenario import loads
from tests.readiness.rdata import CLASH, STAGED


def test_the_summary_shows_the_stage_and_the_margin_sources() -> None:
    b = build_briefing(loads(STAGED.replace("COST", "0.2")), sections=())
    s = b.summary
    assert (s.stage, s.stage_text) == (
        "deal",
        "talks can open and a deal exists, but it cannot be signed yet",
    )
    assert s.stages[2] == (
        "Can it be signed? No: Alpha will not sign until a referendum on the constitution is "
        "scheduled."
    )
    assert s.unmet_agreement_preconditions
    assert s.margin_sources[0].startswith("Alpha: surplus +")
    assert s.margin_sources[-1].startswith("Relative margin +")
    html = render_html(b)
    assert "How far it can go now: deal" in html
    assert "Where the margin comes from" in html
    assert "Preconditions for signing not met" in html
    text = markdown(b)
    assert "## How far it can go now: deal" in text
    card = next(c for c in b.sections["actors"].cards if c.id == "A")  # type: ignore[attr-defined]
    assert [p.status for p in card.preconditions] == ["met", "not met"]
    assert card.preconditions[1].detail == "referendum (for signing)"


def test_how_sure_leads_with_what_decides_the_verdict() -> None:
    scenario = loads(CLASH.replace("THETA", "70"))
    b = build_briefing(scenario, simulate=2000, sections=["montecarlo"])
    section = b.get("montecarlo", MonteCarlo)
    assert section is not None
    lines = section.text.splitlines()
    assert lines[1].startswith("What decides the verdict")
    assert "actors.A.red_lines.0.active 100%" in lines[1]
    table = section.charts["montecarlo"]["decisive"]
    assert table["judgment"].iloc[0] == "actors.A.red_lines.0.active"
    assert table["share"].iloc[0] > 0.99
    card = next(c for c in b.sections["actors"].cards if c.id == "A")  # type: ignore[attr-defined]
    assert card.red_lines[0].detail == (
        "x >= threshold (threshold 70; a real red line with probability 0.5)"
    )
