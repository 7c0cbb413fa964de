"""The track record: detente's probabilities scored against what happened (docs/track-record.md).

- :func:`forecast_questions` -- detente's probability for each ``questions`` entry of a
  scenario, from the readiness Monte Carlo (the "Track record" section of a briefing);
- :func:`backtest` -- forecast and score every resolved question of a corpus beside two
  baselines (the leave-one-case-out base rate, the status quo), with bootstrap intervals and a
  reliability diagram (:func:`render_html`);
- :func:`seal` / :func:`grade` -- an append-only, hash-chained ledger of forecasts made today,
  scored when their outcomes are known;
- :mod:`detente.record.scoring` -- Brier and log scores, baselines, bootstrap, calibration bins;
- :mod:`detente.record.ledger` -- the record format: canonical JSON, hashes, verification.

This package sits above :mod:`detente.uncertainty` and :mod:`detente.readiness` and below the
faces (command line, briefing, web); nothing here imports them.

>>> from detente.record import forecast_questions
>>> forecast_questions(detente.load("scenarios/history/cyprus-2004.yaml")).explain()
... # doctest: +SKIP
"""

from __future__ import annotations

from detente.record.backtest import (
    Backtest,
    CaseScore,
    ForecasterScore,
    ScoredQuestion,
    backtest,
    scenario_files,
    score_forecasts,
)
from detente.record.grading import Grade, GradedForecast, Outcome, grade, read_outcomes
from detente.record.ledger import (
    LedgerEntry,
    append_records,
    canonical_json,
    chain_record,
    read_ledger,
    record_hash,
)
from detente.record.probabilities import (
    DEFAULT_DRAWS,
    QuestionForecast,
    QuestionForecasts,
    forecast_questions,
)
from detente.record.report import render_html
from detente.record.scoring import EPSILON, Interval
from detente.record.sealing import DEFAULT_LEDGER, Sealed, forecast_record, seal

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_LEDGER",
    "EPSILON",
    "Backtest",
    "CaseScore",
    "ForecasterScore",
    "Grade",
    "GradedForecast",
    "Interval",
    "LedgerEntry",
    "Outcome",
    "QuestionForecast",
    "QuestionForecasts",
    "ScoredQuestion",
    "Sealed",
    "append_records",
    "backtest",
    "canonical_json",
    "chain_record",
    "forecast_questions",
    "forecast_record",
    "grade",
    "read_ledger",
    "read_outcomes",
    "record_hash",
    "render_html",
    "scenario_files",
    "score_forecasts",
    "seal",
]
