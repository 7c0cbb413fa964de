"""detente: can a multi-party conflict be negotiated, when, and on what terms?

The public surface is small:

- :func:`load` reads and validates a scenario file into a :class:`~detente.scenario.Scenario`;
- :func:`assess` answers "can talks start?" (verdict, margin, closest deal, clashes, levers);
- :func:`forecast` answers "on what terms?" (baselines and the expected-utility model);
- :func:`stability` runs the graph model (GMCR) of the strategic situation;
- :func:`simulate` runs Monte Carlo and sensitivity over the uncertain judgments;
- :func:`report` writes the HTML briefing.

Submodules are imported lazily so that ``import detente`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load": "detente.scenario",
    "loads": "detente.scenario",
    "Scenario": "detente.scenario",
    "assess": "detente.readiness",
    "forecast": "detente.forecast",
    "stability": "detente.graph",
    "simulate": "detente.uncertainty",
    "report": "detente.report",
}

__all__ = ["__version__", *sorted(_LAZY)]

if TYPE_CHECKING:  # pragma: no cover
    from detente.scenario import Scenario as Scenario
    from detente.scenario import load as load
    from detente.scenario import loads as loads


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
