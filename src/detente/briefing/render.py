"""The briefing as one self-contained HTML file, and as Markdown.

No template engine: the page is assembled from small functions, and every string that comes
from a scenario goes through :func:`esc` (``html.escape`` with quotes) on its way in.  Links are
written only for ``http``, ``https`` and ``mailto`` URLs.  The charts are inline SVG drawn by
vl-convert; the styles are inline and use the system font stack; the page loads nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts import chart_for, to_svg

if TYPE_CHECKING:
    from detente.briefing.briefing import ActorCard, Briefing, Cited

__all__ = ["esc", "render_html", "render_markdown", "render_svgs"]

_SAFE_URL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_SVG_HEAD = re.compile(r"^\s*(<\?xml[^>]*>\s*)?", re.IGNORECASE)


def _css() -> str:
    from importlib.resources import files

    return files("detente.briefing").joinpath("assets/briefing.css").read_text(encoding="utf-8")


def esc(text: object) -> str:
    """``text`` escaped for HTML element content and attribute values."""
    return html.escape(str(text), quote=True)


def _link(url: str | None, label: str) -> str:
    if url and _SAFE_URL.match(url.strip()):
        return f'<a href="{esc(url.strip())}" rel="noreferrer">{esc(label)}</a>'
    return esc(label)


def _cite(source: str | None, known: Iterable[str]) -> str:
    if not source:
        return ""
    if source in set(known):
        return f' <sup class="src"><a href="#src-{esc(source)}">[{esc(source)}]</a></sup>'
    return f' <sup class="src">[{esc(source)}]</sup>'


def _cited_item(item: Cited, known: Iterable[str]) -> str:
    out = esc(item.text)
    if item.detail and item.detail != item.text:
        out += f' <code class="rule">{esc(item.detail)}</code>'
    if item.status:
        cls = "status-met" if item.status == "met" else "status-not-met"
        out = f'<span class="{cls}">{esc(item.status)}:</span> ' + out
    if item.quote:
        out += f' <span class="quote">“{esc(item.quote)}”</span>'
    return f"<li>{out}{_cite(item.source, known)}</li>"


def _card(card: ActorCard, known: list[str]) -> str:
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
            parts.extend(_cited_item(i, known) for i in items)
            parts.append("</ul>")
    parts.append("</article>")
    return "\n".join(parts)


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
    body = []
    for row in rows:
        cells = "".join(cell(j, c) for j, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _svg_inline(svg: str) -> str:
    # drop an XML declaration: it is not allowed inside an HTML document
    return _SVG_HEAD.sub("", svg, count=1)


def render_svgs(briefing: Briefing) -> dict[str, str]:
    """Every chart of the briefing as inline SVG text, by kind."""
    return {
        kind: _svg_inline(to_svg(chart_for(kind, tables)))
        for kind, tables in briefing.charts.items()
    }


def _figure(kind: str, briefing: Briefing, svgs: Mapping[str, str]) -> str:
    if kind not in svgs:
        reason = briefing.unavailable.get(kind, "not available")
        return f'<p class="na">Chart not available: {esc(reason)}</p>'
    caption = briefing.captions.get(kind, "")
    return (
        f'<figure class="chart" data-chart="{esc(kind)}">'
        f"{svgs[kind]}"
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def _na(briefing: Briefing, section: str) -> str:
    reason = briefing.unavailable.get(section, "not available")
    return f'<p class="na">{esc(reason)}</p>'


def render_html(briefing: Briefing, *, svgs: Mapping[str, str] | None = None) -> str:
    """The briefing as one self-contained HTML document (inline CSS and SVG, no scripts)."""
    svgs = render_svgs(briefing) if svgs is None else svgs
    b = briefing
    known = [s.id for s in b.sources]
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # no script, no remote anything: the page is inert and offline
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{esc(b.title)} — detente briefing</title>",
        f"<style>{_css()}</style></head><body><main>",
        '<header><div class="meta">detente briefing'
        + (f" · as of {esc(b.as_of)}" if b.as_of else "")
        + (f" · {esc(b.filename)}" if b.filename else "")
        + "</div>",
        f"<h1>{esc(b.title)}</h1>",
    ]
    if b.question:
        out.append(f'<p class="question">{esc(b.question)}</p>')
    out.append(
        f'<section class="verdict {esc(b.verdict)}" id="verdict">'
        f'<span class="badge {esc(b.verdict)}">{esc(b.verdict_label)}</span>'
        f'<span class="margin">{esc(b.margin_text)}</span>'
        f'<p class="headline">{esc(b.headline)}</p></section></header>'
    )
    if b.description:
        out.append(f"<p>{esc(b.description)}</p>")

    # ---- summary ---------------------------------------------------------------------------
    out.append('<section id="summary"><h2>Why</h2>')
    if b.closest_deal:
        title = "Terms of the closest deal" if not b.zopa else "The closest (egalitarian) deal"
        out.append(f"<h3>{esc(title)}</h3>")
        out.append(_table(["Issue", "Value"], ([esc(k), esc(v)] for k, v in b.closest_deal)))
    if b.nash:
        out.append("<h3>Nash bargaining solution</h3>")
        out.append(_table(["Issue", "Value"], ([esc(k), esc(v)] for k, v in b.nash)))
    if b.clashes:
        out.append("<h3>What clashes</h3><ul>")
        out.extend(f"<li>{esc(c)}</li>" for c in b.clashes)
        out.append("</ul>")
    if b.unmet_preconditions:
        out.append("<h3>Preconditions not met</h3><ul>")
        out.extend(f"<li>{esc(p)}</li>" for p in b.unmet_preconditions)
        out.append("</ul>")
    if b.fact_levers:
        out.append("<h3>What would meet them</h3><ul>")
        out.extend(f"<li>{esc(p)}</li>" for p in b.fact_levers)
        out.append("</ul>")
    if b.ripeness:
        out.append("<h3>Ripeness (Zartman)</h3><ul>")
        out.extend(f"<li>{esc(p)}</li>" for p in b.ripeness)
        out.append("</ul>")
    out.append("</section>")

    # ---- actors ----------------------------------------------------------------------------
    out.append('<section id="actors"><h2>The actors</h2><div class="cards">')
    out.extend(_card(c, known) for c in b.actors)
    out.append("</div></section>")

    # ---- negotiation space -----------------------------------------------------------------
    out.append('<section id="space"><h2>The negotiation space</h2>')
    out.append(_figure("space", b, svgs))
    out.append("</section>")

    # ---- gap -------------------------------------------------------------------------------
    out.append('<section id="gap"><h2>How far apart, and what would close the gap</h2>')
    out.append(_figure("shortfalls", b, svgs))
    out.append("<h3>Levers</h3>")
    if b.levers:
        out.append(_figure("levers", b, svgs))
        out.append(
            _table(
                ["Judgment", "Now", "Opens a ZOPA at", "Plausibility"],
                (
                    [
                        esc(lv.label) + f' <code class="rule">{esc(lv.path)}</code>',
                        esc(lv.value_text),
                        esc(lv.new_value_text),
                        esc(lv.plausibility_text),
                    ]
                    for lv in b.levers
                ),
                numeric=(1, 2, 3),
            )
        )
    else:
        out.append(_na(b, "levers"))
    out.append("<h3>What if?</h3>")
    if b.what_ifs:
        out.append(
            _table(
                ["Variant", "Verdict", "Margin", "Preconditions"],
                (
                    [
                        f"<strong>{esc(w.label)}</strong><br>"
                        f'<code class="rule">{esc(w.name)}</code>',
                        f'<span class="badge {esc(w.verdict)}">{esc(w.verdict_label)}</span>',
                        esc(w.margin_text),
                        "met" if w.preconditions_met else "not met",
                    ]
                    for w in b.what_ifs
                ),
                numeric=(2,),
            )
        )
        out.append(_figure("whatifs", b, svgs))
    else:
        out.append(_na(b, "whatifs"))
    out.append("</section>")

    # ---- forecasts -------------------------------------------------------------------------
    out.append('<section id="forecast"><h2>If talks start: on what terms?</h2>')
    if b.forecasts:
        out.append(
            _table(
                ["Issue", *b.forecast_methods],
                ([esc(label), *(esc(v) for v in values)] for label, values in b.forecasts),
            )
        )
        out.append(_figure("trajectories", b, svgs))
        out.append(_figure("quadrant", b, svgs))
    else:
        out.append(_na(b, "forecast"))
    out.append("</section>")

    # ---- graph -----------------------------------------------------------------------------
    out.append('<section id="graph"><h2>Which strategic situations are stable?</h2>')
    if b.graph_text is not None:
        out.append(_figure("graph", b, svgs))
        out.append(f'<pre class="explain">{esc(b.graph_text)}</pre>')
    else:
        out.append(_na(b, "graph"))
    out.append("</section>")

    # ---- Monte Carlo -----------------------------------------------------------------------
    out.append('<section id="montecarlo"><h2>How sure is that?</h2>')
    if b.simulation_text is not None:
        out.append(_figure("montecarlo", b, svgs))
        out.append(f'<pre class="explain">{esc(b.simulation_text)}</pre>')
    else:
        out.append(_na(b, "montecarlo"))
    out.append("</section>")

    # ---- timeline --------------------------------------------------------------------------
    out.append('<section id="timeline"><h2>How is it moving?</h2>')
    if "timeline" in b.charts:
        out.append(_figure("timeline", b, svgs))
    if b.timeline:
        out.append(
            _table(
                ["Date", "Verdict", "Margin", "What changed"],
                (
                    [esc(t.date), esc(t.verdict_label), esc(t.margin_text), esc(t.note)]
                    for t in b.timeline
                ),
                numeric=(2,),
                nowrap=(0, 1),
            )
        )
    elif "timeline" in b.unavailable:
        out.append(_na(b, "timeline"))
    if b.statements:
        out.append("<h3>Statements</h3>")
        out.append(
            _table(
                ["#", "Date", "Who", "Stance", "Said"],
                (
                    [
                        str(j),
                        esc(s.date),
                        esc(s.actor_name)
                        + (f" ({esc(s.speaker)})" if s.speaker else "")
                        + (f" → {esc(s.target)}" if s.target else ""),
                        esc(s.stance),
                        (f'<span class="quote">“{esc(s.quote)}”</span>' if s.quote else "")
                        + _cite(s.source, known),
                    ]
                    for j, s in enumerate(b.statements, start=1)
                ),
                numeric=(0,),
                nowrap=(1,),
            )
        )
    out.append("</section>")

    # ---- sources ---------------------------------------------------------------------------
    out.append('<section id="sources"><h2>Sources</h2><ol class="sources">')
    for s in b.sources:
        bits = [_link(s.url, s.title)]
        if s.author:
            bits.append(esc(s.author))
        if s.publisher:
            bits.append(esc(s.publisher))
        if s.date:
            bits.append(esc(s.date))
        note = f' <span class="quote">{esc(s.note)}</span>' if s.note else ""
        out.append(
            f'<li id="src-{esc(s.id)}"><code class="rule">{esc(s.id)}</code> '
            + ", ".join(bits)
            + note
            + "</li>"
        )
    out.append("</ol></section>")
    out.append(
        "<footer>Generated by detente from the scenario file; every number comes from the "
        "engines' results, every judgment from the sources above.</footer>"
    )
    out.append("</main></body></html>")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# Markdown
# ------------------------------------------------------------------------------------------------

# emphasis, code, links, tables and inline HTML; parentheses alone make no link
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>])")


def _md(text: object) -> str:
    """Escape Markdown (and inline HTML) in a user string."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(briefing: Briefing) -> str:
    """A Markdown summary of the briefing, for pasting into documents."""
    b = briefing
    lines = [f"# {_md(b.title)}", ""]
    if b.question:
        lines += [f"*{_md(b.question)}*", ""]
    meta = [f"as of {b.as_of}"] if b.as_of else []
    lines += [f"**{_md(b.verdict_label)}** ({_md(b.margin_text)}). {_md(b.headline)}", ""]
    if meta:
        lines += [f"_{_md(', '.join(meta))}_", ""]
    if b.closest_deal:
        lines += ["## Closest deal", "", "| Issue | Value |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in b.closest_deal]
        lines.append("")
    if b.nash:
        lines += ["## Nash bargaining solution", "", "| Issue | Value |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in b.nash]
        lines.append("")
    if b.clashes:
        lines += ["## What clashes", ""]
        lines += [f"- {_md(c)}" for c in b.clashes]
        lines.append("")
    if b.unmet_preconditions:
        lines += ["## Preconditions not met", ""]
        lines += [f"- {_md(p)}" for p in b.unmet_preconditions]
        lines.append("")
    if b.levers:
        lines += ["## What would open a zone of agreement", ""]
        lines += [f"- {_md(lv.text)}" for lv in b.levers[:8]]
        lines.append("")
    if b.fact_levers:
        lines += ["## What would meet the preconditions", ""]
        lines += [f"- {_md(p)}" for p in b.fact_levers]
        lines.append("")
    if b.what_ifs:
        lines += ["## What if?", "", "| Variant | Verdict | Margin |", "|---|---|---|"]
        lines += [
            f"| {_md(w.label)} | {_md(w.verdict_label)} | {_md(w.margin_text)} |"
            for w in b.what_ifs
        ]
        lines.append("")
    if b.ripeness:
        lines += ["## Ripeness", ""]
        lines += [f"- {_md(r)}" for r in b.ripeness]
        lines.append("")
    lines += ["## Actors", ""]
    for c in b.actors:
        role = c.role + (", veto" if c.veto else "")
        lines.append(f"- **{_md(c.name)}** ({_md(role)})")
        for r in c.red_lines:
            lines.append(f"  - red line: {_md(r.text)}")
        for p in c.preconditions:
            lines.append(f"  - precondition ({_md(p.status or '')}): {_md(p.text)}")
        if c.no_deal is not None:
            lines.append(f"  - without a deal: {_md(c.no_deal.text)}")
    lines.append("")
    if b.sources:
        lines += ["## Sources", ""]
        for s in b.sources:
            title = _md(s.title)
            if s.url and _SAFE_URL.match(s.url.strip()):
                url = s.url.strip().replace("(", "%28").replace(")", "%29").replace(" ", "%20")
                title = f"[{title}]({url})"
            extra = ", ".join(_md(x) for x in (s.publisher, s.date) if x)
            lines.append(f"- {title}" + (f", {extra}" if extra else ""))
        lines.append("")
    return "\n".join(lines)
