"""How far apart, and what would close the gap: shortfalls, levers, what-ifs.

Shortfalls and levers are the assessment's (:attr:`Assessment.shortfalls`,
:attr:`Assessment.levers`); the what-if table is :func:`detente.readiness.assess_what_ifs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from detente.briefing.display import VERDICT_LABELS, margin_text
from detente.briefing.model import Section, SectionUnavailable

if TYPE_CHECKING:
    from detente.briefing.context import Context
    from detente.readiness import Assessment
    from detente.readiness.levers import Lever

__all__ = [
    "LeverRow",
    "Levers",
    "Shortfalls",
    "WhatIfRow",
    "WhatIfs",
    "build_levers",
    "build_shortfalls",
    "build_what_ifs",
]

#: What the levers chart and table measure a change in.
SD_UNIT = (
    "standard deviations of the judgment's distribution (of a uniform distribution over its "
    "valid range where the scenario gives none)"
)


@dataclass(frozen=True, kw_only=True)
class Shortfalls(Section):
    """Each veto party's shortfall at the closest deal (the ``shortfalls`` chart)."""


@dataclass(frozen=True)
class LeverRow:
    """A single judgment change that would open a zone of agreement."""

    label: str
    path: str
    actor: str | None
    value_text: str
    new_value_text: str
    delta: float
    change_sd: float  # the change in standard deviations, signed (see SD_UNIT)
    change_sd_text: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Levers(Section):
    """The levers, most plausible first (the ``levers`` chart and table)."""

    levers: tuple[LeverRow, ...]
    unit: str = SD_UNIT


@dataclass(frozen=True)
class WhatIfRow:
    """One row of the what-if table."""

    name: str
    label: str
    verdict: str
    verdict_label: str
    margin: float | None
    margin_text: str
    zopa: bool
    preconditions_met: bool
    headline: str


@dataclass(frozen=True, kw_only=True)
class WhatIfs(Section):
    """The scenario and each what-if variant, assessed (the ``whatifs`` chart and table)."""

    rows: tuple[WhatIfRow, ...]


def build_shortfalls(ctx: Context) -> Shortfalls:
    """How far short of its no-deal value each veto party is at the closest deal."""
    import pandas as pd

    from detente.readiness.margin import ZOPA_TOL

    a = ctx.assessment
    if a.closest_deal is None:  # the shortfalls are NaN: there is no deal to measure them at
        raise SectionUnavailable("not available: the red lines leave no deal to compare")
    frame = pd.DataFrame(
        [
            {
                "actor": aid,
                "name": ctx.names.get(aid, aid),
                "shortfall": float(v),
                "utility": a.utilities.get(aid, math.nan),
                "reservation": a.reservation.get(aid, math.nan),
                "side": "short of no-deal value" if v > ZOPA_TOL else "better off",
            }
            for aid, v in a.shortfalls.items()
        ]
    )
    return Shortfalls(
        charts={"shortfalls": {"shortfalls": frame}},
        captions={
            "shortfalls": "How far short of its no-deal value each veto party is at the "
            "closest deal (positive: worse off than fighting on)."
        },
    )


def _lever_row(lv: Lever) -> LeverRow:
    # ``plausibility`` is the size of the change in standard deviations; the sign is the change's
    change = math.copysign(lv.plausibility, lv.delta)
    return LeverRow(
        label=lv.label or lv.path,
        path=lv.path,
        actor=lv.actor,
        value_text=f"{lv.value:.4g}",
        new_value_text=f"{lv.new_value:.4g}",
        delta=lv.delta,
        change_sd=change,
        change_sd_text=f"{change:+.2f}",
        text=lv.explain(),
    )


def build_levers(ctx: Context) -> Levers:
    """The smallest change of one judgment that opens a zone of agreement, most plausible first."""
    import pandas as pd

    a = ctx.assessment
    if a.zopa:
        raise SectionUnavailable("no levers: a zone of agreement exists")
    rows = tuple(_lever_row(lv) for lv in a.levers)
    if not rows:
        raise SectionUnavailable(
            "no single judgment within its valid range opens a zone of agreement"
        )
    frame = pd.DataFrame(
        [
            {
                "label": r.label,
                "actor": r.actor or "",
                "change_sd": r.change_sd,
                "from": r.value_text,
                "to": r.new_value_text,
            }
            for r in rows
            if math.isfinite(r.change_sd)
        ],
        columns=["label", "actor", "change_sd", "from", "to"],
    )
    return Levers(
        levers=rows,
        charts={"levers": {"levers": frame}},
        captions={
            "levers": "The smallest change of one judgment, all else fixed, that opens a zone "
            f"of agreement, in {SD_UNIT}; the most plausible (smallest) first."
        },
    )


def _what_if_row(name: str, label: str, a: Assessment) -> WhatIfRow:
    return WhatIfRow(
        name=name,
        label=label,
        verdict=a.verdict,
        verdict_label=VERDICT_LABELS.get(a.verdict, a.verdict),
        margin=a.margin,
        margin_text=margin_text(a.margin),
        zopa=a.zopa,
        preconditions_met=a.preconditions_met,
        headline=a.headline(),
    )


def build_what_ifs(ctx: Context) -> WhatIfs:
    """The scenario and each of its what-if variants, assessed by ``assess_what_ifs``."""
    import pandas as pd

    from detente.readiness import assess_what_ifs

    scenario = ctx.scenario
    if not scenario.what_ifs:
        raise SectionUnavailable("not available: the scenario has no what-ifs")
    comparison = assess_what_ifs(scenario)
    current = scenario.what_if
    if current is None:
        base = _what_if_row("(base)", "The scenario as encoded", comparison.base)
        caption = "The negotiability margin of the scenario and of each what-if variant."
    else:
        # a briefing of a what-if: the others are applied on top of it
        label = comparison.labels.get(current, current)
        base = _what_if_row(current, f"This what-if: {label}", comparison.base)
        caption = "The negotiability margin of this what-if, and of each other one on top of it."
    rows = (
        base,
        *(
            _what_if_row(name, comparison.labels[name], a)
            for name, a in comparison.variants.items()
            if name != current
        ),
    )
    frame = pd.DataFrame(
        [
            {
                "variant": w.name,
                "label": w.label,
                "verdict": w.verdict_label,
                "margin": w.margin if w.margin is not None else math.nan,
            }
            for w in rows
        ]
    )
    return WhatIfs(rows=rows, charts={"whatifs": {"whatifs": frame}}, captions={"whatifs": caption})
