"""Every limit the scenario layer puts on what it reads, in one place (listed in docs/security.md).

Scenario files may come from untrusted sources.  These bounds are checked on what is *read*
(bytes from any input, nesting while parsing, values after alias expansion, the length, nesting
and size of every rule) before the work they guard begins, so that hostile input ends in one
error line instead of a crash, a hang or exhausted memory.  They are hard limits: no option or
scenario key lifts them.  Each refusal names the limit it hit.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "MAX_DATE",
    "MAX_ENTITIES",
    "MAX_FILE_BYTES",
    "MAX_NUMBER_DIGITS",
    "MAX_RULE_DEPTH",
    "MAX_RULE_LENGTH",
    "MAX_RULE_NESTING",
    "MAX_RULE_NODES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_VALUES",
    "MIN_DATE",
    "READ_TIMEOUT",
]

# --- reading a file ---------------------------------------------------------------------------
MAX_FILE_BYTES = 10 * 2**20
"""Bytes read from a scenario file, whatever it is (a file, a pipe, a device): 10 MiB."""
READ_TIMEOUT = 10.0
"""Seconds a pipe, a FIFO or a device may take to deliver its whole content."""

# --- YAML -------------------------------------------------------------------------------------
MAX_YAML_DEPTH = 50
"""Deepest nesting of mappings and lists, checked on the parser's events before composing."""
MAX_YAML_VALUES = 2_000_000
"""Values in a document once aliases are expanded (an alias "bomb" is refused)."""
MAX_NUMBER_DIGITS = 400
"""Longest number literal read (in a value or a rule): a float holds at most about 1.8e308."""

# --- the scenario -----------------------------------------------------------------------------
MAX_ENTITIES = 10_000
"""Actors, and issues, in one scenario (each)."""
MIN_DATE = dt.date(1678, 1, 1)
"""Earliest date of a statement, a timeline entry or ``as_of`` (the range of the time-series
engines, whose timestamps are 64-bit nanoseconds: 1677-09-21 to 2262-04-11)."""
MAX_DATE = dt.date(2261, 12, 31)
"""Latest date of a statement, a timeline entry or ``as_of``."""

# --- the expression language (red lines, preconditions) and the preference language -----------
MAX_RULE_LENGTH = 10_000
"""Characters in one rule or preference statement."""
MAX_RULE_NESTING = 50
"""Parentheses inside each other, and prefix operators (``not``, ``-``) in a row."""
MAX_RULE_DEPTH = 200
"""Levels of the parsed tree (a sum ``a + b + ...`` of n terms is n levels deep)."""
MAX_RULE_NODES = 2_000
"""Terms in one rule or statement (names, numbers, operators)."""
