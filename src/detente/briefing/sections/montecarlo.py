"""How sure is that: :func:`detente.uncertainty.simulate` over the ``uncertainty`` section.

The section leads with what decides the verdict: every uncertain judgment ranked by the share of
the verdict's uncertainty that knowing it would remove (mutual information,
:mod:`detente.uncertainty.decisive`), then the probabilities of each verdict and stage, then the
margin and its drivers.

Tables: ``decisive`` (that share per judgment with its bootstrap interval), ``verdicts`` (each
verdict's probability with its 95% Wilson interval), ``margin`` (the margin's empirical
quantiles, as a cumulative distribution) and ``drivers`` (Sobol' total indices of the margin,
or the tornado's swings when there are no Sobol' indices).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.briefing.display import VERDICT_LABELS, margin_text
from detente.briefing.model import Section, SectionUnavailable

if TYPE_CHECKING:
    import pandas as pd

    from detente.briefing.context import Context
    from detente.uncertainty.summary import SimulationSummary

__all__ = ["MonteCarlo", "build_montecarlo"]


@dataclass(frozen=True, kw_only=True)
class MonteCarlo(Section):
    """The simulation's summary in words and the ``montecarlo`` chart."""

    text: str


def _value(output: str, value: Any) -> str:
    """A tornado value as the rest of the briefing words it (a margin never reads '-inf')."""
    if output == "margin" and isinstance(value, float):
        if math.isnan(value):
            return "undefined"
        return margin_text(None if value == -math.inf else value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return VERDICT_LABELS.get(str(value), str(value))


def _tornado_lines(result: SimulationSummary) -> list[str]:
    t = result.tornado
    if t is None:
        return []
    lo, hi = round(100 * t.low_q), round(100 * t.high_q)
    lines = [
        f"Tornado: each judgment moved alone from its {lo}th to its {hi}th percentile, the "
        "others at their base values."
    ]
    for output in t.outputs:
        base = _value(output, t.base_outputs[output])
        moving = [b for b in t.for_output(output) if b.swing > 0][:3]
        if not moving:
            lines.append(f"- {output} (at the base values: {base}): no single judgment moves it.")
            continue
        parts = [
            f"{b.judgment} {b.low:.3g}\u2192{b.high:.3g} takes it "
            f"{_value(output, b.output_low)}\u2192{_value(output, b.output_high)}"
            for b in moving
        ]
        lines.append(f"- {output} (at the base values: {base}): {'; '.join(parts)}.")
    return lines


def _text(result: SimulationSummary) -> str:
    """The engine's summaries, with the tornado worded like the rest of the briefing."""
    kind = "Latin hypercube" if result.method == "lhs" else "independent"
    lines = [
        f"Monte Carlo over {len(result.judgments)} uncertain judgment(s), {result.n} {kind} "
        f"draws, seed {result.seed}."
    ]
    if result.decisive is not None:
        lines.append(result.decisive.explain())
    lines += [c.explain() for c in result.categorical]
    lines += [x.explain() for x in result.numeric]
    if result.sobol is not None:
        lines.append(result.sobol.explain())
    lines += _tornado_lines(result)
    lines += list(result.notes)
    return "\n".join(lines)


def _drivers(result: SimulationSummary) -> pd.DataFrame | None:
    import pandas as pd

    if result.sobol is not None and "margin" in result.sobol.outputs:
        rows = [
            {
                "judgment": r.judgment,
                "value": r.ST,
                "low": r.ST - r.ST_conf,
                "high": r.ST + r.ST_conf,
                "measure": "Sobol' total index",
            }
            for r in result.sobol.for_output("margin")
        ]
    elif result.tornado is not None and "margin" in result.tornado.outputs:
        rows = [
            {
                "judgment": b.judgment,
                "value": b.swing,
                "low": b.swing,
                "high": b.swing,
                "measure": "tornado swing of the margin",
            }
            for b in result.tornado.for_output("margin")
            if math.isfinite(b.swing)  # a swing to or from a clash has no size to draw
        ]
    else:
        return None
    return pd.DataFrame(rows, columns=["judgment", "value", "low", "high", "measure"])


def build_montecarlo(ctx: Context) -> MonteCarlo:
    """The distribution of the verdict and of the margin over the judgments' uncertainty."""
    import pandas as pd

    if not ctx.simulate:
        raise SectionUnavailable("not simulated (run with --simulate N)")
    from detente.uncertainty.simulate import simulate

    result = simulate(ctx.scenario, n=ctx.simulate, engine="readiness")
    tables: dict[str, pd.DataFrame] = {}
    for c in result.categorical:
        if c.output == "verdict":
            tables["verdicts"] = pd.DataFrame(
                [
                    {
                        "verdict": VERDICT_LABELS.get(p.category, p.category),
                        "probability": p.probability,
                        "low": p.low,
                        "high": p.high,
                    }
                    for p in c.categories
                ]
            )
    for x in result.numeric:
        if x.output == "margin":
            tables["margin"] = pd.DataFrame(
                [{"quantile": q, "margin": v} for q, v in x.quantiles],
                columns=["quantile", "margin"],
            )
    drivers = _drivers(result)
    if drivers is not None and len(drivers):
        tables["drivers"] = drivers
    decisive = result.decisive
    if decisive is not None and decisive.entropy > 1e-12 and decisive.judgments:
        tables["decisive"] = pd.DataFrame(
            [
                {
                    "judgment": j.path,
                    "share": j.share,
                    "low": min(j.low / decisive.entropy, 1.0),
                    "high": min(j.high / decisive.entropy, 1.0),
                }
                for j in decisive.judgments[:10]
            ],
            columns=["judgment", "share", "low", "high"],
        )
    if not tables:
        raise SectionUnavailable("not available: the simulation gave no verdict or margin")
    return MonteCarlo(
        text=_text(result),
        charts={"montecarlo": tables},
        captions={
            "montecarlo": "Monte Carlo: what decides the verdict (the share of its uncertainty "
            "that knowing each judgment would remove), the probability of each verdict, the "
            "distribution of the margin and what drives it."
        },
    )
