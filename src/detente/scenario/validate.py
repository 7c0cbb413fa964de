"""The rules of docs/format.md that need the whole file.

Each check yields ``(location, message)`` pairs, or ``(location, message, column)`` where the
column points inside an expression; the loader turns them into ``FILE:LINE:COL`` diagnostics and
reports them all at once.  Expressions are compiled here and attached to their red lines and
preconditions, so engines never parse text.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Iterator, Mapping
from typing import Any

from detente.errors import InputError, did_you_mean
from detente.scenario import expr as ex
from detente.scenario.distributions import DistributionSpec
from detente.scenario.model import (
    THRESHOLD_NAME,
    Actor,
    RedLine,
    Scenario,
    red_line_path,
    substitute_threshold,
)
from detente.scenario.paths import Judgment, resolve
from detente.scenario.questions import check_questions
from detente.scenario.yamlio import Loc

__all__ = ["Problem", "check_scenario", "expr_context", "fact_context", "issue_context"]

#: ``(location, message, column inside an expression or None)``
Problem = tuple[Loc, str, int | None]


def issue_context(scenario: Scenario) -> ex.ExprContext:
    """Names a red line may use: the issues."""
    infos = {
        k: ex.IssueInfo(name=k, low=i.low, high=i.high, options=i.options)
        for k, i in scenario.issues.items()
    }
    return ex.ExprContext(issues=infos, facts=())


def fact_context(scenario: Scenario) -> ex.ExprContext:
    """Names a precondition may use: the facts."""
    return ex.ExprContext(issues={}, facts=tuple(scenario.facts))


def expr_context(scenario: Scenario) -> ex.ExprContext:
    """Every name of the scenario (issues and facts)."""
    return ex.ExprContext(issues=issue_context(scenario).issues, facts=tuple(scenario.facts))


def _ref(kind: str, key: str, known: Mapping[str, Any], loc: Loc) -> Iterator[Problem]:
    if key not in known:
        names = ", ".join(list(known)[:12]) or "(none)"
        yield loc, f"unknown {kind} '{key}'{did_you_mean(key, known)}; known: {names}", None


def _sources(data: Any, sources: Mapping[str, Any], loc: Loc) -> Iterator[Problem]:
    # Every ``source:`` anywhere in the file (outside ``sources`` itself) must name a source.
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*loc, key)
            if key == "source" and isinstance(value, str):
                yield from _ref("source", value, sources, here)
            elif key == "sources" and not loc:
                continue
            else:
                yield from _sources(value, sources, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _sources(value, sources, (*loc, i))


def _value_in_issue(scenario: Scenario, issue_id: str, value: Any, loc: Loc) -> Iterator[Problem]:
    issue = scenario.issues[issue_id]
    if issue.contains(value):
        return
    if issue.options is not None:
        hint = did_you_mean(str(value), issue.options)
        yield (
            loc,
            (
                f"{value!r} is not an option of issue '{issue_id}'{hint}; options: "
                + ", ".join(issue.options)
            ),
            None,
        )
    elif isinstance(value, str):
        yield (
            loc,
            f"issue '{issue_id}' is a scale [{issue.low:g}, {issue.high:g}]; "
            f"give a number, not {value!r}",
            None,
        )
    else:
        yield (
            loc,
            f"{value:g} is outside the scale of '{issue_id}' [{issue.low:g}, {issue.high:g}]",
            None,
        )


def _compile(
    text: str, ctx: ex.ExprContext, loc: Loc, *, linear: bool
) -> tuple[ex.Expr | None, list[Problem]]:
    try:
        tree = ex.compile(text, ctx, want="bool")
        if linear:
            ex.to_linear(tree)
    except ex.ExprError as exc:
        return None, [(loc, exc.message, exc.column)]
    return tree, []


def _actor(scenario: Scenario, a: str, actor: Actor) -> Iterator[Problem]:
    base: Loc = ("actors", a)
    for k, v in actor.positions.items():
        if k not in scenario.issues:
            yield from _ref("issue", k, scenario.issues, (*base, "positions", k))
        else:
            yield from _value_in_issue(scenario, k, v, (*base, "positions", k))
    for k in actor.salience:
        if k not in actor.positions:
            if k not in scenario.issues:
                yield from _ref("issue", k, scenario.issues, (*base, "salience", k))
            else:
                yield (
                    (*base, "salience", k),
                    (
                        f"salience for '{k}' but no position on it; give {a} a position on '{k}' "
                        "or drop the salience (an actor with no position on an issue does not care)"
                    ),
                    None,
                )
    for k, table in actor.values.items():
        loc = (*base, "values", k)
        if k not in scenario.issues:
            yield from _ref("issue", k, scenario.issues, loc)
            continue
        issue = scenario.issues[k]
        if issue.options is None:
            yield loc, f"values are for option issues; '{k}' is a scale", None
            continue
        for option in table:
            yield from _ref(
                f"option of '{k}'", option, dict.fromkeys(issue.options), (*loc, option)
            )
        missing = [o for o in issue.options if o not in table]
        if missing:
            yield (
                loc,
                f"values must give every option of '{k}'; missing: {', '.join(missing)}",
                None,
            )
    for i, s in enumerate(actor.supports):
        if s == a:
            yield (*base, "supports", i), "an actor cannot support itself", None
        else:
            yield from _ref("actor", s, scenario.actors, (*base, "supports", i))
    if actor.no_deal is not None:
        for k, v in actor.no_deal.outcome.items():
            loc = (*base, "no_deal", "outcome", k)
            if k not in scenario.issues:
                yield from _ref("issue", k, scenario.issues, loc)
            else:
                yield from _value_in_issue(scenario, k, v, loc)


def _check_paths(
    scenario: Scenario, section: str, entries: Mapping[str, Any], base: Loc
) -> Iterator[Problem]:
    for path, value in entries.items():
        loc = (*base, path)
        try:
            judgment = resolve(scenario, path)
        except KeyError:
            continue  # an actor's position on an unknown issue: reported under its positions
        except InputError as exc:
            message = exc.diagnostic.message
            yield loc, message.split(": ", 1)[1] if message.startswith(path) else message, None
            continue
        if section == "uncertainty":
            problem = _distribution_fits(judgment, value)
            if problem:
                yield loc, problem, None
            continue
        try:
            judgment.check(value)
        except ValueError as exc:
            yield loc, str(exc), None


def _distribution_fits(judgment: Judgment, spec: DistributionSpec) -> str | None:
    """Whether a distribution can describe the judgment (its kind and its valid range)."""
    if judgment.kind == "bool":
        if not spec.is_boolean:
            return (
                "this judgment is true or false: use {bernoulli: P} (true with probability P) "
                "or {choice: [true, false]}"
            )
        return None
    if judgment.kind == "option":
        assert judgment.options is not None
        if not spec.is_options:
            return (
                f"'{judgment.issue}' is an option issue: use {{choice: [...]}} over its options "
                f"({', '.join(judgment.options)})"
            )
        unknown = [str(v) for v in spec.params if v not in judgment.options]
        if unknown:
            return (
                f"{unknown[0]!r} is not an option of '{judgment.issue}'"
                f"{did_you_mean(unknown[0], judgment.options)}"
            )
        return None
    if spec.is_boolean or spec.is_options:
        return "this judgment is a number; give a numeric distribution"
    low = -math.inf if judgment.low is None else judgment.low
    high = math.inf if judgment.high is None else judgment.high
    if judgment.path.endswith(".capability"):
        low = 1e-12
    return spec.check_range(low, high)


def _red_line(
    scenario: Scenario, red_line: RedLine, issues_ctx: ex.ExprContext, base: Loc
) -> list[Problem]:
    """Compile a red line's rule (with its named threshold, if any) and attach the trees."""
    loc = (*base, "rule")
    if red_line.threshold is None:
        tree, errs = _compile(red_line.rule, issues_ctx, loc, linear=True)
        if tree is not None:
            red_line._expr = tree
        return [
            (where, message + _threshold_hint(message), column) for where, message, column in errs
        ]
    if THRESHOLD_NAME in scenario.issues:
        return [
            (
                (*base, "threshold"),
                f"'{THRESHOLD_NAME}' is also an issue of this scenario, so the rule could not "
                "tell them apart; rename the issue to use a named threshold",
                None,
            )
        ]
    pseudo = ex.IssueInfo(name=THRESHOLD_NAME, low=-math.inf, high=math.inf)
    ctx = ex.ExprContext(issues={**issues_ctx.issues, THRESHOLD_NAME: pseudo}, facts=())
    template, errs = _compile(red_line.rule, ctx, loc, linear=True)
    if template is None:
        return errs
    if THRESHOLD_NAME not in ex.names(template):
        return [
            (
                (*base, "threshold"),
                f"the rule does not use the name '{THRESHOLD_NAME}'; write it where this number "
                f"goes (e.g. 'territory >= {THRESHOLD_NAME}'), or drop 'threshold:'",
                None,
            )
        ]
    for atom in ex.atoms(ex.to_linear(template)):
        if set(atom.coef) == {THRESHOLD_NAME}:
            return [
                (
                    loc,
                    f"'{THRESHOLD_NAME}' is compared with numbers only in '{atom}'; a threshold "
                    "must bound issues (e.g. 'territory >= threshold')",
                    None,
                )
            ]
    red_line._template = template
    red_line._expr = substitute_threshold(template, red_line.threshold)
    return []


def _threshold_hint(message: str) -> str:
    if message.startswith(f"unknown name '{THRESHOLD_NAME}'"):
        return "; to name a number of the rule, give the red line 'threshold: NUMBER'"
    return ""


def _probability_twice(scenario: Scenario, raw: Any) -> Iterator[Problem]:
    """A red line's ``probability:`` and an uncertainty entry on its ``active`` both given."""
    written = raw.get("uncertainty") if isinstance(raw, dict) else None
    if not isinstance(written, dict):
        return
    for a, actor in scenario.actors.items():
        for j, line in enumerate(actor.red_lines):
            path = red_line_path(a, j, "active")
            if line.probability is not None and path in written:
                yield (
                    ("actors", a, "red_lines", j, "probability"),
                    f"give either 'probability: {line.probability:g}' here or the uncertainty "
                    f"entry '{path}', not both (they say the same thing)",
                    None,
                )


def check_scenario(
    scenario: Scenario, raw: Any, *, invalid: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every whole-file rule; compiles and attaches the expressions as a side effect.

    Every rule runs whatever the others found, so that a file's problems are all reported at
    once (a misspelt issue id does not hide a broken red line).  ``invalid`` names top-level
    sections that were in the file but failed validation, whole or in part (they are not
    "missing", and counting what is left of them would report echoes).
    """
    problems: list[Problem] = []
    problems.extend(_sources(raw, scenario.sources, ()))
    for k, issue in scenario.issues.items():
        problems.extend(_value_in_issue(scenario, k, issue.status_quo, ("issues", k, "status_quo")))
    for section in ("issues", "facts"):
        for name in getattr(scenario, section):
            if keyword.iskeyword(name) or name in ("true", "false"):
                problems.append(
                    (
                        (section, name),
                        (f"'{name}' cannot be an id: it is a word of the expression language"),
                        None,
                    )
                )
    clash = set(scenario.issues) & set(scenario.facts)
    for name in sorted(clash):
        problems.append(
            (("facts", name), f"'{name}' is both an issue and a fact; rename one", None)
        )
    for a, actor in scenario.actors.items():
        problems.extend(_actor(scenario, a, actor))

    if (
        scenario.actors
        and not scenario.single_veto
        and len(scenario.veto_actors) < 2
        and "actors" not in invalid
    ):
        vetoes = ", ".join(scenario.veto_actors) or "none"
        problems.append(
            (
                (("actors",)),
                (
                    f"at least two actors must have a veto (found: {vetoes}); "
                    "a deal needs the consent of "
                    "two sides. If one is enough, say so with 'single_veto: true'"
                ),
                None,
            )
        )
    if not scenario.actors and scenario.strategy is None and "actors" not in invalid:
        problems.append(
            ((), "a scenario needs 'actors' (or, for a graph model alone, 'strategy')", None)
        )
    if scenario.issues and not scenario.actors and "actors" not in invalid:
        problems.append(
            (("issues",), "issues without actors: add the actors who hold positions", None)
        )

    issues_ctx, facts_ctx = issue_context(scenario), fact_context(scenario)
    for a, actor in scenario.actors.items():
        for i, red_line in enumerate(actor.red_lines):
            problems.extend(
                _red_line(scenario, red_line, issues_ctx, ("actors", a, "red_lines", i))
            )
        for i, pre in enumerate(actor.preconditions):
            loc = ("actors", a, "preconditions", i, "requires")
            tree, errs = _compile(pre.requires, facts_ctx, loc, linear=False)
            problems.extend(errs)
            if tree is not None:
                pre._expr = tree

    for i, st in enumerate(scenario.statements):
        problems.extend(_ref("actor", st.actor, scenario.actors, ("statements", i, "actor")))
        if st.target is not None:
            problems.extend(_ref("actor", st.target, scenario.actors, ("statements", i, "target")))
    for i, entry in enumerate(scenario.timeline):
        problems.extend(_check_paths(scenario, "timeline", entry.set, ("timeline", i, "set")))
    for name, variant in scenario.what_ifs.items():
        problems.extend(_check_paths(scenario, "what_ifs", variant.set, ("what_ifs", name, "set")))
    problems.extend(_check_paths(scenario, "uncertainty", scenario.uncertainty, ("uncertainty",)))
    problems.extend(_probability_twice(scenario, raw))
    if scenario.strategy is not None:
        from detente.scenario.strategy import validate_strategy

        actor_ids = set(scenario.actors) if scenario.actors else None
        for where, message in validate_strategy(scenario.strategy, actor_ids=actor_ids):
            problems.append((where, message, None))
    problems.extend(check_questions(scenario))
    return problems
