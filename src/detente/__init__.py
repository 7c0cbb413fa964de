"""detente: can a multi-party conflict be negotiated, when, and on what terms?

The public surface is small:

- :func:`load` reads and validates a scenario file into a :class:`~detente.scenario.Scenario`;
- :func:`assess` answers "can talks start?" (verdict, margin, closest deal, clashes, levers);
- :func:`forecast` answers "on what terms?" (baselines and the expected-utility model);
- :func:`stability` runs the graph model (GMCR) of the strategic situation;
- :func:`simulate` runs Monte Carlo and sensitivity over the uncertain judgments;
- :func:`report` writes the HTML briefing.

Each name is imported on first use (PEP 562), so that ``import detente`` and the command line
start without loading the engines, pandas or SciPy.  The subpackages are nouns
(:mod:`detente.scenario`, :mod:`detente.readiness`, :mod:`detente.bargaining`,
:mod:`detente.graph`, :mod:`detente.timeline`, :mod:`detente.uncertainty`,
:mod:`detente.briefing`); the functions above are verbs, so no name is both.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from detente.bargaining import forecast
    from detente.briefing import report
    from detente.graph import stability
    from detente.readiness import assess
    from detente.scenario import Scenario, load, loads
    from detente.uncertainty import simulate

#: Public name -> the module that defines it.
_LAZY = {
    "Scenario": "detente.scenario",
    "load": "detente.scenario",
    "loads": "detente.scenario",
    "assess": "detente.readiness",
    "forecast": "detente.bargaining",
    "stability": "detente.graph",
    "simulate": "detente.uncertainty",
    "report": "detente.briefing",
}

__all__ = [
    "Scenario",
    "__version__",
    "assess",
    "forecast",
    "load",
    "loads",
    "report",
    "simulate",
    "stability",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
