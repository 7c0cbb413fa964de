"""How is the conflict moving? Analysis as of a date, stance signals from statements and from
event-data files.

- :mod:`detente.timeline.asof`: the scenario as of a date and readiness at every dated change.
- :mod:`detente.timeline.cameo`: stance -> CAMEO code -> Goldstein value; the cooperative and
  rejecting code sets of MODELS.md section 5.
- :mod:`detente.timeline.signals`: the negotiation-readiness index (NRI) and mean Goldstein
  score per actor and per directed pair over rolling windows.
- :mod:`detente.timeline.events`: readers for GDELT 1.0/2.0, ICEWS and ACLED files into one
  normalised event table.
"""

from detente.timeline.asof import (
    ReadinessPoint,
    ReadinessSeries,
    as_of,
    change_dates,
    readiness_series,
)
from detente.timeline.cameo import (
    COOPERATIVE_CODES,
    GOLDSTEIN,
    REJECTING_CODES,
    STANCE_CODES,
    goldstein,
    stance_code,
)
from detente.timeline.events import (
    EVENT_COLUMNS,
    EventData,
    ReadReport,
    detect_format,
    iter_events,
    read_events,
)
from detente.timeline.signals import (
    SignalsReport,
    StanceSignals,
    StatementLike,
    stance_signals,
    statement_events,
)

__all__ = [
    "COOPERATIVE_CODES",
    "EVENT_COLUMNS",
    "GOLDSTEIN",
    "REJECTING_CODES",
    "STANCE_CODES",
    "EventData",
    "ReadReport",
    "ReadinessPoint",
    "ReadinessSeries",
    "SignalsReport",
    "StanceSignals",
    "StatementLike",
    "as_of",
    "change_dates",
    "detect_format",
    "goldstein",
    "iter_events",
    "read_events",
    "readiness_series",
    "stance_code",
    "stance_signals",
    "statement_events",
]
