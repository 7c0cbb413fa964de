"""The briefing as Markdown, for pasting into documents (``detente assess --format markdown``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from detente.briefing.sections.gap import Levers, WhatIfs
from detente.briefing.views.html import SAFE_URL

if TYPE_CHECKING:
    from detente.briefing.model import Briefing

__all__ = ["render_markdown"]

# emphasis, code, links, tables and inline HTML; parentheses alone make no link
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>])")


def _md(text: object) -> str:
    """Escape Markdown (and inline HTML) in a user string."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _list(title: str, items: tuple[str, ...] | list[str]) -> list[str]:
    if not items:
        return []
    return [f"## {title}", "", *(f"- {_md(i)}" for i in items), ""]


def _deal(title: str, deal: tuple[tuple[str, str], ...]) -> list[str]:
    if not deal:
        return []
    rows = [f"| {_md(k)} | {_md(v)} |" for k, v in deal]
    return [f"## {title}", "", "| Issue | Value |", "|---|---|", *rows, ""]


def _verdict_line(b: Briefing) -> str:
    s = b.summary
    if s.reason != s.headline:  # the headline opened with the verdict: say it once, in bold
        return f"**{_md(s.verdict_label)}**: {_md(s.reason)}"
    return f"**{_md(s.verdict_label)}** ({_md(s.margin_text)}). {_md(s.headline)}"


def _actors(b: Briefing) -> list[str]:
    lines = ["## Actors", ""]
    for c in b.actors.cards:
        role = c.role + (", veto" if c.veto else "")
        lines.append(f"- **{_md(c.name)}** ({_md(role)})")
        lines += [f"  - red line: {_md(r.text)}" for r in c.red_lines]
        lines += [
            f"  - precondition ({_md(p.status or '')}): {_md(p.text)}" for p in c.preconditions
        ]
        if c.no_deal is not None:
            lines.append(f"  - without a deal: {_md(c.no_deal.text)}")
    return [*lines, ""]


def _sources(b: Briefing) -> list[str]:
    if not b.sources.sources:
        return []
    lines = ["## Sources", ""]
    for s in b.sources.sources:
        title = _md(s.title)
        if s.url and SAFE_URL.match(s.url.strip()):
            url = s.url.strip().replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            title = f"[{title}]({url})"
        extra = ", ".join(_md(x) for x in (s.publisher, s.date) if x)
        lines.append(f"- {title}" + (f", {extra}" if extra else ""))
    return [*lines, ""]


def render_markdown(briefing: Briefing) -> str:
    """A Markdown summary: verdict, deals, clashes, preconditions, levers, what-ifs, actors."""
    b = briefing
    s = b.summary
    lines = [f"# {_md(b.title)}", ""]
    if b.what_if:
        lines += [f"*What if {_md(b.what_if)}?*", ""]
    if b.question:
        lines += [f"*{_md(b.question)}*", ""]
    lines += [_verdict_line(b), ""]
    if b.as_of:
        lines += [f"_{_md('as of ' + b.as_of)}_", ""]
    lines += _deal("Closest deal", s.closest_deal)
    lines += _deal(s.nash_title, s.nash)
    lines += _list(f"How far it can go now: {s.stage} ({s.stage_text})", s.stages)
    lines += _list("Where the margin comes from", s.margin_sources)
    lines += _list("What clashes", s.clashes)
    lines += _list("Preconditions not met", s.unmet_preconditions)
    lines += _list("Preconditions for signing not met", s.unmet_agreement_preconditions)
    levers = b.get("levers", Levers)
    if levers is not None:
        lines += _list("What would open a zone of agreement", [lv.text for lv in levers.levers[:8]])
    lines += _list("What would meet the preconditions", s.fact_levers)
    what_ifs = b.get("whatifs", WhatIfs)
    if what_ifs is not None:
        lines += ["## What if?", "", "| Variant | Verdict | Margin |", "|---|---|---|"]
        lines += [
            f"| {_md(w.label)} | {_md(w.verdict_label)} | {_md(w.margin_text)} |"
            for w in what_ifs.rows
        ]
        lines.append("")
    lines += _list("Ripeness", s.ripeness)
    lines += _actors(b)
    lines += _sources(b)
    return "\n".join(lines)
