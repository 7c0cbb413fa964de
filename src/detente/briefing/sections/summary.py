"""The sections every briefing has: the verdict and why, the actor cards, the sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from detente.briefing.display import (
    NASH_IN_ZOPA,
    VERDICT_LABELS,
    after_verdict,
    issue_value,
    margin_text,
    quoted,
)
from detente.briefing.model import Section
from detente.readiness.verdict import STAGE_TEXT

if TYPE_CHECKING:
    from detente.briefing.context import Context
    from detente.scenario.model import Actor, RedLine

__all__ = [
    "ActorCard",
    "Actors",
    "Cited",
    "SourceRef",
    "Sources",
    "Summary",
    "build_actors",
    "build_sources",
    "build_summary",
]


@dataclass(frozen=True, kw_only=True)
class Summary(Section):
    """The verdict and its reasons (``readiness.assess``)."""

    verdict: str
    verdict_label: str
    headline: str
    reason: str  # the headline after its verdict, for views that show the verdict beside it
    margin: float | None
    margin_text: str
    zopa: bool
    explanation: str
    closest_deal_title: str
    closest_deal: tuple[tuple[str, str], ...]  # (issue label, value)
    nash_title: str
    nash: tuple[tuple[str, str], ...]
    unmet_preconditions: tuple[str, ...]
    clashes: tuple[str, ...]
    fact_levers: tuple[str, ...]
    ripeness: tuple[str, ...]
    #: how far the conflict can go now (none, talks, deal, signature) and what that means
    stage: str = "none"
    stage_text: str = ""
    #: the three questions of the stage, each answered with its reasons
    stages: tuple[str, ...] = ()
    unmet_agreement_preconditions: tuple[str, ...] = ()
    #: where the margin comes from: each veto party's surplus by issue, and the relative margin
    margin_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cited:
    """One sourced statement of an actor card (a consideration, a red line, ...)."""

    text: str
    source: str | None = None
    quote: str | None = None  # in quotation marks, as shown
    detail: str | None = None  # the rule or condition, as written in the file
    status: str | None = None  # "met" / "not met" for preconditions
    note: str | None = None  # the analyst's note (not a quote)


@dataclass(frozen=True)
class ActorCard:
    """What the briefing says about one actor."""

    id: str
    name: str
    role: str
    veto: bool
    capability: float
    capability_text: str
    supports: tuple[str, ...]
    considerations: tuple[Cited, ...]
    preconditions: tuple[Cited, ...]
    red_lines: tuple[Cited, ...]
    no_deal: Cited | None
    utility_text: str | None  # "Utility at the closest deal 0.278; no-deal value 0.297."


@dataclass(frozen=True, kw_only=True)
class Actors(Section):
    """One card per actor."""

    cards: tuple[ActorCard, ...]


@dataclass(frozen=True)
class SourceRef:
    """A source as listed at the end of the briefing."""

    id: str
    title: str
    publisher: str | None
    author: str | None
    date: str | None
    url: str | None
    note: str | None


@dataclass(frozen=True, kw_only=True)
class Sources(Section):
    """Every source of the scenario."""

    sources: tuple[SourceRef, ...]


def _deal(ctx: Context, deal: dict[str, float | str] | None) -> tuple[tuple[str, str], ...]:
    issues = ctx.scenario.issues
    return tuple((issues[k].label, issue_value(issues[k], v)) for k, v in (deal or {}).items())


def build_summary(ctx: Context) -> Summary:
    """The verdict, margin, closest deal, Nash solution, clashes, preconditions, ripeness."""
    a = ctx.assessment
    names = ctx.names
    ripeness = tuple(
        f"{names.get(z.actor, z.actor)}: expected gain from fighting on {z.stalemate:+.3f}"
        f" ({'stalemated' if z.stalemated else 'not stalemated'}), cost {z.hurt:.3f}"
        f" ({'hurting' if z.hurting else 'not hurting'})"
        for z in a.zartman
    )
    mhs = "A" if a.mutually_hurting_stalemate else "No"
    stages = tuple(
        f"{answer.question} {'Yes' if answer.answer else 'No'}"
        + (f": {' '.join(answer.reasons)}" if answer.reasons else ".")
        for answer in a.stages.values()
    )
    sources = a.margin_sources
    decomposition: tuple[str, ...] = ()
    if sources is not None:
        decomposition = tuple(p.explain() for p in sources.parties)
        if sources.relative_margin is not None:
            decomposition += (
                f"Relative margin {sources.relative_margin:+.1%} (the smallest surplus as a "
                "share of that party's stake: its utility range over the outcomes every veto "
                "party's red lines allow).",
            )
    return Summary(
        verdict=a.verdict,
        verdict_label=VERDICT_LABELS.get(a.verdict, a.verdict),
        headline=a.headline(),
        reason=after_verdict(a.headline(), VERDICT_LABELS.get(a.verdict, a.verdict)),
        margin=a.margin,
        margin_text=margin_text(a.margin),
        zopa=a.zopa,
        explanation=a.explain(),
        closest_deal_title=(
            "The closest (most even) deal" if a.zopa else "Terms of the closest deal"
        ),
        closest_deal=_deal(ctx, a.closest_deal),
        nash_title=f"{NASH_IN_ZOPA} (no-deal values as the disagreement point)",
        nash=_deal(ctx, a.terms.nash) if a.terms is not None else (),
        unmet_preconditions=tuple(p.explain() for p in a.preconditions),
        clashes=tuple(c.explain() for c in a.clashes),
        fact_levers=tuple(f.explain() for f in a.fact_levers if f.changes),
        ripeness=(*ripeness, f"{mhs} mutually hurting stalemate."),
        stage=a.stage,
        stage_text=STAGE_TEXT[a.stage],
        stages=stages,
        unmet_agreement_preconditions=tuple(p.explain() for p in a.agreement_preconditions),
        margin_sources=decomposition,
    )


def _no_deal(ctx: Context, actor: Actor) -> Cited | None:
    nd = actor.no_deal
    if nd is None:
        return None
    issues = ctx.scenario.issues
    parts = [
        f"{issues[k].label}: {issue_value(issues[k], v)}"
        for k, v in nd.outcome.items()
        if k in issues
    ]
    expects = "; ".join(parts) if parts else "the status quo on every issue"
    horizon = f" (horizon: {nd.horizon})" if nd.horizon else ""
    return Cited(
        text=f"Expects {expects}{horizon}. Cost of fighting on: {nd.cost:.2f}.",
        source=nd.source,
        note=nd.note,
    )


def _card(ctx: Context, aid: str, actor: Actor, unmet: set[tuple[str, str, str]]) -> ActorCard:
    a = ctx.assessment
    util: str | None = None
    if aid in a.reservation:
        r = a.reservation[aid]
        util = (
            f"Utility at the closest deal {a.utilities[aid]:.3f}; no-deal value {r:.3f}."
            if aid in a.utilities
            else f"No-deal value {r:.3f}."
        )
    return ActorCard(
        id=aid,
        name=actor.name,
        role=actor.role,
        veto=actor.veto,
        capability=actor.capability,
        capability_text=f"{actor.capability:g}",
        supports=tuple(ctx.names.get(s, s) for s in actor.supports),
        considerations=tuple(
            Cited(text=c.text, source=c.source, quote=quoted(c.quote) if c.quote else None)
            for c in actor.considerations
        ),
        preconditions=tuple(
            Cited(
                text=p.label or p.requires,
                source=p.source,
                quote=quoted(p.quote) if p.quote else None,
                detail=p.requires if p.for_ == "talks" else f"{p.requires} (for signing)",
                status="not met" if (aid, p.requires, p.for_) in unmet else "met",
            )
            for p in actor.preconditions
        ),
        red_lines=tuple(
            Cited(
                text=r.label or r.rule,
                source=r.source,
                quote=quoted(r.quote) if r.quote else None,
                detail=_red_line_detail(r),
            )
            for r in actor.red_lines
        ),
        no_deal=_no_deal(ctx, actor),
        utility_text=util,
    )


def _red_line_detail(r: RedLine) -> str:
    """The rule as written, with its named threshold, its probability and whether it holds."""
    extra = []
    if r.threshold is not None:
        extra.append(f"threshold {r.threshold:g}")
    if r.probability is not None:
        extra.append(f"a real red line with probability {r.probability:g}")
    if not r.active:
        extra.append("inactive")
    return r.rule + (f" ({'; '.join(extra)})" if extra else "")


def build_actors(ctx: Context) -> Actors:
    """One card per actor: role, capability, preconditions (met or not), red lines, no-deal."""
    a = ctx.assessment
    unmet = {(p.actor, p.requires, p.for_) for p in (*a.preconditions, *a.agreement_preconditions)}
    return Actors(
        cards=tuple(_card(ctx, aid, actor, unmet) for aid, actor in ctx.scenario.actors.items())
    )


def build_sources(ctx: Context) -> Sources:
    """The scenario's sources, in file order."""
    return Sources(
        sources=tuple(
            SourceRef(
                id=sid,
                title=s.title,
                publisher=s.publisher,
                author=s.author,
                date=s.date.isoformat() if s.date else None,
                url=s.url,
                note=s.note,
            )
            for sid, s in ctx.scenario.sources.items()
        )
    )
