"""Summaries of Monte Carlo outputs: probabilities with intervals, quantiles, sensitivity.

The probability of each category (a verdict) is the share of draws in which it occurs, with the
Wilson score interval (Wilson 1927, *JASA* 22; recommended over the Wald interval by Brown, Cai &
DasGupta 2001, *Statistical Science* 16)::

    centre = (p + z^2 / 2n) / (1 + z^2 / n)
    half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)

with ``p = k / n`` and ``z`` the normal quantile of the confidence level.  It stays inside
[0, 1] and is sensible at ``k = 0`` or ``k = n``.  It assumes independent draws; Latin hypercube
draws are negatively correlated in each margin, so for them it is conservative.

Numeric outputs get their mean, standard deviation and quantiles over the draws where they are
defined (non-finite values, e.g. "no closest deal", are counted as missing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import special

from detente._results import jsonable
from detente.errors import InputError
from detente.uncertainty.sensitivity import SobolResult, TornadoResult, output_columns

if TYPE_CHECKING:
    import pandas as pd

    from detente.uncertainty.decisive import Decisiveness

__all__ = [
    "DEFAULT_QUANTILES",
    "CategoryProbability",
    "CategorySummary",
    "NumericSummary",
    "SimulationSummary",
    "summarize",
    "summarize_categories",
    "summarize_numeric",
    "wilson_interval",
]

DEFAULT_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def wilson_interval(
    k: npt.ArrayLike, n: npt.ArrayLike, *, level: float = 0.95
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Wilson score interval of a binomial proportion ``k / n`` (vectorised).

    Returns ``(low, high)``; where ``n == 0`` the interval is the uninformative ``(0, 1)``.
    """
    if not 0.0 < level < 1.0:
        raise InputError(f"confidence level must be in (0, 1); got {level}")
    kk = np.asarray(k, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    if np.any(kk < 0) or np.any(kk > nn):
        raise InputError("counts must satisfy 0 <= k <= n")
    z = float(special.ndtri(0.5 + level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = kk / nn
        denom = 1.0 + z * z / nn
        centre = (p + z * z / (2 * nn)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn))
        low = np.where(nn > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
        high = np.where(nn > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    # Exact ends: the interval must contain 0 when k == 0 and 1 when k == n.
    low = np.where(kk == 0, 0.0, low)
    high = np.where((kk == nn) & (nn > 0), 1.0, high)
    return low, high


def _pct(x: float) -> str:
    if 0.0 < x < 0.001:
        return "<0.1%"
    if 0.999 < x < 1.0:
        return ">99.9%"
    return f"{100 * x:.1f}%"


def _num(x: float) -> str:
    return f"{x:.3g}"


@dataclass(frozen=True, slots=True)
class CategoryProbability:
    """How often one category occurred, with its Wilson interval."""

    category: str
    count: int
    probability: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "count": self.count,
            "probability": jsonable(self.probability),
            "low": jsonable(self.low),
            "high": jsonable(self.high),
        }


@dataclass(frozen=True)
class CategorySummary:
    """The distribution of a categorical output (e.g. the verdict) over the draws.

    Attributes
    ----------
    output : str
    n : int
        Draws counted.
    level : float
        Confidence level of the intervals.
    categories : tuple of CategoryProbability
        Every category (those listed by the caller first, in order, even if never seen).
    """

    output: str
    n: int
    level: float
    categories: tuple[CategoryProbability, ...]

    def probability(self, category: str) -> CategoryProbability:
        for c in self.categories:
            if c.category == category:
                return c
        raise KeyError(f"'{self.output}' has no category '{category}'")

    @property
    def most_likely(self) -> CategoryProbability:
        return max(self.categories, key=lambda c: c.count)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "n": self.n,
            "level": self.level,
            "categories": [c.to_dict() for c in self.categories],
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # imported here: workers never need pandas

        rows = [{"output": self.output, **c.to_dict()} for c in self.categories]
        columns = ["output", "category", "count", "probability", "low", "high"]
        return pd.DataFrame(rows, columns=columns)

    def explain(self) -> str:
        pct = round(100 * self.level)
        parts = [
            f"{c.category} {_pct(c.probability)} ({pct}% interval {_pct(c.low)}–{_pct(c.high)})"
            for c in sorted(self.categories, key=lambda c: -c.count)
        ]
        return f"{self.output} over {self.n} draws: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class NumericSummary:
    """The distribution of a numeric output over the draws where it is defined.

    Attributes
    ----------
    output : str
    n : int
        Draws in total.
    missing : int
        Draws where the output is not a finite number.
    mean, sd, min, max : float
        Over the defined draws (NaN if there are none).
    quantiles : tuple of (level, value)
        Empirical quantiles (linear interpolation, Hyndman & Fan 1996 type 7).
    """

    output: str
    n: int
    missing: int
    mean: float
    sd: float
    min: float
    max: float
    quantiles: tuple[tuple[float, float], ...]

    def quantile(self, q: float) -> float:
        for level, value in self.quantiles:
            if math.isclose(level, q):
                return value
        raise KeyError(f"quantile {q} of '{self.output}' was not computed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "n": self.n,
            "missing": self.missing,
            "mean": jsonable(self.mean),
            "sd": jsonable(self.sd),
            "min": jsonable(self.min),
            "max": jsonable(self.max),
            "quantiles": {f"{q:g}": jsonable(v) for q, v in self.quantiles},
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # imported here: workers never need pandas

        rows: list[dict[str, Any]] = [
            {"output": self.output, "statistic": name, "value": value}
            for name, value in (("mean", self.mean), ("sd", self.sd), ("min", self.min))
        ]
        rows += [
            {"output": self.output, "statistic": f"q{q:g}", "value": v} for q, v in self.quantiles
        ]
        rows.append({"output": self.output, "statistic": "max", "value": self.max})
        return pd.DataFrame(rows, columns=["output", "statistic", "value"])

    def explain(self) -> str:
        defined = self.n - self.missing
        if defined == 0:
            return f"{self.output}: undefined in all {self.n} draws."
        qs = dict(self.quantiles)
        text = f"{self.output}: mean {_num(self.mean)} (sd {_num(self.sd)})"
        if 0.5 in qs:
            text += f", median {_num(qs[0.5])}"
        lo = min(qs) if qs else None
        hi = max(qs) if qs else None
        if lo is not None and hi is not None and lo < hi:
            text += f", {round(100 * lo)}–{round(100 * hi)}% range {_num(qs[lo])} to {_num(qs[hi])}"
        if self.missing:
            text += f"; undefined in {self.missing} of {self.n} draws"
        return text + "."


def summarize_categories(
    values: npt.ArrayLike,
    *,
    output: str,
    labels: Sequence[str] | None = None,
    level: float = 0.95,
) -> CategorySummary:
    """Probability of each category with its Wilson interval.

    Parameters
    ----------
    values : array_like
        One category per draw: labels, booleans, or integer codes.
    labels : sequence of str, optional
        For integer codes, the label of code ``k`` is ``labels[k]``; otherwise the categories to
        list first, in this order, even when they never occur.
    """
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise InputError(f"output '{output}' must have one value per draw", path=output)
    n = int(arr.size)
    if labels is not None and arr.dtype.kind in "iu":
        if n and (arr.min() < 0 or arr.max() >= len(labels)):
            raise InputError(
                f"output '{output}' has codes outside 0..{len(labels) - 1}", path=output
            )
        counts = np.bincount(arr.astype(np.int64), minlength=len(labels))
        names, tally = list(labels), counts.tolist()
    else:
        found, counts = np.unique(arr, return_counts=True)
        seen = {_label(v): int(c) for v, c in zip(found.tolist(), counts.tolist(), strict=True)}
        order = [str(x) for x in labels] if labels is not None else []
        names = order + [name for name in seen if name not in order]
        tally = [seen.get(name, 0) for name in names]
    low, high = wilson_interval(np.array(tally), n, level=level)
    cats = tuple(
        CategoryProbability(name, int(k), k / n if n else math.nan, float(lo), float(hi))
        for name, k, lo, hi in zip(names, tally, low.tolist(), high.tolist(), strict=True)
    )
    return CategorySummary(output=output, n=n, level=level, categories=cats)


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def summarize_numeric(
    values: npt.ArrayLike,
    *,
    output: str,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
) -> NumericSummary:
    """Mean, sd, extremes and quantiles of a numeric output over its finite values."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise InputError(f"output '{output}' must have one value per draw", path=output)
    levels = tuple(float(q) for q in quantiles)
    if any(not 0.0 <= q <= 1.0 for q in levels):
        raise InputError(f"quantile levels must lie in [0, 1]; got {list(levels)}")
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        nan = math.nan
        return NumericSummary(
            output,
            int(arr.size),
            int(arr.size),
            nan,
            nan,
            nan,
            nan,
            tuple((q, nan) for q in levels),
        )
    qv = np.quantile(finite, levels) if levels else np.empty(0)
    return NumericSummary(
        output=output,
        n=int(arr.size),
        missing=int(arr.size - finite.size),
        mean=float(finite.mean()),
        sd=float(finite.std(ddof=1)) if finite.size > 1 else 0.0,
        min=float(finite.min()),
        max=float(finite.max()),
        quantiles=tuple(zip(levels, (float(v) for v in qv), strict=True)),
    )


@dataclass(frozen=True)
class SimulationSummary:
    """What a Monte Carlo run says: category probabilities, numeric quantiles, sensitivity.

    Attributes
    ----------
    n : int
        Draws.
    seed : int
    method : str
        "plain" or "lhs".
    judgments : tuple of str
        The uncertain judgments that were sampled.
    categorical, numeric : tuples of CategorySummary, NumericSummary
    sobol : SobolResult or None
    tornado : TornadoResult or None
    notes : tuple of str
        Anything the reader should know (e.g. which engine path ran).
    decisive : Decisiveness or None
        The judgments ranked by what decides the verdict (readiness engine).
    """

    n: int
    seed: int
    method: str
    judgments: tuple[str, ...] = ()
    categorical: tuple[CategorySummary, ...] = ()
    numeric: tuple[NumericSummary, ...] = ()
    sobol: SobolResult | None = None
    tornado: TornadoResult | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    decisive: Decisiveness | None = None

    def __getitem__(self, output: str) -> CategorySummary | NumericSummary:
        items: list[CategorySummary | NumericSummary] = [*self.categorical, *self.numeric]
        for item in items:
            if item.output == output:
                return item
        raise KeyError(f"no summary of output '{output}'")

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "seed": self.seed,
            "method": self.method,
            "judgments": list(self.judgments),
            "categorical": [c.to_dict() for c in self.categorical],
            "numeric": [x.to_dict() for x in self.numeric],
            "sobol": None if self.sobol is None else self.sobol.to_dict(),
            "tornado": None if self.tornado is None else self.tornado.to_dict(),
            "notes": list(self.notes),
            "decisive": None if self.decisive is None else self.decisive.to_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``output, statistic, value, low, high`` (``P(category)`` rows carry
        their interval; ``low``/``high`` are NaN for numeric statistics)."""
        import pandas as pd  # imported here: workers never need pandas

        rows: list[dict[str, Any]] = []
        for c in self.categorical:
            for cat in c.categories:
                rows.append(
                    {
                        "output": c.output,
                        "statistic": f"P({cat.category})",
                        "value": cat.probability,
                        "low": cat.low,
                        "high": cat.high,
                    }
                )
        for x in self.numeric:
            stats = [("mean", x.mean), ("sd", x.sd), ("min", x.min)]
            stats += [(f"q{q:g}", v) for q, v in x.quantiles] + [("max", x.max)]
            rows += [
                {"output": x.output, "statistic": k, "value": v, "low": math.nan, "high": math.nan}
                for k, v in stats
            ]
        return pd.DataFrame(rows, columns=["output", "statistic", "value", "low", "high"])

    def explain(self) -> str:
        head = (
            f"Monte Carlo over {len(self.judgments)} uncertain judgment(s), {self.n} "
            f"{'Latin hypercube' if self.method == 'lhs' else 'independent'} draws, "
            f"seed {self.seed}."
        )
        lines = [head]
        lines += [c.explain() for c in self.categorical]
        lines += [x.explain() for x in self.numeric]
        if self.decisive is not None:
            lines.append(self.decisive.explain())
        if self.sobol is not None:
            lines.append(self.sobol.explain())
        if self.tornado is not None:
            lines.append(self.tornado.explain())
        lines += list(self.notes)
        return "\n".join(lines)


def summarize(
    outputs: Mapping[str, npt.ArrayLike],
    *,
    seed: int,
    method: str,
    judgments: Sequence[str] = (),
    categorical: Mapping[str, Sequence[str] | None] | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    level: float = 0.95,
    sobol: SobolResult | None = None,
    tornado: TornadoResult | None = None,
    notes: Sequence[str] = (),
    decisive: Decisiveness | None = None,
) -> SimulationSummary:
    """Summarise the outputs of :func:`detente.uncertainty.runner.run`.

    Parameters
    ----------
    outputs : mapping of str to array
        Model outputs, one row per draw (2-D outputs are split into ``"name[k]"`` columns).
    categorical : mapping of output name to labels or None, optional
        Outputs to treat as categories (with their labels, see :func:`summarize_categories`).
        Non-numeric and boolean outputs are categorical anyway; other numeric outputs get
        quantiles.
    """
    columns = output_columns(outputs)
    marked = dict(categorical or {})
    unknown = [name for name in marked if name not in columns]
    if unknown:
        raise InputError(f"no output '{unknown[0]}' to summarise", path=unknown[0])
    sizes = {int(v.shape[0]) for v in columns.values()}
    if len(sizes) > 1:
        raise InputError("outputs of a run must all have one value per draw")
    n = sizes.pop() if sizes else 0
    cats: list[CategorySummary] = []
    nums: list[NumericSummary] = []
    for name, column in columns.items():
        if name in marked or column.dtype.kind not in "fiu":
            cats.append(
                summarize_categories(column, output=name, labels=marked.get(name), level=level)
            )
        else:
            nums.append(summarize_numeric(column, output=name, quantiles=quantiles))
    return SimulationSummary(
        n=n,
        seed=seed,
        method=method,
        judgments=tuple(judgments),
        categorical=tuple(cats),
        numeric=tuple(nums),
        sobol=sobol,
        tornado=tornado,
        notes=tuple(notes),
        decisive=decisive,
    )
