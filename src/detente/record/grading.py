"""``grade``: verify a ledger's chain and score every sealed forecast whose outcome is known.

Outcomes come from an outcomes file (CSV or YAML: question id, outcome, date, optionally the
scenario id and a source) or from the ``questions`` of the sealed scenario files (given, or
found at the path recorded when sealing, relative to the working directory or to the ledger).
A forecast is scored only if it was sealed before the outcome became known and its question
(text and deadline) is unchanged since sealing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente._results import jsonable
from detente.errors import Diagnostic, InputError, ScenarioError, did_you_mean
from detente.record.ledger import LedgerEntry, read_ledger
from detente.record.scoring import EPSILON, Interval, bootstrap_means, brier_scores, log_scores

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario.model import Scenario

__all__ = ["Grade", "GradedForecast", "Outcome", "grade", "read_outcomes"]

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_COLUMNS = ("question", "outcome", "date", "scenario", "source")


@dataclass(frozen=True)
class Outcome:
    """A known outcome: the question, what happened and when it became known."""

    question: str
    outcome: bool
    date: dt.date
    scenario: str | None = None
    source: str | None = None
    where: str = ""  # FILE:LINE it came from


@dataclass(frozen=True)
class GradedForecast:
    """One sealed forecast with its outcome and scores."""

    line: int
    sealed_at: str
    scenario: str
    question: str
    text: str
    probability: float
    outcome: bool
    resolved: dt.date
    outcome_from: str
    brier: float
    log_score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "sealed_at": self.sealed_at,
            "scenario": self.scenario,
            "question": self.question,
            "text": self.text,
            "probability": jsonable(self.probability),
            "outcome": self.outcome,
            "resolved": self.resolved.isoformat(),
            "outcome_from": self.outcome_from,
            "brier": jsonable(self.brier),
            "log_score": jsonable(self.log_score),
        }


@dataclass(frozen=True)
class Grade:
    """A verified ledger and the scores of its forecasts whose outcome is known.

    Attributes
    ----------
    ledger : str
    records : int
        Records verified (the whole chain).
    head : str or None
        Hash of the last record.
    graded : tuple of GradedForecast
    pending : tuple of (line, scenario, question)
        Forecasts whose outcome is not known yet.
    excluded : tuple of (line, question, reason)
        Forecasts that cannot be scored (sealed after the outcome was known, question changed).
    brier, log_score : Interval or None
        Means over the graded forecasts, bootstrap over scenarios (``replicates``, ``seed``).
    """

    ledger: str
    records: int
    head: str | None
    graded: tuple[GradedForecast, ...]
    pending: tuple[tuple[int, str, str], ...]
    excluded: tuple[tuple[int, str, str], ...]
    brier: Interval | None
    log_score: Interval | None
    replicates: int
    seed: int
    epsilon: float = EPSILON

    def to_dict(self) -> dict[str, Any]:
        return {
            "ledger": self.ledger,
            "records": self.records,
            "chain": "verified",
            "head": self.head,
            "graded": [g.to_dict() for g in self.graded],
            "pending": [{"line": ln, "scenario": s, "question": q} for ln, s, q in self.pending],
            "excluded": [{"line": ln, "question": q, "reason": r} for ln, q, r in self.excluded],
            "brier": None if self.brier is None else self.brier.to_dict(),
            "log_score": None if self.log_score is None else self.log_score.to_dict(),
            "bootstrap_replicates": self.replicates,
            "seed": self.seed,
            "epsilon": self.epsilon,
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([g.to_dict() for g in self.graded])

    def explain(self) -> str:
        lines = [f"{self.ledger}: {self.records} record(s), chain verified; head {self.head}."]
        for g in self.graded:
            lines.append(
                f"- line {g.line} {g.scenario}/{g.question}: {g.probability:.1%}, outcome "
                f"{'yes' if g.outcome else 'no'} ({g.resolved}); Brier {g.brier:.3f}, "
                f"log {g.log_score:.3f}"
            )
        if self.brier is not None and self.log_score is not None:
            lines.append(
                f"Mean over {len(self.graded)} graded forecast(s): Brier {self.brier}, "
                f"log score {self.log_score} (95% bootstrap over scenarios)."
            )
        else:
            lines.append("No sealed forecast has a known outcome yet.")
        for ln, s, q in self.pending:
            lines.append(f"Pending: line {ln} {s}/{q} (no outcome yet).")
        for ln, q, reason in self.excluded:
            lines.append(f"Not scored: line {ln} {q}: {reason}.")
        return "\n".join(lines)


# --------------------------------------------------------------------------- outcomes files
def _parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _row(
    fields: Mapping[str, Any], diag: Any, where: str, diags: list[Diagnostic]
) -> Outcome | None:
    """One outcome from a row's fields; problems go to ``diags`` via ``diag(key, message)``."""
    before = len(diags)
    for key in fields:
        if key not in _COLUMNS:
            diags.append(diag(key, f"unknown column '{key}'{did_you_mean(key, _COLUMNS)}"))
    question = str(fields.get("question") or "").strip()
    if not question:
        diags.append(diag("question", "no question id"))
    outcome = _parse_bool(fields.get("outcome", ""))
    if outcome is None:
        diags.append(diag("outcome", f"{fields.get('outcome')!r} is not true or false"))
    date = _parse_date(fields.get("date", ""))
    if date is None:
        diags.append(diag("date", f"{fields.get('date')!r} is not a date (YYYY-MM-DD)"))
    if len(diags) > before or outcome is None or date is None:
        return None
    scenario = str(fields["scenario"]).strip() if fields.get("scenario") else None
    source = str(fields["source"]).strip() if fields.get("source") else None
    return Outcome(question, outcome, date, scenario, source, where)


def _read_csv(path: Path, text: str, diags: list[Diagnostic]) -> list[Outcome]:
    name = str(path)
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        diags.append(Diagnostic("empty outcomes file", file=name))
        return []
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ("question", "outcome", "date") if c not in header]
    if missing:
        diags.append(
            Diagnostic(f"the header needs the columns {', '.join(missing)}", file=name, line=1)
        )
        return []
    out = []
    # csv.reader's line_num counts physical lines; rows here are 1 per line for plain files.
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            diags.append(
                Diagnostic(f"{len(row)} fields for {len(header)} columns", file=name, line=number)
            )
            continue
        fields = dict(zip(header, row, strict=True))

        def diag(key: str, message: str, number: int = number) -> Diagnostic:
            return Diagnostic(message, key, name, number)

        got = _row(fields, diag, f"{name}:{number}", diags)
        if got is not None:
            out.append(got)
    return out


def _read_yaml(path: Path, diags: list[Diagnostic]) -> list[Outcome]:
    from detente.scenario.yamlio import read_yaml

    located = read_yaml(path)
    data = located.data
    items: list[tuple[tuple[str | int, ...], Mapping[str, Any]]] = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict):
                items.append(((i,), item))
            else:
                diags.append(
                    located.diagnostic((i,), "expected a mapping with question, outcome, date")
                )
    elif isinstance(data, dict):
        for key, item in data.items():
            if isinstance(item, dict):
                items.append(((key,), {"question": key, **item}))
            else:
                diags.append(located.diagnostic((key,), "expected a mapping with outcome, date"))
    else:
        diags.append(
            located.diagnostic((), "an outcomes file is a list of {question, outcome, date}")
        )
    out = []
    for loc, fields in items:

        def diag(key: str, message: str, loc: tuple[str | int, ...] = loc) -> Diagnostic:
            return located.diagnostic((*loc, key), message)

        line = located.position(loc)[1]
        where = f"{path}:{line[0]}" if line else str(path)
        got = _row(fields, diag, where, diags)
        if got is not None:
            out.append(got)
    return out


def read_outcomes(path: Path) -> tuple[Outcome, ...]:
    """Read an outcomes file: CSV with a header, or YAML (a list, or a mapping by question id).

    Raises
    ------
    detente.errors.ScenarioError
        Every problem of the file at once, each ``FILE:LINE[:COL]: field: message``.
    """
    p = Path(path)
    name = str(p)
    diags: list[Diagnostic] = []
    suffix = p.suffix.lower()
    if suffix == ".csv":
        try:
            if p.stat().st_size > 10 * 2**20:
                raise InputError("outcomes files over 10 MiB are refused", file=name)
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such outcomes file", file=name) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason})", file=name) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=name) from None
        outcomes = _read_csv(p, text, diags)
    elif suffix in (".yaml", ".yml"):
        outcomes = _read_yaml(p, diags)
    else:
        raise InputError(
            f"cannot read outcomes from '{suffix or p.name}': use a .csv or .yaml file", file=name
        )
    seen: dict[tuple[str | None, str], Outcome] = {}
    for o in outcomes:
        key = (o.scenario, o.question)
        other = seen.get(key)
        if other is not None and (other.outcome, other.date) != (o.outcome, o.date):
            line = int(o.where.rsplit(":", 1)[1]) if ":" in o.where else None
            diags.append(
                Diagnostic(
                    f"question '{o.question}' has two different outcomes (also {other.where})",
                    "question",
                    name,
                    line,
                )
            )
        seen.setdefault(key, o)
    if diags:
        raise ScenarioError(diags)
    return tuple(seen.values())


# --------------------------------------------------------------------------- grading
def _scenario_outcome(entry: LedgerEntry, scenario: Scenario) -> tuple[Outcome | None, str | None]:
    """The outcome of a sealed question from its scenario, or why it cannot be used."""
    q_rec = entry.record["question"]
    q = scenario.questions.get(str(q_rec.get("id")))
    if q is None:
        return None, None
    if q.text != q_rec.get("text") or q.deadline.isoformat() != q_rec.get("deadline"):
        return None, "the question's text or deadline changed since it was sealed"
    if q.outcome is None or q.resolved is None:
        return None, None
    where = f"{scenario.filename}: questions.{q_rec.get('id')}"
    return Outcome(str(q_rec.get("id")), q.outcome, q.resolved, scenario.id, q.source, where), None


def _find_scenario(recorded: str, ledger: Path) -> Path | None:
    for candidate in (Path(recorded), ledger.parent / recorded):
        if candidate.is_file():
            return candidate
    return None


def _load_scenarios(
    entries: Sequence[LedgerEntry], explicit: Sequence[Path], ledger: Path
) -> dict[str, Scenario]:
    from detente.scenario import load

    by_id: dict[str, Scenario] = {}
    for f in explicit:
        s = load(f)
        by_id.setdefault(s.id, s)
    for e in entries:
        sc = e.record["scenario"]
        if sc.get("id") in by_id:
            continue
        found = _find_scenario(str(sc.get("file", "")), ledger)
        if found is not None:
            s = load(found)
            by_id.setdefault(s.id, s)
    return by_id


def grade(
    ledger: Path,
    *,
    outcomes: Path | None = None,
    scenarios: Sequence[Path] = (),
    head: str | None = None,
    replicates: int = 2000,
    seed: int = 0,
) -> Grade:
    """Verify ``ledger`` and score its forecasts whose outcome is known.

    Parameters
    ----------
    ledger : Path
    outcomes : Path, optional
        An outcomes file (CSV or YAML); it takes precedence over the scenarios' own outcomes,
        and must agree with them where both are known.
    scenarios : sequence of Path
        Scenario files to read outcomes from, besides those recorded in the ledger.
    head : str, optional
        A published head hash the ledger must contain (detects removed last records).
    replicates, seed : int
        Bootstrap over scenarios.

    Raises
    ------
    detente.errors.InputError
        A damaged ledger (``LEDGER:LINE: ...``), a missing head, conflicting outcomes.
    """
    path = Path(ledger)
    entries = read_ledger(path)
    if head is not None and all(e.hash != head.strip().lower() for e in entries):
        raise InputError(
            f"the ledger does not contain the published head {head}: records were removed "
            "from its end, or it is another ledger",
            file=str(path),
        )
    table: dict[tuple[str | None, str], Outcome] = {}
    if outcomes is not None:
        table = {(o.scenario, o.question): o for o in read_outcomes(outcomes)}
    _check_ambiguous(entries, table)
    uncovered = [e for e in entries if _from_table(e, table) is None]
    loaded = _load_scenarios(uncovered, scenarios, path) if uncovered else {}
    graded: list[GradedForecast] = []
    pending: list[tuple[int, str, str]] = []
    excluded: list[tuple[int, str, str]] = []
    for e in entries:
        sc_id = str(e.record["scenario"].get("id"))
        q_id = str(e.record["question"].get("id"))
        given = _from_table(e, table)
        own, problem = (None, None)
        if sc_id in loaded:
            own, problem = _scenario_outcome(e, loaded[sc_id])
        if given is not None and own is not None and given.outcome != own.outcome:
            raise InputError(
                f"the outcome of '{q_id}' ({given.outcome}) contradicts {own.where} "
                f"({own.outcome})",
                path="outcome",
                file=given.where.rsplit(":", 1)[0],
                line=_line_of(given.where),
            )
        known = given or own
        if known is None:
            if problem is not None:
                excluded.append((e.line, q_id, problem))
            else:
                pending.append((e.line, sc_id, q_id))
            continue
        sealed = str(e.record["sealed_at"])
        if known.date.isoformat() < sealed[:10]:
            excluded.append(
                (
                    e.line,
                    q_id,
                    f"sealed on {sealed[:10]}, after the outcome was known ({known.date})",
                )
            )
            continue
        p = float(e.record["probability"])
        y = float(known.outcome)
        graded.append(
            GradedForecast(
                line=e.line,
                sealed_at=sealed,
                scenario=sc_id,
                question=q_id,
                text=str(e.record["question"].get("text", "")),
                probability=p,
                outcome=known.outcome,
                resolved=known.date,
                outcome_from=known.where,
                brier=float(brier_scores([p], [y])[0]),
                log_score=float(log_scores([p], [y])[0]),
            )
        )
    brier = log = None
    if graded:
        rows = np.array([[g.brier for g in graded], [g.log_score for g in graded]])
        cases = np.array([g.scenario for g in graded])
        brier, log = bootstrap_means(rows, cases, replicates=replicates, seed=seed)
    return Grade(
        ledger=str(path),
        records=len(entries),
        head=entries[-1].hash if entries else None,
        graded=tuple(graded),
        pending=tuple(pending),
        excluded=tuple(excluded),
        brier=brier,
        log_score=log,
        replicates=replicates,
        seed=seed,
    )


def _from_table(
    entry: LedgerEntry, table: Mapping[tuple[str | None, str], Outcome]
) -> Outcome | None:
    q_id = str(entry.record["question"].get("id"))
    sc_id = str(entry.record["scenario"].get("id"))
    return table.get((sc_id, q_id)) or table.get((None, q_id))


def _line_of(where: str) -> int | None:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _check_ambiguous(
    entries: Sequence[LedgerEntry], table: Mapping[tuple[str | None, str], Outcome]
) -> None:
    """An outcome row without a scenario id must not match questions of two scenarios."""
    owners: dict[str, set[str]] = {}
    for e in entries:
        owners.setdefault(str(e.record["question"].get("id")), set()).add(
            str(e.record["scenario"].get("id"))
        )
    for (scenario, question), o in table.items():
        if scenario is None and len(owners.get(question, ())) > 1:
            both = " and ".join(sorted(owners[question]))
            raise InputError(
                f"question '{question}' is sealed for the scenarios {both}: give the scenario "
                "id of this outcome (a 'scenario' column or key)",
                path="scenario",
                file=o.where.rsplit(":", 1)[0],
                line=_line_of(o.where),
            )
