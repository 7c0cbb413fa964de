"""If talks start, on what terms: the forecasts of :func:`detente.bargaining.forecast`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.briefing.display import METHOD_NAMES, short
from detente.briefing.model import Section

if TYPE_CHECKING:
    import pandas as pd

    from detente.bargaining.engine import ForecastResult, IssueForecast
    from detente.briefing.context import Context

__all__ = ["Forecast", "build_forecast"]


@dataclass(frozen=True, kw_only=True)
class Forecast(Section):
    """The forecast table and the expected-utility charts (``trajectories``, ``quadrant``)."""

    methods: tuple[str, ...]  # column titles
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # issue label, one text per method
    text: str


def _trajectories(result: ForecastResult) -> pd.DataFrame:
    """Every actor's position and the forecast, round by round, as a share of the scale."""
    import numpy as np
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for f in result.issues:
        if f.eum is None:
            continue
        span = f.high - f.low
        eum = f.eum
        label = short(f.label, 34)  # a facet header over a narrow panel
        for t in np.arange(eum.positions.shape[0]).tolist():
            for i, name in enumerate(eum.names):
                value = float((eum.positions[t, i] - f.low) / span)
                rows.append(
                    {"issue": label, "round": t, "series": name, "kind": "actor", "value": value}
                )
            rows.append(
                {
                    "issue": label,
                    "round": t,
                    "series": "forecast (median)",
                    "kind": "median",
                    "value": float((eum.medians[t] - f.low) / span),
                }
            )
    return pd.DataFrame(rows, columns=["issue", "round", "series", "kind", "value"])


def _quadrant(ctx: Context, result: ForecastResult) -> pd.DataFrame | None:
    """Round 1's quadrants (``EUMResult.quadrant``) on the issue with the most weight."""
    import pandas as pd

    candidates = [f for f in result.issues if f.eum is not None and f.eum.rounds >= 1]
    if not candidates:
        return None
    best: IssueForecast = max(candidates, key=lambda f: float(f.weights.sum()))
    assert best.eum is not None
    names = best.eum.names
    veto = [a for a in ctx.scenario.veto_actors if a in names] or list(names[:2])
    parts = []
    for a in veto:
        q = best.eum.quadrant(a, round=1)
        q.insert(0, "viewpoint", a)
        parts.append(q)
    quad = pd.concat(parts, ignore_index=True)
    quad.attrs["issue"] = best.label
    return quad


def build_forecast(ctx: Context) -> Forecast:
    """The forecast of every issue by each method, and the expected-utility model's rounds."""
    result = ctx.forecast()
    charts: dict[str, dict[str, pd.DataFrame]] = {}
    captions: dict[str, str] = {}
    trajectories = _trajectories(result)
    if not trajectories.empty:
        charts["trajectories"] = {"trajectories": trajectories}
        captions["trajectories"] = (
            "Expected-utility model: every actor's position round by round and the forecast "
            "(weighted median), as a share of each issue's scale."
        )
    quadrant = _quadrant(ctx, result)
    if quadrant is not None:
        charts["quadrant"] = {"quadrant": quadrant}
        captions["quadrant"] = (
            "Expected-utility quadrants, round 1, on the issue with the most weight "
            f"({quadrant.attrs['issue']}): how each veto party sees every other actor."
        )
    return Forecast(
        methods=tuple(METHOD_NAMES.get(m, m) for m in result.methods),
        rows=tuple(
            (f.label, tuple(f.describe(m) if m in f.values else "" for m in result.methods))
            for f in result.issues
        ),
        text=result.explain(),
        charts=charts,
        captions=captions,
    )
