"""Forecast questions and their outcomes: the ``questions`` section of a scenario (issue 14).

A question asks whether something happens by a deadline ("Do the parties hold direct official
talks before 2025-08-01?").  Its ``measure`` says which of detente's probabilities answers it
(docs/track-record.md):

- ``talks``: talks can open (every veto party's talks preconditions are met);
- ``deal``: a deal exists (a zone of possible agreement, ZOPA);
- ``signature``: it can be signed (the ZOPA and every precondition).

The three named kinds imply their measure (``talks_open`` -> ``talks``, ``agreement`` and
``ceasefire`` -> ``signature``); any other ``kind`` is a free label and must state its measure.
Once the answer is known the question carries ``outcome``, the date it became known
(``resolved``) and a ``source`` reporting it.  Outcomes live only here (the hindsight policy of
``scenarios/history/README.md``): the rest of the file describes the situation on ``as_of``.

The shape of one question is checked by :class:`Question`; :func:`check_questions` checks the
rules that need the whole scenario (dates against ``as_of``, ids, labels, what an outcome
needs); :func:`source_date_notes` lists outcome sources dated before the outcome was known.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from detente.scenario.model import Scenario

__all__ = [
    "DEFAULT_MEASURES",
    "KINDS",
    "MEASURES",
    "QUESTION_ID_RE",
    "Measure",
    "Question",
    "check_questions",
    "source_date_notes",
]

Measure = Literal["talks", "deal", "signature"]
#: The probabilities of detente a question can be measured by, from the first step to the last.
MEASURES: tuple[Measure, ...] = ("talks", "deal", "signature")
#: The measure each named kind implies; any other kind must give ``measure``.
DEFAULT_MEASURES: Mapping[str, Measure] = {
    "talks_open": "talks",
    "agreement": "signature",
    "ceasefire": "signature",
}
KINDS: tuple[str, ...] = tuple(DEFAULT_MEASURES)
#: Question ids and free kind labels: lowercase letters, digits, '-' or '_'.
QUESTION_ID_RE = r"^[a-z0-9][a-z0-9_-]*$"

_Loc = tuple[str | int, ...]
_Problem = tuple[_Loc, str, int | None]


def _strict_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _date(value: Any) -> Any:
    # A datetime is a date subclass: refuse it rather than silently dropping the time of day.
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD) without a time")
    return value


_Bool = Annotated[bool, BeforeValidator(_strict_bool)]
_Date = Annotated[dt.date, BeforeValidator(_date)]


class Question(BaseModel):
    """One forecast question, and its outcome once known.

    Attributes
    ----------
    text : str
        The question as a forecaster reads it, with its deadline.
    kind : str
        ``talks_open``, ``agreement``, ``ceasefire``, or a free label (``treaty``).
    measure : {"talks", "deal", "signature"}
        Which probability answers it; filled from ``kind`` for the three named kinds.
    deadline : date
        The question asks whether the event happens on or before this date.
    outcome : bool or None
        What happened, once known.
    resolved : date or None
        The date the outcome became known.
    source : str or None
        The id of a source (in ``sources``) reporting the outcome.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Annotated[str, Field(min_length=1)]
    kind: Annotated[str, Field(min_length=1)]
    measure: Measure | None = None
    deadline: _Date
    outcome: _Bool | None = None
    resolved: _Date | None = None
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_measure(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("measure") is None:
            kind = data.get("kind")
            if isinstance(kind, str) and kind in DEFAULT_MEASURES:
                data = {**data, "measure": DEFAULT_MEASURES[kind]}
        return data

    @property
    def is_resolved(self) -> bool:
        """Whether the outcome is known."""
        return self.outcome is not None


def _question(q_id: str, q: Question, scenario: Scenario) -> Iterator[_Problem]:
    base: _Loc = ("questions", q_id)
    if not re.fullmatch(QUESTION_ID_RE, q_id):
        yield (
            base,
            f"'{q_id}' is not a valid question id (use lowercase letters, digits, '-' or '_')",
            None,
        )
    bad_kind = q.kind not in DEFAULT_MEASURES and not re.fullmatch(QUESTION_ID_RE, q.kind)
    if bad_kind:
        yield (
            (*base, "kind"),
            f"'{q.kind}' is not a kind: use talks_open, agreement, ceasefire, or a label of "
            "lowercase letters, digits, '-' or '_'",
            None,
        )
    elif q.measure is None:
        yield (
            (*base, "measure"),
            f"a question of kind '{q.kind}' needs 'measure: talks', 'measure: deal' or "
            "'measure: signature' (only talks_open, agreement and ceasefire imply one)",
            None,
        )
    as_of = scenario.as_of
    if as_of is not None and q.deadline <= as_of:
        yield (
            (*base, "deadline"),
            f"deadline {q.deadline} is not after as_of {as_of}: a question asks about the future "
            "of the as-of date",
            None,
        )
    if q.outcome is None:
        if q.resolved is not None:
            yield (
                (*base, "resolved"),
                "'resolved' without an 'outcome': give 'outcome: true' or 'outcome: false' too",
                None,
            )
        return
    missing = [key for key in ("resolved", "source") if getattr(q, key) is None]
    if missing:
        yield (
            (*base, "outcome"),
            "an outcome needs "
            + " and ".join(
                {
                    "resolved": "the date it became known ('resolved: YYYY-MM-DD')",
                    "source": "a source reporting it ('source: ID')",
                }[key]
                for key in missing
            ),
            None,
        )
    if q.resolved is not None and as_of is not None and q.resolved < as_of:
        yield (
            (*base, "resolved"),
            f"the outcome was known on {q.resolved}, before as_of {as_of}: a scenario must be "
            "encoded as of a date before its questions' outcomes",
            None,
        )


def check_questions(scenario: Scenario) -> Iterator[tuple[_Loc, str, int | None]]:
    """The rules of the ``questions`` section that need the whole scenario.

    Yields ``(location, message, None)`` like :func:`detente.scenario.validate.check_scenario`.
    Unknown source ids are reported by the check of every ``source:`` in the file.
    """
    if not scenario.questions:
        return
    if scenario.as_of is None:
        yield (
            ("questions",),
            "questions need the scenario's 'as_of' date: the date on which they are forecast",
            None,
        )
    for q_id, q in scenario.questions.items():
        yield from _question(q_id, q, scenario)


def source_date_notes(scenario: Scenario) -> list[tuple[str, str]]:
    """Outcomes whose source is dated before the outcome became known: ``(path, note)`` pairs.

    A report cannot be older than what it reports, but a source's ``date`` may be that of the
    document it reproduces (an accord signed days before its ratification) or of an
    announcement that took effect later, so this is a note for the reader, not an error.
    """
    notes: list[tuple[str, str]] = []
    for q_id, q in scenario.questions.items():
        source = scenario.sources.get(q.source) if q.source is not None else None
        if source is None or source.date is None or q.resolved is None or q.outcome is None:
            continue
        if source.date < q.resolved:
            notes.append(
                (
                    f"questions.{q_id}.source",
                    f"source '{q.source}' is dated {source.date}, before the outcome became "
                    f"known ({q.resolved}); check that it reports the outcome",
                )
            )
    return notes
