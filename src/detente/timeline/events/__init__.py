"""Readers for machine-coded event data: GDELT 1.0 and 2.0 event exports, ICEWS and ACLED.

All formats are read into one normalised event table (:data:`EVENT_COLUMNS`): date, actor and
target country codes, the CAMEO event code (a string with its leading zeros) and root, the
Goldstein value, the numbers of sources and articles, the weight used by the indices, and where
each row came from (format, file, line).  See ``docs/signals.md``; the limits applied to
hostile files are listed in ``docs/security.md``.
"""

from detente.timeline.events._reader import (
    FORMATS,
    EventData,
    detect_format,
    iter_events,
    read_events,
)
from detente.timeline.events._schema import EVENT_COLUMNS, ReadReport

__all__ = [
    "EVENT_COLUMNS",
    "FORMATS",
    "EventData",
    "ReadReport",
    "detect_format",
    "iter_events",
    "read_events",
]
