"""The scenario as the article reads it, for ``detente show``: presentation only, no analysis.

Every line is plain text (never Rich markup: ``[/bold]`` in a title prints as written) with its
control characters escaped; a line break inside a field continues on an indented line, so that
no field can start a line of its own (a forged ``detente: error:``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group
from rich.text import Text

from detente.errors import printable
from detente.scenario.model import Actor, Scenario

__all__ = ["Document", "describe_scenario", "summary_line"]


@dataclass
class Document:
    """Lines with an indent level and a style, printable as plain text or with Rich."""

    lines: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, text: str, *, indent: int = 0, style: str = "") -> None:
        first, *rest = printable(text, keep_lines=True).split("\n")
        self.lines.append((indent, first, style))
        self.lines.extend((indent + 1, line, style) for line in rest)

    def to_text(self) -> str:
        return "".join("  " * indent + text + "\n" for indent, text, _ in self.lines)

    def to_rich(self) -> Group:
        return Group(
            *(Text("  " * indent + text, style=style) for indent, text, style in self.lines)
        )


def _cite(source: str | None) -> str:
    return f"  [{source}]" if source else ""


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def summary_line(scenario: Scenario) -> str:
    """One line: what the file holds (for ``detente check``)."""
    parts = []
    if scenario.actors:
        parts.append(
            f"{_plural(len(scenario.actors), 'actor')} ({len(scenario.veto_actors)} with a veto)"
        )
    parts += [
        _plural(len(scenario.issues), "issue"),
        _plural(len(scenario.facts), "fact"),
        _plural(len(scenario.statements), "statement"),
        _plural(len(scenario.timeline), "timeline entry", "timeline entries"),
        _plural(len(scenario.what_ifs), "what-if"),
        _plural(len(scenario.uncertainty), "uncertain judgment"),
    ]
    if scenario.strategy is not None:
        dms = scenario.strategy.decision_makers
        n_options = sum(len(dm.options) for dm in dms.values())
        parts.append(f"strategy: {_plural(len(dms), 'decision maker')}, {n_options} options")
    return ", ".join(parts)


def _value(scenario: Scenario, issue: str, value: float | str) -> str:
    return scenario.issues[issue].describe(value) if issue in scenario.issues else str(value)


def _actor(doc: Document, scenario: Scenario, a: str, actor: Actor) -> None:
    veto = ", veto" if actor.veto else ""
    supports = f"; supports {', '.join(actor.supports)}" if actor.supports else ""
    doc.add("")
    doc.add(
        f"{a}: {actor.name} ({actor.role}{veto}; capability {actor.capability:g}{supports})",
        style="bold",
    )
    if actor.considerations:
        doc.add("Considerations", indent=1, style="underline")
        for c in actor.considerations:
            doc.add(f"- {c.text}{_cite(c.source)}", indent=2)
            if c.quote:
                doc.add(f'"{c.quote}"', indent=3, style="italic")
    if actor.positions:
        doc.add("Positions (salience)", indent=1, style="underline")
        width = max(len(k) for k in actor.positions)
        for k, v in actor.positions.items():
            doc.add(f"{k:<{width}}  {_value(scenario, k, v)}  ({actor.salience[k]:g})", indent=2)
    if actor.red_lines:
        doc.add("Red lines", indent=1, style="underline")
        for r in actor.red_lines:
            label = f"{r.label}: " if r.label else ""
            extra = [f"threshold {r.threshold:g}"] if r.threshold is not None else []
            if r.probability is not None:
                extra.append(f"a real red line with probability {r.probability:g}")
            if not r.active:
                extra.append("inactive")
            more = f" ({'; '.join(extra)})" if extra else ""
            doc.add(f"- {label}{r.rule}{more}{_cite(r.source)}", indent=2)
    if actor.preconditions:
        signing = any(p.for_ == "agreement" for p in actor.preconditions)
        title = "Preconditions for talks and for signing" if signing else "Preconditions for talks"
        doc.add(title, indent=1, style="underline")
        for p in actor.preconditions:
            label = f"{p.label}: " if p.label else ""
            step = " (for signing)" if signing and p.for_ == "agreement" else ""
            doc.add(f"- {label}{p.requires}{step}{_cite(p.source)}", indent=2)
    if actor.no_deal is not None:
        nd = actor.no_deal
        horizon = f" ({nd.horizon})" if nd.horizon else ""
        doc.add(f"If fighting goes on{horizon}", indent=1, style="underline")
        expects = ", ".join(f"{k} {_value(scenario, k, v)}" for k, v in nd.outcome.items())
        doc.add(
            f"expects {expects or 'the status quo'}; cost {nd.cost:g}{_cite(nd.source)}", indent=2
        )
        if nd.note:
            doc.add(nd.note, indent=2)


def describe_scenario(scenario: Scenario) -> Document:
    """The scenario laid out as the source article reads: issues, actors, facts, signals."""
    doc = Document()
    as_of = f", as of {scenario.as_of.isoformat()}" if scenario.as_of else ""
    doc.add(f"{scenario.title} ({scenario.id}{as_of})", style="bold")
    if scenario.question:
        doc.add(f"Question: {scenario.question}")
    if scenario.issues:
        doc.add("")
        doc.add("Issues", style="bold")
        width = max(len(k) for k in scenario.issues)
        for k, issue in scenario.issues.items():
            if issue.options is not None:
                space = "options: " + " < ".join(issue.options)
            else:
                unit = f" {issue.unit}" if issue.unit else ""
                space = f"scale [{issue.low:g}, {issue.high:g}]{unit}"
            sq = issue.describe(issue.status_quo)
            doc.add(f"{k:<{width}}  {issue.label}; {space}; status quo {sq}", indent=1)
    for a, actor in scenario.actors.items():
        _actor(doc, scenario, a, actor)
    if scenario.facts:
        doc.add("")
        doc.add("Facts", style="bold")
        for f, fact in scenario.facts.items():
            label = f" ({fact.label})" if fact.label else ""
            doc.add(
                f"{f}: {'true' if fact.value else 'false'}{label}{_cite(fact.source)}", indent=1
            )
    if scenario.statements:
        doc.add("")
        doc.add("Statements", style="bold")
        for st in scenario.statements:
            who = st.actor + (f" -> {st.target}" if st.target else "")
            speaker = f" {st.speaker}" if st.speaker else ""
            doc.add(
                f"{st.date.isoformat()} {who}{speaker} ({st.stance}){_cite(st.source)}", indent=1
            )
            if st.quote:
                doc.add(f'"{st.quote}"', indent=2, style="italic")
    if scenario.timeline:
        doc.add("")
        doc.add("Timeline", style="bold")
        for entry in scenario.timeline:
            changes = ", ".join(f"{k} = {v}" for k, v in entry.set.items())
            note = f" ({entry.note})" if entry.note else ""
            doc.add(f"{entry.date.isoformat()} {changes}{note}{_cite(entry.source)}", indent=1)
    if scenario.what_ifs:
        doc.add("")
        doc.add("What-ifs", style="bold")
        for name, variant in scenario.what_ifs.items():
            changes = ", ".join(f"{k} = {v}" for k, v in variant.set.items())
            doc.add(f"{name}: {variant.label} ({changes})", indent=1)
    if scenario.sources:
        doc.add("")
        doc.add("Sources", style="bold")
        for s, src in scenario.sources.items():
            bits = [
                b
                for b in (
                    src.publisher,
                    src.author,
                    f'"{src.title}"',
                    src.date.isoformat() if src.date else None,
                    src.url,
                )
                if b
            ]
            doc.add(f"[{s}] " + ", ".join(bits), indent=1)
    return doc
