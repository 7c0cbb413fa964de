"""Display strings: how the briefing words and rounds the engines' results.

Only formatting lives here; every number comes from an engine.  The margin is worded with the
engine's own tolerance (:data:`detente.readiness.margin.ZOPA_TOL`), so "margin" and "gap" agree
with the verdict.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.scenario.model import Issue

__all__ = [
    "METHOD_NAMES",
    "NASH_IN_ZOPA",
    "VERDICT_LABELS",
    "after_verdict",
    "as_number",
    "issue_value",
    "margin_text",
    "quoted",
    "short",
]

#: Forecast methods of :func:`detente.bargaining.forecast`, as column titles.  The bargaining
#: engine's ``nash`` forecasts each issue on its own from the positions; it is not the Nash
#: solution over the ZOPA (:data:`NASH_IN_ZOPA`), so the two never share a name.
METHOD_NAMES = {
    "mean": "weighted mean",
    "median": "weighted median",
    "nash": "Nash (issue by issue)",
    "eum": "expected utility",
}
#: The readiness engine's symmetric Nash bargaining solution inside the ZOPA (no-deal values as
#: the disagreement point).
NASH_IN_ZOPA = "Nash solution in the ZOPA"

VERDICT_LABELS = {
    "ripe": "Ripe",
    "blocked": "Blocked",
    "premature": "Premature",
    "not_ripe": "Not ripe",
}

_OPENING = frozenset('\u201c"\u2018\u00ab\u201e')


def margin_text(margin: float | None) -> str:
    """``margin +0.013``, ``gap 0.019``, or why there is no margin."""
    from detente.readiness.margin import ZOPA_TOL

    if margin is None:
        return "red lines clash"
    if math.isinf(margin) and margin > 0:
        return "no veto party constrains the deal"
    if margin >= -ZOPA_TOL:
        return f"margin {max(margin, 0.0):+.3f}"  # within the tolerance a ZOPA is a ZOPA
    return f"gap {-margin:.3f}"


def issue_value(issue: Issue, value: float | str) -> str:
    """A value of an issue as an analyst reads it (option name, or number with unit)."""
    if isinstance(value, str):
        return value
    # solver output: no "-0" and no 1e-12 residues in a briefing
    value = round(float(value), 9) + 0.0
    if issue.options is not None:
        return issue.options[min(max(round(value), 0), issue.n_options - 1)]
    if abs(value) < 1e-4 * issue.range:
        value = 0.0  # a strict bound's offset or solver noise, as the engine words it too
    return issue.describe(value)


def as_number(issue: Issue, value: float | str) -> float:
    """Where a value sits on the issue's axis (options at their rank)."""
    if isinstance(value, str):
        return float(issue.rank(value)) if issue.options and value in issue.options else math.nan
    return float(value)


def after_verdict(headline: str, label: str) -> str:
    """The headline without the verdict it opens with ("Blocked: a deal ..." -> "a deal ..."),
    for views that show the verdict beside it; the whole headline when it does not."""
    prefix = f"{label}: "
    return headline[len(prefix) :] if headline.startswith(prefix) else headline


def short(text: str, n: int) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def quoted(text: str) -> str:
    """A quote in quotation marks, unless the file already put it in some (a passage such as
    “…,” says X. “…” carries its own)."""
    text = text.strip()
    if text[:1] in _OPENING:
        return text
    return f"\u201c{text}\u201d"
