"""How is the conflict moving? Analysis as of a date, stance signals from statements and from
event-data files.

- :mod:`detente.timeline.series`: readiness at every dated change (the scenario as of a date is
  :meth:`detente.scenario.Scenario.at`).
- :mod:`detente.timeline.cameo`: stance -> CAMEO code -> Goldstein value; the cooperative and
  rejecting code sets of docs/models.md section 5.
- :mod:`detente.timeline.signals`: the negotiation-readiness index (NRI) and mean Goldstein
  score per actor and per directed pair over rolling windows.
- :mod:`detente.timeline.events`: readers for GDELT 1.0/2.0, ICEWS and ACLED files into one
  normalised event table.
"""

from detente.timeline.cameo import goldstein, stance_code
from detente.timeline.events import EventData, ReadReport, detect_format, iter_events, read_events
from detente.timeline.series import ReadinessSeries, readiness_series
from detente.timeline.signals import StanceSignals, stance_signals, statement_events

__all__ = [
    "EventData",
    "ReadReport",
    "ReadinessSeries",
    "StanceSignals",
    "detect_format",
    "goldstein",
    "iter_events",
    "read_events",
    "readiness_series",
    "stance_code",
    "stance_signals",
    "statement_events",
]
