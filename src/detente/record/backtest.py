"""Backtests: detente's probabilities on conflicts whose outcome is known, scored against history.

:func:`backtest` forecasts every resolved question of every scenario it is given
(:func:`detente.record.forecast_questions`), then :func:`score_forecasts` scores them beside two
baselines measured on the same questions (:mod:`detente.record.scoring`): the leave-one-case-out
base rate and the status quo.  Per case and overall, with case-resampling bootstrap intervals,
the paired differences between detente and each baseline, and calibration bins.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente._results import jsonable
from detente.errors import Diagnostic, InputError, ScenarioError, ScenarioWarning
from detente.record.probabilities import DEFAULT_DRAWS, QuestionForecasts, forecast_questions
from detente.record.scoring import (
    EPSILON,
    Interval,
    ReliabilityBin,
    base_rates,
    bootstrap_means,
    brier_scores,
    log_scores,
    reliability_bins,
    status_quo,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BASELINES",
    "FORECASTERS",
    "Backtest",
    "CaseScore",
    "ForecasterScore",
    "ScoredQuestion",
    "backtest",
    "scenario_files",
    "score_forecasts",
]

FORECASTERS = ("detente", "base_rate", "status_quo")
BASELINES = FORECASTERS[1:]
LABELS = {"detente": "detente", "base_rate": "base rate", "status_quo": "status quo"}


@dataclass(frozen=True)
class ScoredQuestion:
    """One resolved question: every forecaster's probability and scores."""

    case: str
    question: str
    text: str
    measure: str
    deadline: dt.date
    outcome: bool
    resolved: dt.date | None
    probability: dict[str, float]
    brier: dict[str, float]
    log_score: dict[str, float]
    interval: tuple[float, float]  # detente's Monte Carlo interval
    draws: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "question": self.question,
            "text": self.text,
            "measure": self.measure,
            "deadline": self.deadline.isoformat(),
            "outcome": self.outcome,
            "resolved": None if self.resolved is None else self.resolved.isoformat(),
            "probability": jsonable(self.probability),
            "brier": jsonable(self.brier),
            "log_score": jsonable(self.log_score),
            "interval": jsonable(self.interval),
            "draws": self.draws,
        }


@dataclass(frozen=True)
class CaseScore:
    """Mean scores of each forecaster over one case's resolved questions, and the warnings of
    the case's file (:mod:`detente.readiness.warnings`)."""

    case: str
    title: str
    file: str | None
    as_of: dt.date
    questions: int
    brier: dict[str, float]
    log_score: dict[str, float]
    warnings: tuple[ScenarioWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "title": self.title,
            "file": self.file,
            "as_of": self.as_of.isoformat(),
            "questions": self.questions,
            "brier": jsonable(self.brier),
            "log_score": jsonable(self.log_score),
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class ForecasterScore:
    """A forecaster's (or a difference's) mean Brier and log scores with bootstrap intervals."""

    forecaster: str
    brier: Interval
    log_score: Interval

    def to_dict(self) -> dict[str, Any]:
        return {
            "forecaster": self.forecaster,
            "brier": self.brier.to_dict(),
            "log_score": self.log_score.to_dict(),
        }


@dataclass(frozen=True)
class Backtest:
    """A track record on resolved questions (docs/track-record.md).

    Attributes
    ----------
    questions : tuple of ScoredQuestion
    cases : tuple of CaseScore
    overall : tuple of ForecasterScore
        detente, the base rate and the status quo, over all questions.
    differences : tuple of ForecasterScore
        detente minus each baseline (negative: detente scores better), paired bootstrap.
    reliability : tuple of ReliabilityBin
    skipped : tuple of (file, reason)
        Scenarios without resolved questions.
    draws, seed, replicates, level, epsilon, bins
        The settings behind every number.
    notes : tuple of str
    warnings : tuple of ScenarioWarning
        The warnings of every file, scored or skipped, in the order of the files (each case
        also holds its own).
    """

    questions: tuple[ScoredQuestion, ...]
    cases: tuple[CaseScore, ...]
    overall: tuple[ForecasterScore, ...]
    differences: tuple[ForecasterScore, ...]
    reliability: tuple[ReliabilityBin, ...]
    skipped: tuple[tuple[str, str], ...]
    draws: int
    seed: int
    replicates: int
    level: float
    epsilon: float
    bins: int
    notes: tuple[str, ...] = ()
    warnings: tuple[ScenarioWarning, ...] = ()

    def score(self, forecaster: str) -> ForecasterScore:
        """The overall score of ``detente``, ``base_rate`` or ``status_quo``."""
        for s in self.overall:
            if s.forecaster == forecaster:
                return s
        raise KeyError(f"no forecaster '{forecaster}'; known: {', '.join(FORECASTERS)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": {
                "draws": self.draws,
                "seed": self.seed,
                "bootstrap_replicates": self.replicates,
                "level": self.level,
                "epsilon": self.epsilon,
                "bins": self.bins,
                "resampled": "cases",
            },
            "overall": [s.to_dict() for s in self.overall],
            "differences": [s.to_dict() for s in self.differences],
            "cases": [c.to_dict() for c in self.cases],
            "questions": [q.to_dict() for q in self.questions],
            "reliability": [b.to_dict() for b in self.reliability],
            "skipped": [
                {
                    "file": f,
                    "reason": r,
                    "warnings": [w.to_dict() for w in self.warnings if w.file == f],
                }
                for f, r in self.skipped
            ],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per resolved question: probabilities and scores of every forecaster."""
        import pandas as pd

        rows = []
        for q in self.questions:
            row: dict[str, Any] = {
                "case": q.case,
                "question": q.question,
                "measure": q.measure,
                "deadline": q.deadline,
                "outcome": q.outcome,
            }
            for f in FORECASTERS:
                row[f"p_{f}"] = q.probability[f]
                row[f"brier_{f}"] = q.brier[f]
                row[f"log_{f}"] = q.log_score[f]
            rows.append(row)
        return pd.DataFrame(rows)

    def explain(self) -> str:
        pct = round(100 * self.level)
        lines = [
            f"Backtest of {len(self.cases)} case(s), {len(self.questions)} resolved question(s); "
            f"{self.draws} draws, seed {self.seed}; {pct}% intervals from {self.replicates} "
            f"bootstrap replicates over cases (seed {self.seed}); lower is better.",
            "",
            f"{'':<12}{'Brier':<26}log score",
        ]
        for s in self.overall:
            lines.append(f"{LABELS[s.forecaster]:<12}{s.brier!s:<26}{s.log_score}")
        lines.append("")
        for d in self.differences:
            base = LABELS[d.forecaster.split(" - ", 1)[1]]
            verdict = _compare(d.brier)
            lines.append(
                f"detente minus {base}: Brier {d.brier.value:+.3f} "
                f"[{d.brier.low:+.3f}, {d.brier.high:+.3f}], log {d.log_score.value:+.3f} "
                f"[{d.log_score.low:+.3f}, {d.log_score.high:+.3f}] ({verdict})"
            )
        lines += ["", "Per case (mean Brier: detente / base rate / status quo):"]
        for c in self.cases:
            b = c.brier
            lines.append(
                f"  {c.case:<32} {c.questions} q  {b['detente']:.3f} / {b['base_rate']:.3f} / "
                f"{b['status_quo']:.3f}"
            )
        for f, reason in self.skipped:
            lines.append(f"Skipped {f}: {reason}")
        return "\n".join([*lines, *self.notes])


def _compare(diff: Interval) -> str:
    if diff.high < 0:
        return "detente better"
    if diff.low > 0:
        return "detente worse"
    return "no clear difference"


def score_forecasts(
    forecasts: Sequence[QuestionForecasts],
    *,
    replicates: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    bins: int = 5,
    epsilon: float = EPSILON,
    skipped: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    warnings: Sequence[ScenarioWarning] = (),
) -> Backtest:
    """Score the resolved questions of each case's forecasts beside the two baselines.

    ``warnings`` are those of the cases' files; each case keeps those of its own file.
    """
    cases = [f for f in forecasts if f.resolved]
    if not cases:
        raise InputError("no resolved question to score: give questions with an 'outcome'")
    ids = [c.scenario for c in cases]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"two scenarios have the id '{dup}'; a backtest needs distinct cases")
    items = [(c, q) for c in cases for q in c.resolved]
    y = np.array([float(bool(q.outcome)) for _, q in items])
    case = np.array([c.scenario for c, _ in items])
    p = {
        "detente": np.array([q.probability for _, q in items]),
        "base_rate": base_rates(y, case),
        "status_quo": status_quo(y.size, epsilon=epsilon),
    }
    brier = {f: brier_scores(p[f], y) for f in FORECASTERS}
    logs = {f: log_scores(p[f], y, epsilon=epsilon) for f in FORECASTERS}
    scored = tuple(
        ScoredQuestion(
            case=c.scenario,
            question=q.question,
            text=q.text,
            measure=q.measure,
            deadline=q.deadline,
            outcome=bool(q.outcome),
            resolved=q.resolved,
            probability={f: float(p[f][i]) for f in FORECASTERS},
            brier={f: float(brier[f][i]) for f in FORECASTERS},
            log_score={f: float(logs[f][i]) for f in FORECASTERS},
            interval=(q.low, q.high),
            draws=q.draws,
        )
        for i, (c, q) in enumerate(items)
    )
    case_scores = tuple(
        CaseScore(
            case=c.scenario,
            title=c.title,
            file=c.file,
            as_of=c.as_of,
            questions=int((case == c.scenario).sum()),
            brier={f: float(brier[f][case == c.scenario].mean()) for f in FORECASTERS},
            log_score={f: float(logs[f][case == c.scenario].mean()) for f in FORECASTERS},
            warnings=tuple(w for w in warnings if c.file is not None and w.file == c.file),
        )
        for c in cases
    )
    # One bootstrap over all rows: scores and paired differences share their resampled cases.
    rows_b = [brier[f] for f in FORECASTERS] + [brier["detente"] - brier[b] for b in BASELINES]
    rows_l = [logs[f] for f in FORECASTERS] + [logs["detente"] - logs[b] for b in BASELINES]
    ib = bootstrap_means(np.stack(rows_b), case, replicates=replicates, seed=seed, level=level)
    il = bootstrap_means(np.stack(rows_l), case, replicates=replicates, seed=seed, level=level)
    names = [*FORECASTERS, *(f"detente - {b}" for b in BASELINES)]
    scores = [ForecasterScore(n, b, g) for n, b, g in zip(names, ib, il, strict=True)]
    reliability = tuple(
        b for f in FORECASTERS for b in reliability_bins(p[f], y, forecaster=f, bins=bins)
    )
    all_notes = list(notes)
    if len(cases) < 2:
        all_notes.append("One case only: the base rate has no other case and says 0.5.")
    return Backtest(
        questions=scored,
        cases=case_scores,
        overall=tuple(scores[: len(FORECASTERS)]),
        differences=tuple(scores[len(FORECASTERS) :]),
        reliability=reliability,
        skipped=tuple(skipped),
        draws=max((c.draws for c in cases), default=0),
        seed=seed,
        replicates=replicates,
        level=level,
        epsilon=epsilon,
        bins=bins,
        notes=tuple(all_notes),
        warnings=tuple(warnings),
    )


def scenario_files(directory: Path) -> list[Path]:
    """The scenario files (``*.yaml``, ``*.yml``) directly in ``directory``, sorted by name."""
    path = Path(directory)
    if not path.is_dir():
        what = "no such directory" if not path.exists() else "not a directory"
        raise InputError(what, file=str(path))
    return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _forecast_file(task: tuple[str, int, int]) -> QuestionForecasts | None:
    """Load one file and forecast its resolved questions (run in a worker process)."""
    from detente.scenario import load

    file, n, seed = task
    scenario = load(file)
    resolved = [q for q, v in scenario.questions.items() if v.outcome is not None]
    if not resolved:
        return None
    return forecast_questions(scenario, questions=resolved, n=n, seed=seed)


def _pool(workers: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def backtest(
    files: Sequence[Path],
    *,
    n: int = DEFAULT_DRAWS,
    seed: int = 0,
    replicates: int = 2000,
    level: float = 0.95,
    bins: int = 5,
    workers: int = 1,
) -> Backtest:
    """Forecast and score every resolved question of the given scenario files.

    Parameters
    ----------
    files : sequence of Path
        Scenario files; those without a resolved question are listed as skipped.
    n, seed : int
        Monte Carlo draws per case and the seed (of the draws and of the bootstrap).
    replicates, level, bins
        Bootstrap replicates, interval coverage, calibration bins.
    workers : int
        Processes forecasting cases in parallel (results do not depend on it).

    Raises
    ------
    detente.errors.ScenarioError
        Every problem of every file that does not load, at once.
    detente.errors.InputError
        No resolved question in any file, or bad settings.
    """
    from detente.readiness.warnings import scenario_warnings
    from detente.scenario.loader import load_with_source

    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive integer; got {workers!r}", path="workers")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"the number of draws must be a positive integer; got {n!r}", path="n")
    diags: list[Diagnostic] = []
    warned: list[ScenarioWarning] = []
    for f in files:  # check every file first: all problems at once, before any long run
        try:
            scenario, source = load_with_source(str(f))
        except ScenarioError as exc:
            diags.extend(exc.diagnostics())
            continue
        warned.extend(scenario_warnings(scenario, source=source))
    if diags:
        raise ScenarioError(diags)
    tasks = [(str(f), n, seed) for f in files]
    if workers > 1 and len(tasks) > 1:
        with _pool(min(workers, len(tasks))) as pool:
            results = list(pool.map(_forecast_file, tasks))
    else:
        results = [_forecast_file(t) for t in tasks]
    skipped = [
        (str(f), "no resolved question") for f, r in zip(files, results, strict=True) if not r
    ]
    return score_forecasts(
        [r for r in results if r is not None],
        replicates=replicates,
        seed=seed,
        level=level,
        bins=bins,
        skipped=skipped,
        warnings=warned,
    )
