"""Scenario files: the typed model, the loader, paths to judgments, the expression language.

>>> import detente
>>> scenario = detente.load("scenarios/russia-ukraine-2022-12.yaml")  # doctest: +SKIP
>>> variant = scenario.with_changes({"actors.UKR.no_deal.cost": 0.2})  # doctest: +SKIP
"""

from detente.scenario.dump import dump
from detente.scenario.loader import load, loads
from detente.scenario.model import (
    Actor,
    Consideration,
    Fact,
    Issue,
    NoDeal,
    Precondition,
    RedLine,
    Scenario,
    Source,
    Statement,
    TimelineEntry,
    WhatIf,
)
from detente.scenario.paths import Judgment, judgment_paths, resolve

__all__ = [
    "Actor",
    "Consideration",
    "Fact",
    "Issue",
    "Judgment",
    "NoDeal",
    "Precondition",
    "RedLine",
    "Scenario",
    "Source",
    "Statement",
    "TimelineEntry",
    "WhatIf",
    "dump",
    "judgment_paths",
    "load",
    "loads",
    "resolve",
]
