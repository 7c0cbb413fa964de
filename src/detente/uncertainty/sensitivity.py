"""Which judgments move each answer: Sobol' indices and a tornado of one-at-a-time swings.

Sobol' indices (variance-based, global)
---------------------------------------
For an output ``Y = f(X_1, ..., X_p)`` of independent judgments, the first-order index
``S_j = Var(E[Y | X_j]) / Var(Y)`` is the share of the output's variance that judgment ``j``
explains alone, and the total index ``ST_j = E[Var(Y | X_~j)] / Var(Y)`` the share that involves
it at all, interactions included (Sobol' 1993; Homma & Saltelli 1996).  ``ST_j`` near 0 means
the judgment could be fixed anywhere in its range without changing the answer; ``ST_j - S_j``
measures how much it acts through interactions.  They are estimated with Saltelli's scheme
(Saltelli 2002; Saltelli et al. 2010, *Comput. Phys. Commun.* 181, estimators of Table 2, as
implemented by SALib: Herman & Usher 2017, Iwanaga et al. 2022): a scrambled Sobol' sequence
of ``N (p + 2)`` points in the unit hypercube (``SALib.sample.sobol``) mapped to the judgments
through their inverse CDFs -- the same code path as the Monte Carlo draws -- then
``SALib.analyze.sobol`` with bootstrap confidence intervals.

Categorical outputs (a verdict) are analysed through the indicator of each category, whose
variance decomposition is that of the probability of the category.

Tornado (one at a time, local)
------------------------------
Each judgment in turn swings between its 10th and 90th percentiles while the others stay at
their base values (their medians, unless given), and the bars are ranked by the swing of the
output (Howard 1988, "Decision analysis: practice and promise", *Management Science* 34).  Cheap
(``2p + 1`` evaluations) and easy to read, but blind to interactions: use it beside the Sobol'
indices, not instead of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente._results import jsonable
from detente.errors import InputError, ProblemTooLarge
from detente.uncertainty.runner import Execution, Model, _checked, evaluate
from detente.uncertainty.sampling import MAX_CELLS, JudgmentLike, as_judgments

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SobolIndices",
    "SobolResult",
    "TornadoBar",
    "TornadoResult",
    "output_columns",
    "sobol",
    "tornado",
]

_U_LOW = 2.0**-54
_U_HIGH = 1.0 - 2.0**-53


def output_columns(outputs: Mapping[str, npt.ArrayLike]) -> dict[str, npt.NDArray[Any]]:
    """Flatten model outputs into named 1-D columns.

    A 1-D output keeps its name; column ``k`` of a 2-D output becomes ``"name[k]"``.
    """
    out: dict[str, npt.NDArray[Any]] = {}
    for name, value in outputs.items():
        arr = np.asarray(value)
        if arr.ndim == 1:
            out[name] = arr
        else:
            flat = arr.reshape(arr.shape[0], -1)
            for k in range(flat.shape[1]):
                out[f"{name}[{k}]"] = flat[:, k]
    return out


def _is_numeric(arr: npt.NDArray[Any]) -> bool:
    return arr.dtype.kind in "fiub"


def _targets(
    outputs: Mapping[str, npt.ArrayLike], wanted: Sequence[str] | None
) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[Any]]:
    columns = output_columns(outputs)
    if wanted is None:
        return columns
    missing = [w for w in wanted if w not in columns]
    if missing:
        raise InputError(
            f"the model has no output '{missing[0]}'; it has {', '.join(columns) or 'none'}",
            path="outputs",
        )
    return {w: columns[w] for w in wanted}


# ---------------------------------------------------------------------- Sobol'
@dataclass(frozen=True, slots=True)
class SobolIndices:
    """Sobol' indices of one judgment for one output (``*_conf``: half-width of the interval)."""

    output: str
    judgment: str
    S1: float
    S1_conf: float
    ST: float
    ST_conf: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "judgment": self.judgment,
            "S1": jsonable(self.S1),
            "S1_conf": jsonable(self.S1_conf),
            "ST": jsonable(self.ST),
            "ST_conf": jsonable(self.ST_conf),
        }


@dataclass(frozen=True)
class SobolResult:
    """Sobol' first-order and total indices of each output with respect to each judgment.

    Attributes
    ----------
    judgments : tuple of str
        The judgments, in input order.
    indices : tuple of SobolIndices
        One row per (output, judgment), outputs in order, judgments ranked by total index.
    n : int
        Base sample size (a power of two); the model ran ``n (p + 2)`` times.
    seed : int
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    conf_level : float
        Confidence level of the ``*_conf`` half-widths.
    skipped : dict of str to str
        Outputs that could not be analysed, with the reason (constant, undefined in some draws).
    """

    judgments: tuple[str, ...]
    indices: tuple[SobolIndices, ...]
    n: int
    seed: int
    conf_level: float = 0.95
    skipped: Mapping[str, str] = field(default_factory=dict)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The analysed outputs, in order."""
        return tuple(dict.fromkeys(row.output for row in self.indices))

    def for_output(self, output: str) -> tuple[SobolIndices, ...]:
        """The indices of one output, judgments ranked by total index (largest first)."""
        rows = tuple(row for row in self.indices if row.output == output)
        if not rows:
            raise KeyError(f"no Sobol' indices for output '{output}'")
        return rows

    def ranking(self, output: str) -> tuple[str, ...]:
        """Judgments ranked by total index for ``output``."""
        return tuple(row.judgment for row in self.for_output(output))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "sobol",
            "n": self.n,
            "evaluations": self.n * (len(self.judgments) + 2),
            "seed": self.seed,
            "conf_level": self.conf_level,
            "judgments": list(self.judgments),
            "indices": [row.to_dict() for row in self.indices],
            "skipped": dict(self.skipped),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per (output, judgment): S1, S1_conf, ST, ST_conf."""
        import pandas as pd  # imported here: workers never need pandas

        columns = ["output", "judgment", "S1", "S1_conf", "ST", "ST_conf"]
        return pd.DataFrame([row.to_dict() for row in self.indices], columns=columns)

    def explain(self, *, top: int = 3) -> str:
        pct = round(100 * self.conf_level)
        lines = [
            f"Sobol' sensitivity from {self.n * (len(self.judgments) + 2)} model runs "
            f"(base sample {self.n}, seed {self.seed}). The first-order index is the share of an "
            "answer's variance a judgment explains on its own; the total index the share it is "
            f"involved in, interactions included (± half-width of the {pct}% interval)."
        ]
        for output in self.outputs:
            rows = self.for_output(output)
            drivers = [r for r in rows if max(0.01, r.ST_conf) < r.ST][:top]
            if not drivers:
                lines.append(f"- {output}: no judgment moves it noticeably.")
                continue
            parts = []
            for r in drivers:
                text = f"{r.judgment} (total {r.ST:.2f} ± {r.ST_conf:.2f}, alone {r.S1:.2f})"
                if max(0.05, r.ST_conf) < r.ST - r.S1:
                    text += ", partly through interactions"
                parts.append(text)
            idle = [r.judgment for r in rows if r.ST <= 0.01]
            tail = f" Fixing {', '.join(idle)} would change little." if idle else ""
            lines.append(f"- {output}: driven most by {'; '.join(parts)}.{tail}")
        for output, reason in self.skipped.items():
            lines.append(f"- {output}: not analysed ({reason}).")
        return "\n".join(lines)


def sobol(
    model: Model,
    specs: Sequence[JudgmentLike],
    n: int,
    *,
    outputs: Sequence[str] | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    execution: Execution | None = None,
) -> SobolResult:
    """Sobol' first-order and total indices of the model's outputs (Saltelli scheme, SALib).

    Parameters
    ----------
    model : Model
        Vectorised model, ``(m, p)`` judgments -> ``{name: array of m rows}``.
    specs : sequence of Judgment or (name, DistributionSpec, valid range)
        The uncertain judgments (independent).
    n : int
        Base sample size, rounded up to a power of two (the balance property of Sobol'
        sequences); the model is evaluated ``n (p + 2)`` times.
    outputs : sequence of str, optional
        Outputs (or ``"name[k]"`` columns) to analyse; default all.  Non-numeric outputs are
        analysed per category (``"verdict=ripe"``).
    conf_level, num_resamples : float, int
        Bootstrap confidence intervals of the indices.
    execution : Execution, optional
        Where and how the design is evaluated (:func:`detente.uncertainty.runner.run`); its
        seed seeds the scrambled Sobol' sequence and the bootstrap intervals.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    judgments = as_judgments(specs)
    p = len(judgments)
    if p == 0:
        raise InputError("Sobol' indices need at least one uncertain judgment", path="uncertainty")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise InputError(f"Sobol' base sample size must be an integer >= 2; got {n!r}")
    ex = Execution() if execution is None else execution
    seed = ex.seed
    base = 1 << (n - 1).bit_length()
    rows = base * (p + 2)
    if rows * p > MAX_CELLS:
        raise ProblemTooLarge(
            f"a Sobol' design of base {base} for {p} judgments has {rows} rows "
            f"({rows * p * 8 / 2**30:.1f} GiB); use a smaller base sample"
        )
    names = [j.path for j in judgments]
    problem = {"num_vars": p, "names": names, "bounds": [[0.0, 1.0]] * p}
    u = np.clip(
        sobol_sample.sample(problem, base, calc_second_order=False, scramble=True, seed=seed),
        _U_LOW,
        _U_HIGH,
    )
    x = np.column_stack([j.ppf(u[:, col]) for col, j in enumerate(judgments)])
    y = evaluate(model, x, execution=ex)
    found: list[SobolIndices] = []
    skipped: dict[str, str] = {}
    for name, column in _targets(y, outputs).items():
        if _is_numeric(column):
            series = {name: column.astype(np.float64)}
        else:
            series = {f"{name}={c}": (column == c).astype(np.float64) for c in np.unique(column)}
        for label, values in series.items():
            if not np.all(np.isfinite(values)):
                skipped[label] = "undefined in some draws"
                continue
            if float(np.var(values)) <= 1e-300:
                skipped[label] = "constant: no judgment moves it"
                continue
            si = sobol_analyze.analyze(
                problem,
                values,
                calc_second_order=False,
                num_resamples=num_resamples,
                conf_level=conf_level,
                print_to_console=False,
                seed=seed,
            )
            block = [
                SobolIndices(
                    output=label,
                    judgment=names[k],
                    S1=float(si["S1"][k]),
                    S1_conf=float(si["S1_conf"][k]),
                    ST=float(si["ST"][k]),
                    ST_conf=float(si["ST_conf"][k]),
                )
                for k in range(p)
            ]
            block.sort(key=lambda r: -r.ST if math.isfinite(r.ST) else math.inf)
            found.extend(block)
    return SobolResult(
        judgments=tuple(names),
        indices=tuple(found),
        n=base,
        seed=seed,
        conf_level=conf_level,
        skipped=skipped,
    )


# ---------------------------------------------------------------------- tornado
@dataclass(frozen=True, slots=True)
class TornadoBar:
    """One judgment's one-at-a-time swing for one output.

    ``swing`` is ``|output_high - output_low|`` for a numeric output; for a categorical one, the
    number of the two swings (0, 1 or 2) that change the category from its base value.
    """

    output: str
    judgment: str
    low: float
    high: float
    output_low: Any
    output_high: Any
    swing: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "judgment": self.judgment,
            "low": jsonable(self.low),
            "high": jsonable(self.high),
            "output_low": jsonable(self.output_low),
            "output_high": jsonable(self.output_high),
            "swing": jsonable(self.swing),
        }


@dataclass(frozen=True)
class TornadoResult:
    """A tornado: each judgment swung alone between two percentiles, the others at base.

    Attributes
    ----------
    base : dict of str to float
        The judgments' base values.
    base_outputs : dict of str to value
        The outputs at the base values.
    bars : tuple of TornadoBar
        Per output (in order), judgments ranked by swing (largest first).
    low_q, high_q : float
        The percentiles of the swings.
    """

    base: Mapping[str, float]
    base_outputs: Mapping[str, Any]
    bars: tuple[TornadoBar, ...]
    low_q: float = 0.1
    high_q: float = 0.9

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(self.base_outputs)

    def for_output(self, output: str) -> tuple[TornadoBar, ...]:
        """The bars of one output, largest swing first."""
        bars = tuple(b for b in self.bars if b.output == output)
        if not bars:
            raise KeyError(f"no tornado for output '{output}'")
        return bars

    def ranking(self, output: str) -> tuple[str, ...]:
        return tuple(b.judgment for b in self.for_output(output))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "tornado",
            "low_q": self.low_q,
            "high_q": self.high_q,
            "base": jsonable(dict(self.base)),
            "base_outputs": jsonable(dict(self.base_outputs)),
            "bars": [b.to_dict() for b in self.bars],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per (output, judgment), ranked by swing within each output."""
        import pandas as pd  # imported here: workers never need pandas

        columns = ["output", "judgment", "low", "high", "output_low", "output_high", "swing"]
        return pd.DataFrame([b.to_dict() for b in self.bars], columns=columns)

    def explain(self, *, top: int = 3) -> str:
        lo, hi = round(100 * self.low_q), round(100 * self.high_q)
        lines = [
            f"Tornado: each judgment moved alone from its {lo}th to its {hi}th percentile, the "
            "others held at their base values (interactions are not shown; see the Sobol' "
            "indices)."
        ]
        for output in self.outputs:
            base = _show(self.base_outputs[output])
            moving = [b for b in self.for_output(output) if b.swing > 0][:top]
            if not moving:
                lines.append(f"- {output} (base {base}): no single judgment moves it.")
                continue
            parts = [
                f"{b.judgment} {_show(b.low)}→{_show(b.high)} takes it "
                f"{_show(b.output_low)}→{_show(b.output_high)}"
                for b in moving
            ]
            lines.append(f"- {output} (base {base}): {'; '.join(parts)}.")
        return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.3g}"
    return str(value)


def tornado(
    model: Model,
    specs: Sequence[JudgmentLike],
    *,
    base: Mapping[str, float] | None = None,
    low_q: float = 0.1,
    high_q: float = 0.9,
    outputs: Sequence[str] | None = None,
) -> TornadoResult:
    """One-at-a-time swings of each judgment between two percentiles (default 10th and 90th).

    Parameters
    ----------
    model : Model
        Vectorised model; evaluated once on ``2p + 1`` rows.
    specs : sequence of Judgment or (name, DistributionSpec, valid range)
        The uncertain judgments.
    base : mapping of str to float, optional
        Base value of each judgment (e.g. the scenario's own numbers); default its median.
    low_q, high_q : float
        Percentiles of the swing, ``0 <= low_q < high_q <= 1``.
    outputs : sequence of str, optional
        Outputs (or ``"name[k]"`` columns) to show; default all.
    """
    judgments = as_judgments(specs)
    if not 0.0 <= low_q < high_q <= 1.0:
        raise InputError(f"tornado percentiles need 0 <= low < high <= 1; got {low_q}, {high_q}")
    given = dict(base or {})
    unknown = [k for k in given if k not in {j.path for j in judgments}]
    if unknown:
        raise InputError(
            "a base value is given for a judgment with no distribution", path=unknown[0]
        )
    p = len(judgments)
    centre = np.array([given.get(j.path, j.quantile(0.5)) for j in judgments], dtype=float)
    lows = np.array([j.quantile(low_q) for j in judgments], dtype=float)
    highs = np.array([j.quantile(high_q) for j in judgments], dtype=float)
    rows = np.tile(centre, (2 * p + 1, 1))
    idx = np.arange(p)
    rows[1 + 2 * idx, idx] = lows
    rows[2 + 2 * idx, idx] = highs
    columns = _targets(_checked(model(rows), rows.shape[0]), outputs)
    bars: list[TornadoBar] = []
    base_outputs: dict[str, Any] = {}
    for name, column in columns.items():
        numeric = _is_numeric(column)
        values = column.astype(np.float64) if numeric else column
        base_outputs[name] = values[0].item()
        block = []
        for k, j in enumerate(judgments):
            at_low, at_high = values[1 + 2 * k].item(), values[2 + 2 * k].item()
            if numeric:
                swing = abs(at_high - at_low)
            else:
                swing = float(at_low != values[0]) + float(at_high != values[0])
            block.append(
                TornadoBar(name, j.path, float(lows[k]), float(highs[k]), at_low, at_high, swing)
            )
        block.sort(key=lambda b: -b.swing if math.isfinite(b.swing) else math.inf)
        bars.extend(block)
    return TornadoResult(
        base={j.path: float(centre[k]) for k, j in enumerate(judgments)},
        base_outputs=base_outputs,
        bars=tuple(bars),
        low_q=low_q,
        high_q=high_q,
    )
