"""What-ifs side by side: the base assessment and each variant's (docs/models.md §2)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.readiness.assessment import Assessment, assess
from detente.readiness.solver import Budget

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario import Scenario

__all__ = ["WhatIfComparison", "assess_what_ifs"]


@dataclass(frozen=True)
class WhatIfComparison:
    """The base assessment and every what-if variant's, side by side."""

    base: Assessment
    variants: dict[str, Assessment]
    labels: dict[str, str]

    def explain(self) -> str:
        lines = [f"Base: {self.base.headline()}"]
        for name, a in self.variants.items():
            lines.append(f"What if {self.labels[name]} ({name}): {a.headline()}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base.to_dict(),
            "variants": {
                n: {"label": self.labels[n], **a.to_dict()} for n, a in self.variants.items()
            },
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = [{"variant": "(base)", "label": "", **_row(self.base)}]
        rows += [
            {"variant": n, "label": self.labels[n], **_row(a)} for n, a in self.variants.items()
        ]
        return pd.DataFrame(rows).set_index("variant")


def _row(a: Assessment) -> dict[str, Any]:
    return {
        "verdict": a.verdict,
        "margin": a.margin if a.margin is not None else math.nan,
        "preconditions_met": a.preconditions_met,
        "clashes": len(a.clashes),
    }


def assess_what_ifs(scenario: Scenario, *, budget: Budget | None = None) -> WhatIfComparison:
    """The full assessment of the scenario and of each of its ``what_ifs`` variants.

    For the comparison as of a date, pass ``scenario.at(date)``.  ``budget`` applies to each
    assessment (see :func:`assess`).
    """
    base = assess(scenario, budget=budget)
    variants = {name: assess(scenario.variant(name), budget=budget) for name in scenario.what_ifs}
    labels = {name: w.label for name, w in scenario.what_ifs.items()}
    return WhatIfComparison(base, variants, labels)
