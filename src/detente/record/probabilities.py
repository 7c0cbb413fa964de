"""The probability detente gives to each question of a scenario (docs/track-record.md).

Nothing here is fitted to outcomes: each probability is read off the readiness engine's Monte
Carlo over the scenario's ``uncertainty`` section (:func:`detente.uncertainty.simulate`), as the
share of draws that answer the question's ``measure``, read from the stage of each draw (how far
the conflict can go: ``none``, ``talks``, ``deal``, ``signature``; docs/readiness.md):

=============  ======================================  ====================================
measure        detente's probability                   draws counted
=============  ======================================  ====================================
``talks``      talks can open (every veto party's      stage is not ``none``
               talks preconditions are met)
``deal``       a deal exists (a ZOPA)                  verdict ``ripe`` or ``blocked``
``signature``  it can be signed (talks, a ZOPA and     stage ``signature``
               every veto party's preconditions for
               signing)
=============  ======================================  ====================================

The question is evaluated on the scenario as of its ``as_of`` date, or on ``scenario.at(
deadline)`` when the timeline holds entries dated after ``as_of`` and on or before the deadline
(the analyst's expected changes, taken as certain).  A scenario without ``uncertainty`` gives the
point assessment's answer, 0 or 1 (:func:`detente.readiness.assess`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente._results import jsonable
from detente.errors import InputError, did_you_mean
from detente.record.scoring import EPSILON, brier_scores, log_scores
from detente.scenario.questions import Measure

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario.model import Scenario

__all__ = [
    "DEFAULT_DRAWS",
    "MEASURE_STAGES",
    "MEASURE_VERDICTS",
    "QuestionForecast",
    "QuestionForecasts",
    "evaluation_date",
    "forecast_questions",
]

#: Monte Carlo draws per evaluated state (about +-0.01 standard error on any probability).
DEFAULT_DRAWS = 2000
#: The verdicts whose share of draws is the probability of a measure read off the verdict.
MEASURE_VERDICTS: Mapping[Measure, tuple[str, ...]] = {
    "talks": ("ripe", "premature"),
    "deal": ("ripe", "blocked"),
    "signature": ("ripe",),
}
#: How each measure is counted: ``("stage", stages)`` or ``("verdict", verdicts)``.  ``talks``
#: and ``deal`` equal their verdict reading; ``signature`` needs the agreement preconditions.
MEASURE_STAGES: Mapping[Measure, tuple[str, tuple[str, ...]]] = {
    "talks": ("stage", ("talks", "deal", "signature")),
    "deal": ("verdict", MEASURE_VERDICTS["deal"]),
    "signature": ("stage", ("signature",)),
}


@dataclass(frozen=True)
class QuestionForecast:
    """detente's probability for one question, and the outcome if known.

    Attributes
    ----------
    question, text, kind, measure, deadline
        The question as in the scenario file.
    as_of : date
        The date of the forecast (the scenario's ``as_of``).
    evaluated_on : date
        The date whose state was assessed: ``as_of``, or the deadline when the timeline expects
        changes in between.
    probability : float
        The share of draws answering the measure (0 or 1 for a point assessment).
    low, high : float
        95% Wilson interval of the Monte Carlo share (equal to ``probability`` for a point).
    draws : int
        Monte Carlo draws; 0 for a point assessment (no ``uncertainty`` section).
    outcome, resolved, source
        What happened, when it became known and who reported it (``None`` while open).
    """

    question: str
    text: str
    kind: str
    measure: Measure
    deadline: dt.date
    as_of: dt.date
    evaluated_on: dt.date
    probability: float
    low: float
    high: float
    draws: int
    outcome: bool | None = None
    resolved: dt.date | None = None
    source: str | None = None

    @property
    def brier(self) -> float | None:
        """``(p - outcome)^2`` once the outcome is known."""
        if self.outcome is None:
            return None
        return float(brier_scores([self.probability], [float(self.outcome)])[0])

    @property
    def log_score(self) -> float | None:
        """``-ln`` of the probability given to what happened (clipped, docs/track-record.md)."""
        if self.outcome is None:
            return None
        return float(log_scores([self.probability], [float(self.outcome)])[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "kind": self.kind,
            "measure": self.measure,
            "deadline": self.deadline.isoformat(),
            "as_of": self.as_of.isoformat(),
            "evaluated_on": self.evaluated_on.isoformat(),
            "probability": jsonable(self.probability),
            "low": jsonable(self.low),
            "high": jsonable(self.high),
            "draws": self.draws,
            "outcome": self.outcome,
            "resolved": None if self.resolved is None else self.resolved.isoformat(),
            "source": self.source,
            "brier": jsonable(self.brier),
            "log_score": jsonable(self.log_score),
        }

    def explain(self) -> str:
        what = {"talks": "talks can open", "deal": "a deal exists", "signature": "can be signed"}
        how = (
            f"{self.draws} draws, 95% interval {self.low:.0%}–{self.high:.0%}"
            if self.draws
            else "point assessment, no uncertainty section"
        )
        text = (
            f"{self.question}: {self.probability:.0%} ({what[self.measure]}, as of "
            f"{self.evaluated_on}; {how})"
        )
        if self.outcome is not None:
            text += (
                f"; outcome {'yes' if self.outcome else 'no'} (known {self.resolved}), "
                f"Brier {self.brier:.3f}, log score {self.log_score:.3f}"
            )
        return text + "."


@dataclass(frozen=True)
class QuestionForecasts:
    """Every question of one scenario with detente's probability: the "Track record" section.

    Attributes
    ----------
    scenario, title, file : str
        The scenario's id, title and file (``None`` if not read from a file).
    as_of : date
    draws, seed : int
        Monte Carlo draws per evaluated state (0 without ``uncertainty``) and the seed.
    forecasts : tuple of QuestionForecast
        In file order.
    notes : tuple of str
    """

    scenario: str
    title: str
    file: str | None
    as_of: dt.date
    draws: int
    seed: int
    forecasts: tuple[QuestionForecast, ...]
    notes: tuple[str, ...] = ()

    @property
    def resolved(self) -> tuple[QuestionForecast, ...]:
        """The forecasts whose outcome is known."""
        return tuple(f for f in self.forecasts if f.outcome is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "title": self.title,
            "file": self.file,
            "as_of": self.as_of.isoformat(),
            "draws": self.draws,
            "seed": self.seed,
            "epsilon": EPSILON,
            "forecasts": [f.to_dict() for f in self.forecasts],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = [f.to_dict() for f in self.forecasts]
        columns = list(rows[0]) if rows else ["question"]
        return pd.DataFrame(rows, columns=columns)

    def explain(self) -> str:
        head = f"{self.title}: {len(self.forecasts)} question(s), forecast as of {self.as_of}."
        lines = [head, *(f"- {f.explain()}" for f in self.forecasts)]
        done = self.resolved
        if done:
            brier = sum(f.brier or 0.0 for f in done) / len(done)
            lines.append(f"Mean Brier score over {len(done)} resolved question(s): {brier:.3f}.")
        return "\n".join([*lines, *self.notes])


def evaluation_date(scenario: Scenario, deadline: dt.date) -> dt.date:
    """``as_of``, or ``deadline`` if the timeline changes anything after ``as_of`` by then."""
    as_of = scenario.as_of
    if as_of is None:
        raise InputError("questions need the scenario's 'as_of' date", path="as_of")
    if any(as_of < entry.date <= deadline for entry in scenario.timeline):
        return deadline
    return as_of


Counts = dict[tuple[str, str], int]


def _verdict_counts(state: Scenario, *, n: int, seed: int) -> tuple[Counts, int]:
    """How many draws gave each verdict and each stage (``n`` draws, keys ``("verdict", v)``
    and ``("stage", s)``), or the point assessment's (one "draw", 0 returned as draws)."""
    if not state.uncertainty:
        from detente.readiness import assess

        point = assess(state)
        return {("verdict", point.verdict): 1, ("stage", point.stage): 1}, 0
    from detente.uncertainty import Execution, simulate

    summary = simulate(
        state, n=n, sensitivity=False, decisive=False, execution=Execution(seed=seed)
    )
    counts: Counts = {}
    for output in ("verdict", "stage"):
        for c in getattr(summary[output], "categories", ()):
            counts[(output, c.category)] = c.count
    return counts, summary.n


def forecast_questions(
    scenario: Scenario,
    *,
    questions: Sequence[str] | None = None,
    n: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> QuestionForecasts:
    """detente's probability for each question of a scenario (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        A scenario as loaded (not moved with ``at`` nor a what-if), with ``questions``.
    questions : sequence of str, optional
        The ids to forecast (default: every question, in file order).
    n, seed : int
        Monte Carlo draws per evaluated state and the seed (same seed, same probabilities).

    Raises
    ------
    detente.errors.InputError
        No questions, an unknown question id, or a scenario that was already transformed.
    """
    from detente.uncertainty.summary import wilson_interval

    if not scenario.questions:
        raise InputError(
            "this scenario has no 'questions' to forecast", path="questions", file=scenario.filename
        )
    if scenario.what_if is not None:
        raise InputError(
            "questions are forecast on the scenario as written, not on a what-if variant",
            path="what_if",
            file=scenario.filename,
        )
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"the number of draws must be a positive integer; got {n!r}", path="n")
    ids = list(scenario.questions) if questions is None else list(dict.fromkeys(questions))
    for q_id in ids:
        if q_id not in scenario.questions:
            raise InputError(
                f"no question '{q_id}'{did_you_mean(q_id, scenario.questions)}; this scenario "
                f"has: {', '.join(scenario.questions)}",
                path="questions",
                file=scenario.filename,
            )
    as_of = scenario.as_of
    if as_of is None:
        raise InputError("questions need the scenario's 'as_of' date", path="as_of")
    cache: dict[dt.date, tuple[Counts, int]] = {}
    out: list[QuestionForecast] = []
    for q_id in ids:
        q = scenario.questions[q_id]
        assert q.measure is not None  # validated by the loader
        when = evaluation_date(scenario, q.deadline)
        if when not in cache:
            try:
                state = scenario.at(when)
            except ValueError as exc:
                raise InputError(str(exc), file=scenario.filename) from None
            cache[when] = _verdict_counts(state, n=n, seed=seed)
        counts, draws = cache[when]
        output, counted = MEASURE_STAGES[q.measure]
        k = sum(counts.get((output, v), 0) for v in counted)
        total = max(draws, 1)
        if draws:
            lo, hi = wilson_interval(k, total)
            low, high = float(lo), float(hi)
        else:
            low = high = float(k)
        out.append(
            QuestionForecast(
                question=q_id,
                text=q.text,
                kind=q.kind,
                measure=q.measure,
                deadline=q.deadline,
                as_of=as_of,
                evaluated_on=when,
                probability=k / total,
                low=low,
                high=high,
                draws=draws,
                outcome=q.outcome,
                resolved=q.resolved,
                source=q.source,
            )
        )
    notes: list[str] = []
    if not scenario.uncertainty:
        notes.append(
            "No uncertainty section: every probability is the point assessment's 0 or 1 "
            f"(clipped to [{EPSILON}, {1 - EPSILON}] for the log score)."
        )
    moved = sorted({f.evaluated_on for f in out if f.evaluated_on != as_of})
    if moved:
        notes.append(
            "Timeline changes expected before a deadline: those questions were assessed as of "
            + ", ".join(d.isoformat() for d in moved)
            + "."
        )
    return QuestionForecasts(
        scenario=scenario.id,
        title=scenario.title,
        file=scenario.filename,
        as_of=as_of,
        draws=n if scenario.uncertainty else 0,
        seed=seed,
        forecasts=tuple(out),
        notes=tuple(notes),
    )
