"""The backtest as one self-contained HTML page: scores, a reliability diagram, the cases.

Drawn like the briefing (Altair chart rendered offline to inline SVG by vl-convert, inline
styles, no script, nothing loaded from the network).  The briefing's helpers live in a face
above this package, so this module has its own small renderer: :func:`reliability_chart`
builds the chart, :func:`to_svg` draws it, :func:`esc` escapes every string that comes from a
scenario file.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente._files import write_atomic
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.record.backtest import Backtest

__all__ = ["esc", "reliability_chart", "render_html", "to_svg", "write_html"]

FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
COLORS = {"detente": "#2c5f8a", "base rate": "#e08214", "status quo": "#8c8c8c"}
_SVG_HEAD = re.compile(r"^\s*(<\?xml[^>]*>\s*)?", re.IGNORECASE)

_CSS = """
:root { --ink:#1d2733; --muted:#5b6775; --line:#d9dee4; --bg:#f6f7f9; --good:#1a9850;
  --bad:#d73027; }
body { margin:0; background:var(--bg); color:var(--ink); font-size:15px; line-height:1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:1040px; margin:0 auto; padding:24px 28px 64px; background:#fff; }
h1 { font-size:1.7em; margin:.2em 0 .1em; }
h2 { font-size:1.25em; margin:1.8em 0 .6em; padding-bottom:.2em;
  border-bottom:2px solid var(--line); }
.meta, figcaption, footer { color:var(--muted); font-size:.88em; }
table { border-collapse:collapse; width:100%; font-size:.92em; margin:.4em 0 1em; }
th, td { border-bottom:1px solid var(--line); padding:5px 8px; text-align:left;
  vertical-align:top; }
th { background:var(--bg); font-weight:600; }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.yes { color:var(--good); font-weight:600; } td.no { color:var(--bad); font-weight:600; }
figure { margin:12px 0 20px; } figure svg { max-width:100%; height:auto; display:block; }
ul.notes li { font-size:.9em; color:var(--muted); }
@media print { body { background:#fff; font-size:11pt; } main { max-width:none; padding:0; }
  table, figure { break-inside:avoid; } }
"""


def esc(text: object) -> str:
    """``text`` escaped for HTML element content and attribute values."""
    return html.escape(str(text), quote=True)


def _alt() -> Any:
    try:
        import altair as alt
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise InputError(
            "the HTML report draws its chart with Altair: pip install 'detente[charts]'"
        ) from exc
    return alt


def reliability_chart(result: Backtest) -> Any:
    """The reliability diagram: observed frequency against mean forecast, per bin and forecaster.

    Point area is the number of questions in the bin, the vertical bar the 95% Wilson interval
    of the observed frequency; the diagonal is perfect calibration.
    """
    import pandas as pd

    from detente.record.backtest import LABELS

    alt = _alt()
    frame = pd.DataFrame(
        [
            {
                "forecaster": LABELS[b.forecaster],
                "forecast": b.mean_probability,
                "observed": b.frequency,
                "low": b.frequency_low,
                "high": b.frequency_high,
                "questions": b.count,
                "bin": f"{b.low:.0%}–{b.high:.0%}",
            }
            for b in result.reliability
        ]
    )
    domain = [LABELS[f] for f in ("detente", "base_rate", "status_quo")]
    color = alt.Color(
        "forecaster:N",
        scale=alt.Scale(domain=domain, range=[COLORS[d] for d in domain]),
        title=None,
    )
    axis = alt.Axis(format="%")
    x = alt.X("forecast:Q", scale=alt.Scale(domain=[0, 1]), axis=axis, title="mean forecast")
    y = alt.Y("observed:Q", scale=alt.Scale(domain=[0, 1]), axis=axis, title="observed frequency")
    diagonal = (
        alt.Chart(pd.DataFrame({"forecast": [0.0, 1.0], "observed": [0.0, 1.0]}))
        .mark_line(color="#bbbbbb", strokeDash=[4, 4])
        .encode(x=x, y=y)
    )
    bars = alt.Chart(frame).mark_rule(opacity=0.6).encode(x=x, y="low:Q", y2="high:Q", color=color)
    points = (
        alt.Chart(frame)
        .mark_circle(opacity=0.85)
        .encode(
            x=x,
            y=y,
            color=color,
            size=alt.Size(
                "questions:Q", title="questions", scale=alt.Scale(range=[40, 400], zero=False)
            ),
        )
    )
    chart = alt.layer(diagonal, bars, points).properties(
        width=420, height=420, title="Reliability: of the events given p, how many happened"
    )
    chart.config = alt.Config(
        font=FONT,
        padding={"left": 12, "right": 12, "top": 6, "bottom": 6},
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFontSize=11, titleFontSize=11, labelLimit=0),
        legend=alt.LegendConfig(labelFontSize=11, titleFontSize=11, labelLimit=0),
        title=alt.TitleConfig(fontSize=13, anchor="start"),
    )
    return chart


def to_svg(chart: Any) -> str:
    """An Altair chart as inline SVG (vl-convert, offline: remote data URLs are refused)."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(str(alt.SCHEMA_VERSION).lstrip("v").split(".")[:2])
    version = wanted if wanted in vlc.get_vegalite_versions() else None
    spec = chart.to_dict(validate=False)
    svg: str = vlc.vegalite_to_svg(spec, vl_version=version, allowed_base_urls=[])
    return _SVG_HEAD.sub("", svg, count=1)  # no XML declaration inside an HTML document


def _num(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def _table(head: list[str], rows: list[list[tuple[str, str]]]) -> str:
    """A table; each cell is ``(already escaped html, css class)``."""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>" for v, c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _scores(result: Backtest) -> str:
    from detente.record.backtest import LABELS

    rows = [
        [
            (esc(LABELS[s.forecaster]), ""),
            (esc(s.brier), "num"),
            (esc(s.log_score), "num"),
        ]
        for s in result.overall
    ]
    diffs = []
    for d in result.differences:
        base = LABELS[d.forecaster.split(" - ", 1)[1]]
        b, g = d.brier, d.log_score
        word = "better" if b.high < 0 else "worse" if b.low > 0 else "no clear difference"
        diffs.append(
            [
                (esc(f"detente minus {base}"), ""),
                (esc(f"{b.value:+.3f} [{b.low:+.3f}, {b.high:+.3f}]"), "num"),
                (esc(f"{g.value:+.3f} [{g.low:+.3f}, {g.high:+.3f}]"), "num"),
                (esc(word), ""),
            ]
        )
    return _table(["forecaster", "Brier score", "log score"], rows) + _table(
        ["paired difference", "Brier", "log score", "on Brier"], diffs
    )


def _cases(result: Backtest) -> str:
    rows = []
    for c in result.cases:
        rows.append(
            [
                (esc(c.title), ""),
                (esc(c.as_of.isoformat()), "num"),
                (esc(c.questions), "num"),
                *((esc(_num(c.brier[f])), "num") for f in ("detente", "base_rate", "status_quo")),
            ]
        )
    head = ["case", "as of", "questions", "detente", "base rate", "status quo"]
    return _table(head, rows)


def _questions(result: Backtest) -> str:
    rows = []
    for q in result.questions:
        lo, hi = q.interval
        mc = f" ({lo:.0%}–{hi:.0%})" if q.draws else " (point)"
        rows.append(
            [
                (esc(q.case), ""),
                (esc(q.text), ""),
                (esc(q.measure), ""),
                (esc(f"{q.probability['detente']:.0%}{mc}"), "num"),
                (esc(f"{q.probability['base_rate']:.0%}"), "num"),
                ("yes" if q.outcome else "no", "yes" if q.outcome else "no"),
                (esc(_num(q.brier["detente"])), "num"),
            ]
        )
    head = ["case", "question", "measure", "detente", "base rate", "outcome", "Brier"]
    return _table(head, rows)


def render_html(result: Backtest, *, title: str = "detente track record") -> str:
    """The backtest as a self-contained HTML page (inline CSS and SVG, no script)."""
    svg = to_svg(reliability_chart(result))
    pct = round(100 * result.level)
    settings = (
        f"{len(result.cases)} cases, {len(result.questions)} resolved questions; "
        f"{result.draws} Monte Carlo draws per case, seed {result.seed}; {pct}% intervals from "
        f"{result.replicates} bootstrap replicates over cases; log score with probabilities "
        f"clipped to [{result.epsilon}, {1 - result.epsilon}]; lower is better."
    )
    notes = [
        *result.notes,
        *(f"Skipped {f}: {r}" for f, r in result.skipped),
        *(f"Warning: {w}" for w in result.warnings),
    ]
    notes_html = (
        '<h2>Notes</h2><ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>"
        if notes
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body><main>"
        f'<h1>{esc(title)}</h1><p class="meta">{esc(settings)}</p>'
        "<h2>Scores</h2>"
        "<p>Brier score: mean of (p − outcome)²; log score: mean of −ln(probability given to "
        "what happened). The base rate is the share of outcomes that came true in the other "
        "cases; the status quo says nothing changes by the deadline.</p>"
        f"{_scores(result)}"
        "<h2>Calibration</h2>"
        f"<figure>{svg}<figcaption>Questions binned by forecast probability ({result.bins} "
        "equal bins); bars are 95% Wilson intervals of the observed frequency; the dashed "
        "diagonal is perfect calibration.</figcaption></figure>"
        f"<h2>Cases</h2>{_cases(result)}"
        f"<h2>Questions</h2>{_questions(result)}"
        f"{notes_html}"
        "<footer>Made by detente backtest. docs/track-record.md defines every number.</footer>"
        "</main></body></html>\n"
    )


def write_html(text: str, path: Path, *, overwrite: bool = False) -> Path:
    """Write the page atomically; an existing file is replaced only with ``overwrite``."""
    return write_atomic(path, text, overwrite=overwrite, make_parents=True)
