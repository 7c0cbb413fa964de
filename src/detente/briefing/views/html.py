"""The briefing as one self-contained HTML file.

No template engine: the page is the header followed by one writer per section, in the order of
the section table, and every string that comes from a scenario goes through :func:`esc`
(``html.escape`` with quotes) on its way in.  Links are written only for ``http``, ``https`` and
``mailto`` URLs.  The charts are inline SVG drawn by vl-convert; the styles are inline and use
the system font stack; the page loads nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from detente.briefing.build import SECTION_TABLE
from detente.briefing.model import unavailable_reason

if TYPE_CHECKING:
    from detente.briefing.model import Briefing, Section
    from detente.briefing.sections.forecast import Forecast
    from detente.briefing.sections.gap import Levers, Shortfalls, WhatIfs
    from detente.briefing.sections.graph import Graph
    from detente.briefing.sections.montecarlo import MonteCarlo
    from detente.briefing.sections.space import Space
    from detente.briefing.sections.summary import ActorCard, Actors, Cited, Sources, Summary
    from detente.briefing.sections.timeline import StatementRow, Timeline

__all__ = ["SAFE_URL", "esc", "render_html", "render_svgs"]

SAFE_URL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_SVG_HEAD = re.compile(r"^\s*(<\?xml[^>]*>\s*)?", re.IGNORECASE)

Writer = Callable[["Page", Any], list[str]]


def _css() -> str:
    from importlib.resources import files

    return files("detente.briefing").joinpath("assets/briefing.css").read_text(encoding="utf-8")


def esc(text: object) -> str:
    """``text`` escaped for HTML element content and attribute values."""
    return html.escape(str(text), quote=True)


def _link(url: str | None, label: str) -> str:
    if url and SAFE_URL.match(url.strip()):
        return f'<a href="{esc(url.strip())}" rel="noreferrer">{esc(label)}</a>'
    return esc(label)


def _table(
    headers: list[str],
    rows: Iterable[list[str]],
    numeric: Iterable[int] = (),
    nowrap: Iterable[int] = (),
) -> str:
    """A table of already escaped cells; ``numeric`` columns align right, ``nowrap`` ones
    (dates) never break."""
    nums, keep = set(numeric), set(nowrap)

    def cell(j: int, c: str) -> str:
        cls = " ".join(n for n, on in (("num", j in nums), ("nowrap", j in keep)) if on)
        return f'<td class="{cls}">{c}</td>' if cls else f"<td>{c}</td>"

    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(cell(j, c) for j, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _items(title: str, items: Iterable[str]) -> list[str]:
    items = list(items)
    if not items:
        return []
    return [f"<h3>{esc(title)}</h3><ul>", *(f"<li>{esc(i)}</li>" for i in items), "</ul>"]


class Page:
    """What every section writer needs: the briefing, its charts as SVG, the source ids."""

    def __init__(self, briefing: Briefing, svgs: Mapping[str, str], chart_note: str | None):
        self.briefing = briefing
        self.svgs = svgs
        self.chart_note = chart_note  # why no chart was drawn at all (a missing extra)
        self.known = {s.id for s in briefing.sources.sources}

    def cite(self, source: str | None) -> str:
        if not source:
            return ""
        if source in self.known:
            return f' <sup class="src"><a href="#src-{esc(source)}">[{esc(source)}]</a></sup>'
        return f' <sup class="src">[{esc(source)}]</sup>'

    def figure(self, kind: str) -> str:
        b = self.briefing
        if kind not in b.charts:
            return ""
        if kind not in self.svgs:
            reason = self.chart_note or "not drawn"
            return f'<p class="na">Chart not available: {esc(reason)}</p>'
        return (
            f'<figure class="chart" data-chart="{esc(kind)}">{self.svgs[kind]}'
            f"<figcaption>{esc(b.captions.get(kind, ''))}</figcaption></figure>"
        )

    def na(self, section: str) -> str:
        reason = self.briefing.unavailable.get(section, "not available")
        return f'<p class="na">{esc(reason)}</p>'


def _cited(page: Page, item: Cited) -> str:
    out = esc(item.text)
    if item.detail and item.detail != item.text:
        out += f' <code class="rule">{esc(item.detail)}</code>'
    if item.status:
        cls = "status-met" if item.status == "met" else "status-not-met"
        out = f'<span class="{cls}">{esc(item.status)}:</span> ' + out
    if item.quote:
        out += f' <span class="quote">{esc(item.quote)}</span>'
    if item.note:
        out += f' <span class="note">{esc(item.note)}</span>'
    return f"<li>{out}{page.cite(item.source)}</li>"


def _card(page: Page, card: ActorCard) -> str:
    role = esc(card.role) + (" · veto" if card.veto else "")
    parts = [
        f'<article class="card" id="actor-{esc(card.id)}">',
        f'<h3>{esc(card.name)} <span class="role">({esc(card.id)})</span></h3>',
        f'<div class="role">{role} · capability {esc(card.capability_text)}'
        + (f" · supports {esc(', '.join(card.supports))}" if card.supports else "")
        + "</div>",
    ]
    if card.utility_text:
        parts.append(f'<div class="role">{esc(card.utility_text)}</div>')
    groups = [
        ("Preconditions for talks", card.preconditions),
        ("Red lines", card.red_lines),
        ("Without a deal", (card.no_deal,) if card.no_deal is not None else ()),
        ("Considerations", card.considerations),
    ]
    for title, items in groups:
        if items:
            parts.append(f"<h4>{esc(title)}</h4><ul>")
            parts.extend(_cited(page, i) for i in items)
            parts.append("</ul>")
    parts.append("</article>")
    return "\n".join(parts)


def _deal_table(title: str, deal: tuple[tuple[str, str], ...]) -> list[str]:
    if not deal:
        return []
    return [
        f"<h3>{esc(title)}</h3>",
        _table(["Issue", "Value"], ([esc(k), esc(v)] for k, v in deal)),
    ]


# ---- one writer per section ------------------------------------------------------------------


def _summary(page: Page, s: Summary) -> list[str]:
    out = ['<section id="summary"><h2>Why</h2>']
    out += _items(f"How far it can go now: {s.stage} ({s.stage_text})", s.stages)
    out += _deal_table(s.closest_deal_title, s.closest_deal)
    out += _deal_table(s.nash_title, s.nash)
    out += _items(
        "Where the margin comes from (surplus over fighting on, by issue)", s.margin_sources
    )
    out += _items("What clashes", s.clashes)
    out += _items("Preconditions not met", s.unmet_preconditions)
    out += _items("Preconditions for signing not met", s.unmet_agreement_preconditions)
    out += _items("What would meet them", s.fact_levers)
    out += _items("Ripeness (Zartman)", s.ripeness)
    return [*out, "</section>"]


def _actors(page: Page, s: Actors) -> list[str]:
    cards = [_card(page, c) for c in s.cards]
    return [
        '<section id="actors"><h2>The actors</h2><div class="cards">',
        *cards,
        "</div></section>",
    ]


def _space(page: Page, s: Space | None) -> list[str]:
    out = ['<section id="space"><h2>The negotiation space</h2>']
    if s is None:
        return [*out, page.na("space"), "</section>"]
    out.append(page.figure("space"))
    if s.zopa_ranges:
        out.append("<h3>The range of the ZOPA</h3>")
        out.append(
            _table(
                ["Issue", "From", "To"],
                ([esc(k), esc(lo), esc(hi)] for k, lo, hi in s.zopa_ranges),
                numeric=(1, 2),
            )
        )
    return [*out, "</section>"]


def _shortfalls(page: Page, s: Shortfalls | None) -> list[str]:
    body = page.figure("shortfalls") if s is not None else page.na("shortfalls")
    return ['<section id="shortfalls"><h2>How far apart</h2>', body, "</section>"]


def _levers(page: Page, s: Levers | None) -> list[str]:
    out = ['<section id="levers"><h2>What would open a zone of agreement</h2>']
    if s is None:
        return [*out, page.na("levers"), "</section>"]
    out.append(page.figure("levers"))
    rows = (
        [
            esc(lv.label) + f' <code class="rule">{esc(lv.path)}</code>',
            esc(lv.value_text),
            esc(lv.new_value_text),
            esc(lv.change_sd_text),
        ]
        for lv in s.levers
    )
    out.append(_table(["Judgment", "Now", "Opens a ZOPA at", "Change (sd)"], rows, (1, 2, 3)))
    return [*out, "</section>"]


def _what_ifs(page: Page, s: WhatIfs | None) -> list[str]:
    out = ['<section id="whatifs"><h2>What if?</h2>']
    if s is None:
        return [*out, page.na("whatifs"), "</section>"]
    rows = (
        [
            f'<strong>{esc(w.label)}</strong><br><code class="rule">{esc(w.name)}</code>',
            f'<span class="badge {esc(w.verdict)}">{esc(w.verdict_label)}</span>',
            esc(w.margin_text),
            "met" if w.preconditions_met else "not met",
        ]
        for w in s.rows
    )
    out.append(_table(["Variant", "Verdict", "Margin", "Preconditions"], rows, numeric=(2,)))
    return [*out, page.figure("whatifs"), "</section>"]


def _forecast(page: Page, s: Forecast | None) -> list[str]:
    out = ['<section id="forecast"><h2>If talks start: on what terms?</h2>']
    if s is None:
        return [*out, page.na("forecast"), "</section>"]
    rows = ([esc(label), *(esc(v) for v in values)] for label, values in s.rows)
    out.append(_table(["Issue", *s.methods], rows))
    return [*out, page.figure("trajectories"), page.figure("quadrant"), "</section>"]


def _explained(section: str, title: str) -> Writer:
    def write(page: Page, s: Graph | MonteCarlo | None) -> list[str]:
        out = [f'<section id="{section}"><h2>{esc(title)}</h2>']
        if s is None:
            return [*out, page.na(section), "</section>"]
        text = f'<pre class="explain">{esc(s.text)}</pre>'
        return [*out, page.figure(section), text, "</section>"]

    return write


def _statement_row(page: Page, j: int, s: StatementRow) -> list[str]:
    said = f'<span class="quote">{esc(s.quote)}</span>' if s.quote else ""
    return [
        str(j),
        esc(s.date),
        esc(s.who) + (f" → {esc(s.target)}" if s.target else ""),
        esc(s.stance),
        said + page.cite(s.source),
    ]


def _timeline(page: Page, s: Timeline | None) -> list[str]:
    out = ['<section id="timeline"><h2>How is it moving?</h2>']
    if s is None:
        return [*out, page.na("timeline"), "</section>"]
    out.append(page.figure("timeline"))
    if s.series_note:
        out.append(f'<p class="na">{esc(s.series_note)}</p>')
    if s.points:
        rows = (
            [esc(t.date), esc(t.verdict_label), esc(t.margin_text), esc(t.note)] for t in s.points
        )
        out.append(_table(["Date", "Verdict", "Margin", "What changed"], rows, (2,), (0, 1)))
    if s.statements:
        rows = (_statement_row(page, j, st) for j, st in enumerate(s.statements, start=1))
        out.append("<h3>Statements</h3>")
        out.append(_table(["#", "Date", "Who", "Stance", "Said"], rows, (0,), (1,)))
    return [*out, "</section>"]


def _sources(page: Page, s: Sources) -> list[str]:
    out = ['<section id="sources"><h2>Sources</h2><ol class="sources">']
    for src in s.sources:
        bits = [_link(src.url, src.title)]
        bits += [esc(x) for x in (src.author, src.publisher, src.date) if x]
        note = f' <span class="quote">{esc(src.note)}</span>' if src.note else ""
        out.append(
            f'<li id="src-{esc(src.id)}"><code class="rule">{esc(src.id)}</code> '
            + ", ".join(bits)
            + note
            + "</li>"
        )
    return [*out, "</ol></section>"]


#: Section name -> its HTML writer (the section's dataclass, or None when it is unavailable).
WRITERS: dict[str, Writer] = {
    "summary": _summary,
    "actors": _actors,
    "space": _space,
    "shortfalls": _shortfalls,
    "levers": _levers,
    "whatifs": _what_ifs,
    "forecast": _forecast,
    "graph": _explained("graph", "Which strategic situations are stable?"),
    "montecarlo": _explained("montecarlo", "How sure is that?"),
    "timeline": _timeline,
    "sources": _sources,
}


def render_svgs(briefing: Briefing) -> dict[str, str]:
    """Every chart of the briefing as inline SVG text, by kind."""
    from detente.briefing.charts import chart_for, to_svg

    # an XML declaration is not allowed inside an HTML document
    return {
        kind: _SVG_HEAD.sub("", to_svg(chart_for(kind, tables)), count=1)
        for kind, tables in briefing.charts.items()
    }


def _header(b: Briefing) -> list[str]:
    s = b.summary
    meta = "".join(
        f" · {esc(x)}" for x in (f"as of {b.as_of}" if b.as_of else None, b.filename) if x
    )
    out = [
        f'<header><div class="meta">detente briefing{meta}</div>',
        f"<h1>{esc(b.title)}</h1>",
    ]
    if b.what_if:
        out.append(f'<p class="question">What if {esc(b.what_if)}?</p>')
    if b.question:
        out.append(f'<p class="question">{esc(b.question)}</p>')
    out.append(
        f'<section class="verdict {esc(s.verdict)}" id="verdict">'
        f'<span class="badge {esc(s.verdict)}">{esc(s.verdict_label)}</span>'
        f'<span class="margin">{esc(s.margin_text)}</span>'
        # the badge says the verdict: the headline goes on from there
        f'<p class="headline">{esc(s.reason[:1].upper() + s.reason[1:])}</p></section></header>'
    )
    if b.description:
        out.append(f"<p>{esc(b.description)}</p>")
    return out


def render_html(briefing: Briefing, *, svgs: Mapping[str, str] | None = None) -> str:
    """The briefing as one self-contained HTML document (inline CSS and SVG, no scripts)."""
    chart_note = None
    if svgs is None:
        try:
            svgs = render_svgs(briefing)
        except ImportError as exc:  # the charts extra is not installed: a page without charts
            chart_note = unavailable_reason(exc)
            if chart_note is None:
                raise
            svgs = {}
    page = Page(briefing, svgs, chart_note)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # no script, no remote anything: the page is inert and offline
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{esc(briefing.title)} — detente briefing</title>",
        f"<style>{_css()}</style></head><body><main>",
        *_header(briefing),
    ]
    for spec in SECTION_TABLE:
        section: Section | None = briefing.sections.get(spec.name)
        if section is None and spec.name not in briefing.unavailable:
            continue  # not asked for
        out += WRITERS[spec.name](page, section)
    out.append(
        "<footer>Generated by detente from the scenario file; every number comes from the "
        "engines' results, every judgment from the sources above.</footer>"
    )
    out.append("</main></body></html>")
    return "\n".join(out)
