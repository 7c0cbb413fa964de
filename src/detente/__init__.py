"""detente: can a multi-party conflict be negotiated, when, and on what terms?

The public surface is small:

- :func:`load` reads and validates a scenario file into a :class:`~detente.scenario.Scenario`;
- :func:`assess` answers "can talks start?" (verdict, margin, closest deal, clashes, levers);
- :func:`forecast` answers "on what terms?" (baselines and the expected-utility model);
- :func:`stability` runs the graph model (GMCR) of the strategic situation;
- :func:`simulate` runs Monte Carlo and sensitivity over the uncertain judgments;
- :func:`report` writes the HTML briefing.

"""

from __future__ import annotations

__version__ = "0.1.0"

# Eager on purpose: a subpackage import (``import detente.forecast``) binds the package's
# attribute to the submodule, so lazily resolved functions of the same name would be shadowed.
from detente.forecast import forecast
from detente.graph import stability
from detente.readiness import assess
from detente.report import report
from detente.scenario import Scenario, load, loads
from detente.uncertainty import simulate

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
