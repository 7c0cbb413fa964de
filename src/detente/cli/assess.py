"""``detente assess`` and ``detente levers``: can talks start, why not, what would change it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli._app import app
from detente.cli._output import load_scenario, parse_date, print_json, write_text
from detente.errors import InputError, did_you_mean

FileArg = Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)]
BudgetOpt = Annotated[
    float,
    typer.Option(
        "--budget",
        help="Seconds of solver work for the whole command; what it cannot determine in time "
        "is reported as not determined.",
    ),
]


@app.command()
def assess(
    file: FileArg,
    what_if: Annotated[
        str | None, typer.Option("--what-if", help="Assess this named what-if variant.")
    ] = None,
    all_what_ifs: Annotated[
        bool, typer.Option("--all-what-ifs", help="Assess the base and every what-if variant.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Apply the timeline entries up to this date (YYYY-MM-DD)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="text, or markdown (verdict, actors and what-ifs, for documents)."
        ),
    ] = "text",
    budget: BudgetOpt = 30.0,
) -> None:
    """Can talks start? The verdict in one sentence, who is short by how much, what clashes,
    and what would change it."""
    if what_if is not None and all_what_ifs:
        raise InputError("give either --what-if NAME or --all-what-ifs, not both", path="--what-if")
    parse_date(as_of)
    if output_format not in ("text", "markdown"):
        raise InputError(
            f"unknown format '{output_format}'{did_you_mean(output_format, ('text', 'markdown'))}; "
            "choose text or markdown (or --json)",
            path="--format",
        )
    seconds = _seconds(budget)
    scenario, warned = load_scenario(file, as_of=as_of, what_if=what_if)
    from detente.readiness import Budget

    limits = Budget(seconds=seconds)
    with limits.window():  # the whole command, whatever it assesses
        if output_format == "markdown":
            from detente.briefing import build_briefing, markdown

            sections = ("whatifs",) if all_what_ifs or what_if is None else ()
            write_text(markdown(build_briefing(scenario, sections=sections)))
            return
        _assess(scenario, limits, all_what_ifs=all_what_ifs, as_json=as_json, warned=warned)


def _seconds(budget: float) -> float:
    if not 0 < budget < float("inf"):
        raise InputError(
            f"--budget must be a positive number of seconds, got {budget:g}", path="--budget"
        )
    return budget


def _assess(scenario: Any, limits: Any, *, all_what_ifs: bool, as_json: bool, warned: Any) -> None:
    from detente.readiness import assess as assess_scenario
    from detente.readiness import assess_what_ifs

    if all_what_ifs:
        comparison = assess_what_ifs(scenario, budget=limits)
        if as_json:
            print_json(comparison.to_dict(), warnings=warned)
            return
        blocks = [comparison.explain(), "", "== Base", comparison.base.explain()]
        for name, result in comparison.variants.items():
            blocks += ["", f"== What if {comparison.labels[name]} ({name})", result.explain()]
        write_text("\n".join(blocks))
        return
    result = assess_scenario(scenario, budget=limits)
    if as_json:
        print_json(result.to_dict(), warnings=warned)
        return
    write_text(result.explain())


@app.command()
def levers(
    file: FileArg,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Apply the timeline entries up to this date (YYYY-MM-DD)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the levers as JSON.")] = False,
    budget: BudgetOpt = 30.0,
    n: Annotated[
        int,
        typer.Option(
            "-n",
            "--draws",
            help="Monte Carlo draws for what decides the verdict (when the scenario has an "
            "uncertainty section; 0 to skip).",
        ),
    ] = 4000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of those draws.")] = 0,
) -> None:
    """What would it take: the smallest change of each judgment that opens a zone of agreement,
    most plausible first, the facts that would meet the preconditions, and (Monte Carlo over the
    uncertainty section) the judgments ranked by how much knowing each would settle the
    verdict."""
    from detente.readiness import Budget
    from detente.readiness import assess as assess_scenario

    seconds = _seconds(budget)
    if isinstance(n, bool) or n < 0:
        raise InputError(f"--draws must be 0 or more, got {n}", path="--draws")
    scenario, warned = load_scenario(file, as_of=as_of)
    limits = Budget(seconds=seconds)
    with limits.window():
        result = assess_scenario(scenario, budget=limits)
        decisive = None
        if n and scenario.uncertainty:
            from detente.uncertainty import Execution
            from detente.uncertainty.simulate import simulate as run_simulation

            summary = run_simulation(
                scenario, n=n, sensitivity=False, decisive=True, execution=Execution(seed=seed)
            )
            decisive = summary.decisive
        _print_levers(result, as_json=as_json, warned=warned, decisive=decisive)


def _print_levers(result: Any, *, as_json: bool, warned: Any, decisive: Any = None) -> None:
    if as_json:
        print_json(
            {
                "verdict": result.verdict,
                "margin": result.margin,
                "stage": result.stage,
                "levers": [lv.to_dict() for lv in result.levers],
                "no_lever": list(result.unmovable),
                "levers_undetermined": list(result.levers_undetermined),
                "fact_levers": [f.to_dict() for f in result.fact_levers],
                "red_line_levers": [r.to_dict() for r in result.red_line_levers],
                "decisive": None if decisive is None else decisive.to_dict(),
            },
            warnings=warned,
        )
        return
    lines = [result.headline()]
    if result.zopa:
        lines.append("A zone of agreement already exists: no judgment needs to change.")
    elif result.levers:
        lines.append("Smallest single changes that would open a zone of agreement:")
        lines += [f"  {i}. {lv.explain()}" for i, lv in enumerate(result.levers, 1)]
    elif not result.levers_undetermined:
        lines.append("No single judgment change within its valid range opens a ZOPA.")
    if result.levers_undetermined:
        lines.append("Not determined within the budget: " + ", ".join(result.levers_undetermined))
    if result.unmovable:
        lines.append(
            "No change within the valid range suffices for: " + ", ".join(result.unmovable)
        )
    if result.red_line_levers:
        lines.append("Red lines whose absence alone would open a zone of agreement:")
        lines += [f"  - {r.explain()}" for r in result.red_line_levers]
    facts = list(result.fact_levers)
    if facts:
        lines.append("Preconditions:")
        lines += [f"  - {f.explain()}" for f in facts]
    if decisive is not None:
        lines += _decisive_lines(decisive)
    write_text("\n".join(lines))


def _decisive_lines(decisive: Any, *, top: int = 8) -> list[str]:
    """What decides the verdict, one judgment a line (the JSON output has all of them)."""
    if decisive.entropy <= 1e-12:
        return [f"The verdict is the same in all {decisive.n} Monte Carlo draws."]
    pct = round(100 * decisive.level)
    lines = [
        f"What decides the verdict ({decisive.n} Monte Carlo draws; share of the verdict's "
        f"uncertainty, {decisive.entropy:.3f} bits, that knowing the judgment would remove, "
        f"with its {pct}% interval):"
    ]
    for i, j in enumerate(decisive.judgments[:top], 1):
        noise = "" if j.measurable else "; within sampling noise"
        lines.append(
            f"  {i}. {j.path}: {j.share:.0%} ({j.information:.3f} bits, "
            f"{j.low:.3f}–{j.high:.3f}{noise})"
        )
    return lines
