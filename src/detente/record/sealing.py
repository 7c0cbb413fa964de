"""``seal``: append detente's probability for a scenario's open questions to a ledger.

Each sealed forecast is one record (docs/track-record.md) holding the scenario's content hash
(SHA-256 of the file's bytes exactly as read, so any edit, even of a comment, changes it),
detente's version, the UTC date and time, the question and the probability, chained to the
ledger's previous record (:mod:`detente.record.ledger`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import Diagnostic, InputError, ScenarioError, ScenarioWarning
from detente.record.ledger import FORMAT, LedgerEntry, append_records
from detente.record.probabilities import DEFAULT_DRAWS, QuestionForecast, forecast_questions

__all__ = ["DEFAULT_LEDGER", "Sealed", "forecast_record", "seal"]

DEFAULT_LEDGER = Path("forecasts.jsonl")


def _utc_text(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise InputError("the sealing time must carry a time zone (UTC)")
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def forecast_record(
    forecast: QuestionForecast,
    *,
    scenario_id: str,
    scenario_file: str,
    scenario_sha256: str,
    sealed_at: dt.datetime,
    version: str,
    seed: int,
) -> dict[str, Any]:
    """The ledger record of one forecast, before chaining (no ``prev`` nor ``hash``); pure."""
    return {
        "format": FORMAT,
        "sealed_at": _utc_text(sealed_at),
        "detente": version,
        "scenario": {"id": scenario_id, "file": scenario_file, "sha256": scenario_sha256},
        "as_of": forecast.as_of.isoformat(),
        "question": {
            "id": forecast.question,
            "text": forecast.text,
            "kind": forecast.kind,
            "measure": forecast.measure,
            "deadline": forecast.deadline.isoformat(),
        },
        "evaluated_on": forecast.evaluated_on.isoformat(),
        "probability": forecast.probability,
        "interval": [forecast.low, forecast.high],
        "draws": forecast.draws,
        "seed": seed,
    }


@dataclass(frozen=True)
class Sealed:
    """The forecasts appended by one ``seal``, with their lines and the ledger's new head, and
    the warnings of the scenario file (:mod:`detente.readiness.warnings`)."""

    ledger: str
    entries: tuple[LedgerEntry, ...]
    warnings: tuple[ScenarioWarning, ...] = ()

    @property
    def head(self) -> str:
        """The hash of the last record: publish it to anchor the ledger."""
        return self.entries[-1].hash

    def to_dict(self) -> dict[str, Any]:
        return {
            "ledger": self.ledger,
            "head": self.head,
            "records": [e.to_dict() for e in self.entries],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def explain(self) -> str:
        first, last = self.entries[0].line, self.entries[-1].line
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        lines = [f"Sealed {len(self.entries)} forecast(s) in {self.ledger} ({where}):"]
        for e in self.entries:
            q = e.record["question"]
            lines.append(
                f"- {q['id']}: {float(e.record['probability']):.1%} by {q['deadline']} "
                f"({q['text']})"
            )
        lines.append(f"Head hash (publish it to anchor the ledger): {self.head}")
        return "\n".join(lines)


def _read_scenario(path: Path) -> tuple[bytes, Any, tuple[ScenarioWarning, ...]]:
    from detente.readiness.warnings import scenario_warnings
    from detente.scenario.loader import loads_with_source
    from detente.scenario.yamlio import MAX_BYTES

    name = str(path)
    try:
        if path.is_dir():
            raise ScenarioError([Diagnostic("is a directory, not a scenario file", file=name)])
        if path.stat().st_size > MAX_BYTES:
            raise ScenarioError([Diagnostic("scenario files over 10 MiB are refused", file=name)])
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Diagnostic("no such file", file=name)]) from None
    except OSError as exc:
        raise ScenarioError([Diagnostic(f"cannot read: {exc.strerror}", file=name)]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Diagnostic(f"not UTF-8 text ({exc.reason})", file=name)]) from None
    # The hash and the forecast come from the same bytes.
    scenario, source = loads_with_source(text, filename=name)
    return data, scenario, scenario_warnings(scenario, source=source)


def seal(
    file: Path,
    *,
    questions: Sequence[str] | None = None,
    ledger: Path = DEFAULT_LEDGER,
    n: int = DEFAULT_DRAWS,
    seed: int = 0,
    now: dt.datetime | None = None,
) -> Sealed:
    """Forecast a scenario's open questions and append them to ``ledger``.

    Parameters
    ----------
    file : Path
        The scenario file; its bytes are hashed as read.
    questions : sequence of str, optional
        Question ids (default: every question without an outcome).
    ledger : Path
        The JSON Lines ledger (created if missing; never rewritten, only appended to).
    n, seed : int
        Monte Carlo draws and seed.
    now : datetime, optional
        The sealing time (default: the current UTC time).

    Raises
    ------
    detente.errors.InputError
        No open question, a question already resolved, an unknown id, a damaged ledger.
    """
    import detente

    data, scenario, warned = _read_scenario(Path(file))
    if questions is None:
        ids = [q for q, v in scenario.questions.items() if v.outcome is None]
        if not ids:
            what = (
                "every question already has an outcome"
                if scenario.questions
                else ("this scenario has no 'questions'")
            )
            raise InputError(f"nothing to seal: {what}", path="questions", file=str(file))
    else:
        ids = list(dict.fromkeys(questions))
        for q_id in ids:
            q = scenario.questions.get(q_id)
            if q is not None and q.outcome is not None:
                raise InputError(
                    f"question '{q_id}' already has an outcome; a sealed forecast is made "
                    "before the outcome is known",
                    path=f"questions.{q_id}",
                    file=str(file),
                )
    result = forecast_questions(scenario, questions=ids, n=n, seed=seed)
    moment = now or dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(data).hexdigest()
    bodies = [
        forecast_record(
            f,
            scenario_id=scenario.id,
            scenario_file=str(file),
            scenario_sha256=digest,
            sealed_at=moment,
            version=detente.__version__,
            seed=seed,
        )
        for f in result.forecasts
    ]
    entries = append_records(Path(ledger), bodies)
    return Sealed(ledger=str(ledger), entries=entries, warnings=warned)
