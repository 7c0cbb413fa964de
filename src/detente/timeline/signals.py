"""Stance signals: the negotiation-readiness index and mean Goldstein score over rolling windows.

An event table (from a scenario's statements with :func:`statement_events`, or from event-data
files with :func:`detente.timeline.events.read_events`) is reduced, per actor and per directed
pair (actor -> target), to rolling-window sums.  With event weights :math:`w_e` (the number of
sources when weighting is on, else 1) and the window :math:`W(t) = (t - \\Delta, t]`:

.. math::

    C(t) = \\sum_{e \\in W(t),\\, code_e \\in \\mathcal{C}} w_e, \\qquad
    R(t) = \\sum_{e \\in W(t),\\, code_e \\in \\mathcal{R}} w_e,

    \\mathrm{NRI}(t) = \\frac{C(t) - R(t)}{C(t) + R(t) + 1}, \\qquad
    \\bar G(t) = \\frac{\\sum_{e \\in W(t)} w_e\\, G_e}{\\sum_{e \\in W(t)} w_e},

where :math:`\\mathcal{C}` and :math:`\\mathcal{R}` are the cooperative and rejecting CAMEO code
sets (:data:`detente.timeline.cameo.COOPERATIVE_CODES`, ``REJECTING_CODES``; docs/models.md §5)
and :math:`G_e` the event's Goldstein value (Goldstein 1992).  The ``+1`` shrinks the index toward
0 when there are few signals, so one statement gives +-0.5, not +-1.  Weighting by number of
sources follows the GDELT codebook's advice to use NumSources/NumArticles as a measure of an
event's importance (Leetaru and Schrodt 2013, section "NumSources").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

import pandas as pd

from detente._results import jsonable
from detente.errors import InputError, ProblemTooLarge
from detente.timeline.cameo import (
    COOPERATIVE_CODES,
    REJECTING_CODES,
    STANCES,
    goldstein,
    normalise_code,
    stance_code,
)
from detente.timeline.events._schema import ReadReport, coerce_events, empty_events

__all__ = [
    "SIGNAL_COLUMNS",
    "SignalsReport",
    "StanceSignals",
    "StatementLike",
    "stance_signals",
    "statement_events",
]

#: Columns of each signal series (besides date, actor and, for pairs, target).
SIGNAL_COLUMNS: tuple[str, ...] = (
    "events",  # events in the window
    "cooperative",  # weighted count of cooperative events, C
    "rejecting",  # weighted count of rejecting events, R
    "weight",  # total weight of the window's events
    "nri",  # (C - R) / (C + R + 1)
    "mean_goldstein",  # weighted mean Goldstein value
)
MAX_CELLS = 50_000_000  # days x series x metrics held at once by the rolling sums


class StatementLike(Protocol):
    """What :func:`statement_events` needs of a scenario statement."""

    @property
    def date(self) -> dt.date: ...

    @property
    def actor(self) -> str: ...

    @property
    def target(self) -> str | None: ...

    @property
    def stance(self) -> str: ...

    @property
    def cameo(self) -> str | None: ...


def statement_events(
    statements: Iterable[StatementLike],
    *,
    as_of: dt.date | None = None,
    source_file: str = "",
) -> pd.DataFrame:
    """The normalised event table of a scenario's statements.

    Each statement becomes one event: its own ``cameo`` code if it has one, else its stance's
    default code (:data:`detente.timeline.cameo.STANCE_CODES`), with that code's Goldstein value,
    one source and weight 1.  ``source_line`` holds the statement's 1-based position in the list.

    Parameters
    ----------
    statements : iterable of StatementLike
        Objects with ``date, actor, target, stance, cameo`` (``detente.scenario`` statements).
    as_of : date, optional
        Ignore statements dated after this day (analysis "as of" a date, docs/models.md section 5).
    source_file : str
        Recorded in the ``source_file`` column.

    Raises
    ------
    InputError
        For an unknown stance or CAMEO code, naming the statement (``statements[i].cameo``).
    """
    rows: list[dict[str, Any]] = []
    for i, st in enumerate(statements):
        if as_of is not None and st.date > as_of:
            continue
        if st.cameo:
            code = normalise_code(st.cameo, path=f"statements[{i}].cameo")
        else:
            code = stance_code(st.stance, path=f"statements[{i}].stance")
        if st.stance not in STANCES:
            stance_code(st.stance, path=f"statements[{i}].stance")  # raises with a hint
        rows.append(
            {
                "date": pd.Timestamp(st.date),
                "actor": st.actor,
                "target": st.target or "",
                "code": code,
                "root": code[:2],
                "goldstein": goldstein(code, path=f"statements[{i}].cameo"),
                "num_sources": 1,
                "num_articles": 1,
                "weight": 1.0,
                "event_id": f"statement:{i}",
                "source_format": "statement",
                "source_file": source_file,
                "source_line": i + 1,
            }
        )
    if not rows:
        return empty_events()
    return coerce_events(pd.DataFrame(rows)).sort_values("date", kind="stable")


def _window(window: str) -> pd.Timedelta:
    try:
        delta = pd.Timedelta(window)
        ok = not pd.isna(delta) and delta >= pd.Timedelta(days=1)
        ok = ok and delta % pd.Timedelta(days=1) == pd.Timedelta(0)
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise InputError(
            f"window '{window}' is not a whole number of days (e.g. 7D, 30D, 90D)",
            path="window",
        )
    return delta


def _rolling(
    base: pd.DataFrame,
    keys: list[str],
    window: pd.Timedelta,
    *,
    keep_empty: bool,
    until: pd.Timestamp,
) -> pd.DataFrame:
    """Rolling-window sums of the per-event metrics for each group of ``keys``."""
    metrics = ["events", "cooperative", "rejecting", "weight", "gw"]
    daily = base.groupby([*keys, "date"], sort=True)[metrics].sum()
    days = pd.date_range(base["date"].min(), max(base["date"].max(), until), freq="D")
    n_groups = len(daily.reset_index()[keys].drop_duplicates())
    if len(days) * n_groups * len(metrics) > MAX_CELLS:
        raise ProblemTooLarge(
            f"{n_groups} series over {len(days)} days is too many for the rolling sums; "
            "narrow the actors or the dates",
            path="events",
        )
    wide = daily.unstack(keys, fill_value=0.0).reindex(days, fill_value=0.0)
    wide.index.name = "date"
    rolled = cast(pd.DataFrame, wide.rolling(window, min_periods=1).sum())
    # Rolling sums add and subtract, so an emptied window can hold 1e-16 instead of 0.
    rolled = rolled.where(rolled.abs() > 1e-9, 0.0)
    long = rolled.stack(keys).reset_index()
    if not keep_empty:
        long = long.loc[long["events"] > 0.5]
    c, r = long["cooperative"], long["rejecting"]
    long["nri"] = (c - r) / (c + r + 1.0)
    long["mean_goldstein"] = (long["gw"] / long["weight"]).where(long["weight"] > 0)
    long["events"] = long["events"].round().astype("int64")
    cols = ["date", *keys, *SIGNAL_COLUMNS]
    return long.loc[:, cols].sort_values([*keys, "date"], kind="stable").reset_index(drop=True)


def _empty(keys: list[str]) -> pd.DataFrame:
    cols: dict[str, pd.Series] = {"date": pd.Series([], dtype="datetime64[ns]")}
    cols.update({k: pd.Series([], dtype="str") for k in keys})
    cols["events"] = pd.Series([], dtype="int64")
    cols.update({m: pd.Series([], dtype="float64") for m in SIGNAL_COLUMNS[1:]})
    return pd.DataFrame(cols)


@dataclass(frozen=True, slots=True, eq=False)
class StanceSignals:
    """Rolling negotiation-readiness index and mean Goldstein score, per actor and per pair.

    Attributes
    ----------
    window : str
        The rolling window (``"30D"``): each row sums the events of the days ``(t - window, t]``.
    weighted : bool
        Whether events are weighted by their number of sources.
    by_actor : DataFrame
        Columns ``date, actor`` and :data:`SIGNAL_COLUMNS`, one row per actor and day whose
        window holds at least one event.
    by_pair : DataFrame
        The same per directed pair, with a ``target`` column (events with a target only).
    sources : tuple of str
        Where the events came from (statements, file names).
    """

    window: str
    weighted: bool
    by_actor: pd.DataFrame
    by_pair: pd.DataFrame
    sources: tuple[str, ...] = ()
    until: pd.Timestamp | None = None

    def to_frame(self) -> pd.DataFrame:
        """Both series in one long table, with ``level`` "actor" or "pair"."""
        actors = self.by_actor.assign(level="actor", target="")
        pairs = self.by_pair.assign(level="pair")
        cols = ["level", "date", "actor", "target", *SIGNAL_COLUMNS]
        return pd.concat([actors[cols], pairs[cols]], ignore_index=True)

    def latest(self, *, level: Literal["actor", "pair"] = "actor") -> pd.DataFrame:
        """The last row of each series."""
        frame = self.by_actor if level == "actor" else self.by_pair
        keys = ["actor"] if level == "actor" else ["actor", "target"]
        return frame.groupby(keys, sort=True).tail(1).reset_index(drop=True)

    def as_of(
        self, date: dt.date | str, *, level: Literal["actor", "pair"] = "actor"
    ) -> pd.DataFrame:
        """Each series' row for the window ending on ``date`` (series with no event in that
        window have no row).

        Raises
        ------
        InputError
            If ``date`` is after the last computed day (compute with ``until=date``).
        """
        day = pd.Timestamp(date).normalize()
        frame = self.by_actor if level == "actor" else self.by_pair
        if self.until is not None and day > self.until:
            raise InputError(
                f"{day.date()} is after the last day of the series ({self.until.date()}); "
                "compute them with until=that date",
                path="as_of",
            )
        return frame.loc[frame["date"] == day].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            dated = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))
            out: list[dict[str, Any]] = jsonable(dated.to_dict(orient="records"))
            return out

        return {
            "window": self.window,
            "weighted": self.weighted,
            "sources": list(self.sources),
            "latest": records(self.latest()),
            "by_actor": records(self.by_actor),
            "by_pair": records(self.by_pair),
        }

    def explain(self) -> str:
        if self.by_actor.empty:
            return "No stance signals: no events with an actor."
        weighting = "weighted by number of sources" if self.weighted else "unweighted"
        lines = [
            f"Negotiation-readiness index (NRI, -1 rejecting .. +1 cooperative) and mean "
            f"Goldstein score (-10 conflict .. +10 cooperation) over rolling {self.window} "
            f"windows, {weighting}:"
        ]
        for row in self.latest().itertuples(index=False):
            day = pd.Timestamp(str(row.date)).date().isoformat()
            lines.append(
                f"- {row.actor}: NRI {row.nri:+.2f} in the {self.window} to {day} from "
                f"{row.events} event(s) ({row.cooperative:g} cooperative, {row.rejecting:g} "
                f"rejecting), mean Goldstein {row.mean_goldstein:+.1f}."
            )
            series = self.by_actor.loc[self.by_actor["actor"] == row.actor]
            nri = series["nri"].to_numpy(dtype=float)
            dates = pd.DatetimeIndex(series["date"])
            if nri.size > 1 and nri.max() > nri.min():
                hi, lo = int(nri.argmax()), int(nri.argmin())
                lines.append(
                    f"  highest {nri[hi]:+.2f} on {dates[hi].date()}, "
                    f"lowest {nri[lo]:+.2f} on {dates[lo].date()}."
                )
        return "\n".join(lines)


def stance_signals(
    events: pd.DataFrame,
    *,
    window: str = "30D",
    weighted: bool = True,
    actors: Iterable[str] | None = None,
    keep_empty: bool = False,
    until: dt.date | str | None = None,
    sources: Iterable[str] = (),
) -> StanceSignals:
    """Rolling NRI and mean Goldstein score per actor and per directed pair.

    Parameters
    ----------
    events : DataFrame
        A normalised event table: columns ``date, actor, target, code, goldstein`` and optionally
        ``weight`` (1 where absent).  Rows with an empty actor are ignored; rows with an empty
        target count for their actor only.
    window : str
        Rolling window, a whole number of days (``"30D"``); the row for day ``t`` sums the events
        of ``(t - window, t]``.
    weighted : bool
        Use the ``weight`` column (number of sources); with ``False`` every event counts 1.
    actors : iterable of str, optional
        Keep only these actors (and, for pairs, pairs whose actor is one of them).
    keep_empty : bool
        Keep days whose window holds no event (NRI 0, mean Goldstein NaN).
    until : date, optional
        Run the series to this day (default: the last event's day), e.g. to read them as of a
        later date with :meth:`StanceSignals.as_of`.
    sources : iterable of str
        Labels of where the events came from, kept in the result.

    Returns
    -------
    StanceSignals
        The series; see the module docstring for the formulas.

    Raises
    ------
    InputError
        For a missing column or a window that is not a whole number of days.
    ProblemTooLarge
        When days x series would exceed :data:`MAX_CELLS` cells.
    """
    delta = _window(window)
    missing = [c for c in ("date", "actor", "target", "code", "goldstein") if c not in events]
    if missing:
        raise InputError(f"event table lacks the column(s) {', '.join(missing)}", path="events")
    ev = events.loc[events["actor"].fillna("").astype(str) != ""]
    if actors is not None:
        wanted = {a.strip().upper() for a in actors if a.strip()}
        if wanted:
            ev = ev.loc[ev["actor"].isin(wanted)]
    end = None if until is None else pd.Timestamp(until).normalize()
    if ev.empty:
        return StanceSignals(
            window, weighted, _empty(["actor"]), _empty(["actor", "target"]), tuple(sources), end
        )
    if weighted and "weight" in ev:
        w = ev["weight"].astype("float64").fillna(1.0)
    else:
        w = pd.Series(1.0, index=ev.index)
    code = ev["code"].astype(str)
    base = pd.DataFrame(
        {
            "date": pd.to_datetime(ev["date"]).dt.normalize(),
            "actor": ev["actor"].astype(str),
            "target": ev["target"].fillna("").astype(str),
            "events": 1.0,
            "cooperative": w * code.isin(COOPERATIVE_CODES),
            "rejecting": w * code.isin(REJECTING_CODES),
            "weight": w,
            "gw": w * ev["goldstein"].astype("float64"),
        }
    )
    last = base["date"].max() if end is None else max(end, base["date"].max())
    by_actor = _rolling(base, ["actor"], delta, keep_empty=keep_empty, until=last)
    paired = base.loc[base["target"] != ""]
    by_pair = (
        _rolling(paired, ["actor", "target"], delta, keep_empty=keep_empty, until=last)
        if len(paired)
        else _empty(["actor", "target"])
    )
    return StanceSignals(window, weighted, by_actor, by_pair, tuple(sources), last)


@dataclass(frozen=True, slots=True, eq=False)
class SignalsReport:
    """Stance signals from several origins, kept apart (a statement is not one GDELT event).

    Attributes
    ----------
    series : dict
        ``origin -> StanceSignals``, origins ``"statements"`` and/or ``"events"``.
    reads : tuple of ReadReport
        One report per event file read (malformed lines, filters, duplicates).
    """

    series: dict[str, StanceSignals]
    reads: tuple[ReadReport, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """All series in one long table, with an ``origin`` column."""
        frames = [s.to_frame().assign(origin=k) for k, s in self.series.items()]
        if not frames:
            return pd.DataFrame(columns=["origin", "level", "date", "actor", "target"])
        out = pd.concat(frames, ignore_index=True)
        return out.loc[:, ["origin", *[c for c in out.columns if c != "origin"]]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "series": {k: s.to_dict() for k, s in self.series.items()},
            "reads": [r.to_dict() for r in self.reads],
        }

    def explain(self) -> str:
        parts = []
        for origin, s in self.series.items():
            parts.append(f"From {origin} ({', '.join(s.sources) or origin}):\n{s.explain()}")
        parts += [r.explain() for r in self.reads]
        return "\n\n".join(parts)
