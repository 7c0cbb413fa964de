"""The one module of the service that calls the engines (the service only presents).

Every function takes a scenario's YAML text (and plain parameters) and returns JSON-ready data or
HTML, exactly what the command line prints with ``--json``; they run in the analysis processes
(:mod:`detente.web.pool`), except the quick what-if, which runs in the server for speed.  Loaded
scenarios are kept per process by content hash, so that a what-if, an assessment and a briefing
of one version parse its text once.

Input problems raise :class:`detente.errors.DetenteError`; :func:`diagnostics` turns one into the
``{"line", "column", "path", "message"}`` records the API answers with 422.  Warnings (valid but
probably not meant, :mod:`detente.readiness.warnings`) are the ``warnings`` list of what a
scenario's analyses return, as in ``--json`` (:func:`warnings_of`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from detente._results import jsonable
from detente.errors import DetenteError, InputError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "assessment",
    "briefing_html",
    "check",
    "describe",
    "diagnostics",
    "diff",
    "forecast",
    "judgments",
    "levers",
    "page",
    "quick_many",
    "report",
    "scenario_for",
    "simulate",
    "stability",
    "summary",
    "timeline",
]

_CACHE: OrderedDict[tuple[str, str | None, str | None], Scenario] = OrderedDict()
_CACHE_SIZE = 32
_LOCK = threading.Lock()
_WARNINGS: OrderedDict[tuple[str, str, str | None], list[dict[str, Any]]] = OrderedDict()


def diagnostics(exc: DetenteError) -> list[dict[str, Any]]:
    """The problems of an error as API records (line and column are 1-based, or null)."""
    return [
        {"line": d.line, "column": d.column, "path": d.path, "message": d.message}
        for d in exc.diagnostics()
    ]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_for(
    text: str, *, name: str, as_of: dt.date | None = None, what_if: str | None = None
) -> Scenario:
    """The scenario of ``text``, moved to ``as_of`` and varied by ``what_if`` (kept per process).

    Raises
    ------
    detente.errors.DetenteError
        The loader's problems with the text, or an unknown what-if.
    """
    key = (_digest(text), as_of.isoformat() if as_of else None, what_if)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    if as_of is None and what_if is None:
        from detente.scenario import loads

        scenario = loads(text, filename=name)
    else:
        scenario = scenario_for(text, name=name)
        if as_of is not None:
            scenario = scenario.at(as_of)
        if what_if is not None:
            scenario = scenario.variant(what_if)
    with _LOCK:
        _CACHE[key] = scenario
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return scenario


def warnings_of(text: str, *, name: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """The warnings of a text (moved to ``as_of``) as ``{"file", "line", "column", "path",
    "message"}`` records (kept per process)."""
    key = (_digest(text), name, as_of.isoformat() if as_of else None)
    with _LOCK:
        hit = _WARNINGS.get(key)
        if hit is not None:
            return hit
    from detente.readiness.warnings import scenario_warnings
    from detente.scenario.loader import loads_with_source

    scenario, source = loads_with_source(text, filename=name)
    found = [w.to_dict() for w in scenario_warnings(scenario, source=source, as_of=as_of)]
    with _LOCK:
        _WARNINGS[key] = found
        while len(_WARNINGS) > _CACHE_SIZE:
            _WARNINGS.popitem(last=False)
    return found


def warm() -> None:
    """Import what the analyses use (a worker's first task)."""
    import detente.readiness
    import detente.scenario  # noqa: F401


def check(text: str, *, name: str) -> dict[str, Any]:
    """Validate a text: ``{"errors": [...], "warnings": [...], "id", "title"}`` (id, title and
    warnings when it loads)."""
    try:
        scenario = scenario_for(text, name=name)
    except DetenteError as exc:
        return {"errors": diagnostics(exc), "warnings": [], "id": None, "title": None}
    warned = warnings_of(text, name=name)
    return {"errors": [], "warnings": warned, "id": scenario.id, "title": scenario.title}


def describe(text: str, *, name: str) -> dict[str, Any]:
    """What a page shows beside the text: question, as-of, dates of change, what-ifs."""
    scenario = scenario_for(text, name=name)
    out: dict[str, Any] = jsonable(
        {
            "question": scenario.question,
            "as_of": scenario.as_of,
            "change_dates": list(scenario.change_dates),
            "what_ifs": [{"name": n, "label": w.label} for n, w in scenario.what_ifs.items()],
            "has_strategy": scenario.strategy is not None,
            "has_uncertainty": bool(scenario.uncertainty),
        }
    )
    return out


def assessment(
    text: str, *, name: str, as_of: dt.date | None, what_if: str | None
) -> dict[str, Any]:
    """What ``detente assess --json`` prints."""
    from detente.readiness import assess

    result = assess(scenario_for(text, name=name, as_of=as_of, what_if=what_if)).to_dict()
    return {**result, "warnings": warnings_of(text, name=name, as_of=as_of)}


def what_if_full(
    text: str,
    *,
    name: str,
    as_of: dt.date | None,
    what_if: str | None,
    changes: Mapping[str, Any],
) -> dict[str, Any]:
    """The full assessment with ad hoc changes (the exact path, with levers)."""
    from detente.readiness import assess

    base = scenario_for(text, name=name, as_of=as_of, what_if=what_if)
    result = assess(base.with_changes(changes)).to_dict()
    return {"detail": "full", "changes": dict(changes), **result}


def summary(text: str, *, name: str) -> dict[str, Any]:
    """The verdict, margin and headline of a version (history and diffs)."""
    from detente.readiness import assess

    try:
        result = assess(scenario_for(text, name=name))
    except DetenteError as exc:
        return {"verdict": None, "margin": None, "headline": None, "errors": diagnostics(exc)}
    out: dict[str, Any] = jsonable(
        {
            "verdict": result.verdict,
            "margin": result.margin,
            "headline": result.headline(),
            "errors": [],
        }
    )
    return out


def diff(old: str, new: str, *, old_name: str, new_name: str) -> dict[str, Any]:
    """The line diff of two texts (run here: a diff of two large files takes a while)."""
    from detente.web.textdiff import diff_lines

    return diff_lines(old, new, old_name=old_name, new_name=new_name)


def levers(text: str, *, name: str, as_of: dt.date | None) -> dict[str, Any]:
    """What ``detente levers --json`` prints."""
    from detente.readiness import assess

    result = assess(scenario_for(text, name=name, as_of=as_of))
    out: dict[str, Any] = jsonable(
        {
            "verdict": result.verdict,
            "margin": result.margin,
            "levers": [lv.to_dict() for lv in result.levers],
            "no_lever": list(result.unmovable),
            "fact_levers": [f.to_dict() for f in result.fact_levers],
            "warnings": warnings_of(text, name=name, as_of=as_of),
        }
    )
    return out


def forecast(
    text: str, *, name: str, as_of: dt.date | None, what_if: str | None, issue: str | None
) -> dict[str, Any]:
    """What ``detente forecast --json`` prints."""
    from detente.bargaining import forecast as run

    scenario = scenario_for(text, name=name, as_of=as_of, what_if=what_if)
    out = dict(jsonable(run(scenario, issue=issue).to_dict()))
    return {**out, "warnings": warnings_of(text, name=name, as_of=as_of)}


def stability(text: str, *, name: str) -> dict[str, Any]:
    """What ``detente stability --json`` prints."""
    from detente.graph import stability as run

    scenario = scenario_for(text, name=name)
    if scenario.strategy is None:
        raise InputError(
            "the scenario has no strategy section (see docs/strategy.md)", path="strategy"
        )
    return {**jsonable(run(scenario).to_dict()), "warnings": warnings_of(text, name=name)}


def timeline(text: str, *, name: str) -> dict[str, Any]:
    """Readiness at every dated change (``detente timeline --json``'s series)."""
    from detente.timeline import readiness_series

    scenario = scenario_for(text, name=name)
    out = dict(jsonable(readiness_series(scenario).to_dict()))
    return {**out, "warnings": warnings_of(text, name=name)}


def briefing_html(text: str, *, name: str, as_of: dt.date | None) -> str:
    """The HTML briefing (``detente report``), without a simulation."""
    from detente.briefing import build_briefing, render_html

    return render_html(build_briefing(scenario_for(text, name=name, as_of=as_of)))


def judgments(
    text: str, *, name: str, as_of: dt.date | None, what_if: str | None
) -> list[dict[str, Any]]:
    """Every judgment a what-if can change, with its valid range, its distribution if the
    scenario gives one, and a slider range (the distribution's 0.5%-99.5% quantiles within the
    valid range, else the valid range; capability: up to twice its value)."""
    from detente.scenario import judgment_paths

    scenario = scenario_for(text, name=name, as_of=as_of, what_if=what_if)
    out = []
    for j in judgment_paths(scenario):
        spec = scenario.uncertainty.get(j.path)
        low, high = j.low, j.high
        slider: list[float] | None = None
        if j.kind == "number":
            assert isinstance(j.value, float | int)
            lo = 0.0 if low is None else low
            hi = 2.0 * max(float(j.value), 1.0) if high is None or math.isinf(high) else high
            if spec is not None and not spec.is_choice:
                lo, hi = (
                    spec.quantile(0.005, clip=(lo, hi)),
                    spec.quantile(0.995, clip=(lo, hi)),
                )
            slider = [min(lo, float(j.value)), max(hi, float(j.value))]
        out.append(
            jsonable(
                {
                    "path": j.path,
                    "kind": j.kind,
                    "value": j.value,
                    "low": low,
                    "high": high,
                    "options": list(j.options) if j.options is not None else None,
                    "issue": j.issue,
                    "distribution": str(spec) if spec is not None else None,
                    "slider": slider,
                }
            )
        )
    return out


def page(
    text: str, *, name: str, view: str, as_of: dt.date | None = None, **options: Any
) -> dict[str, Any]:
    """What a workbench page shows (:data:`detente.web.pages.content.VIEWS`), as of a date."""
    from detente.web.pages.content import VIEWS

    scenario = scenario_for(text, name=name, as_of=as_of)
    return VIEWS[view](scenario, text=text, name=name, as_of=as_of, **options)


def validate_changes(scenario: Scenario, changes: Mapping[str, Any]) -> None:
    """Raise the scenario layer's error for a bad path or value (named) in ``changes``."""
    scenario.with_changes(changes)


def quick_many(
    scenario: Scenario, batch: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any] | list[dict[str, Any]]]:
    """Quick what-ifs of one scenario (:func:`detente.readiness.quick.quick_assess_many`): per
    change set the result's dict, or the list of its problems."""
    from detente.readiness.quick import quick_assess_many

    try:
        return [q.to_dict() for q in quick_assess_many(scenario, batch)]
    except DetenteError:
        if len(batch) == 1:
            raise
    out: list[dict[str, Any] | list[dict[str, Any]]] = []
    for changes in batch:  # one bad change set: answer the others, and name its problem
        try:
            out.append(quick_assess_many(scenario, [changes])[0].to_dict())
        except DetenteError as exc:
            out.append(change_problems(exc, changes))
    return out


def change_problems(exc: DetenteError, changes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The problems of a change set, each naming the path it is about (``changes.PATH``)."""
    out = diagnostics(exc)
    for d in out:
        if not d["path"]:
            named = [p for p in changes if d["message"].startswith(f"{p}:")]
            if named:
                d["path"] = named[0]
                d["message"] = d["message"][len(named[0]) + 1 :].strip()
        if d["path"] in changes:
            d["path"] = f"changes.{d['path']}"
    return out


def simulate(
    text: str,
    *,
    name: str,
    as_of: dt.date | None,
    what_if: str | None,
    draws: int,
    seed: int,
    engine: str,
    sensitivity: bool,
    scheduler: str | None,
    progress: Callable[[int, int], None],
) -> dict[str, Any]:
    """What ``detente simulate --json`` prints, with progress ``(draws done, draws)``."""
    from detente.uncertainty import Execution
    from detente.uncertainty import simulate as run

    scenario = scenario_for(text, name=name, as_of=as_of, what_if=what_if)
    result = run(
        scenario,
        n=draws,
        engine=engine,
        sensitivity=sensitivity,
        execution=Execution(seed=seed, scheduler=scheduler, progress=progress),
    )
    out = dict(jsonable(result.to_dict()))
    return {**out, "warnings": warnings_of(text, name=name, as_of=as_of)}


def report(text: str, *, name: str, as_of: dt.date | None, draws: int | None) -> str:
    """The HTML briefing with an optional Monte Carlo section (``detente report --simulate``)."""
    from detente.briefing import build_briefing, render_html

    scenario = scenario_for(text, name=name, as_of=as_of)
    return render_html(build_briefing(scenario, simulate=draws))
