"""What decides the verdict: how much knowing each uncertain judgment would settle it.

For an uncertain judgment X and the verdict V (a category per Monte Carlo draw), the expected
reduction in the entropy of the verdict from learning X is their mutual information

.. math:: I(X; V) = H(V) - H(V \\mid X)
          = \\sum_{x, v} p(x, v) \\log_2 \\frac{p(x, v)}{p(x)\\, p(v)}

(Cover & Thomas, *Elements of Information Theory*, 2nd ed., Wiley 2006, §2.4), in bits.  It is
0 when the verdict does not depend on X and ``H(V)`` when X fixes the verdict; unlike a variance
index of the margin it sees a judgment that flips the verdict without moving the margin much
(a fact behind a precondition, a red line that may not be real), and it treats numbers, facts
and red-line activity alike.  ``share = I / H(V)`` is the part of the verdict's uncertainty that
knowing X removes.

Estimation from the draws:

- **Discretisation.**  A discrete judgment (a fact, a red line's activity, an option, any
  ``choice`` or ``bernoulli``) is taken by its values.  A continuous one is cut into ``B``
  equal-count bins at the empirical quantiles of its draws, ``B = min(20, max(2,
  floor(n^{1/3})))`` (tied quantiles merged).  Binning can only lose information (the data
  processing inequality: ``I(bin(X); V) <= I(X; V)``), so for a continuous judgment the estimate
  is a lower bound, up to sampling error; with a verdict of at most four values and 20 bins the
  loss is small unless the verdict turns within a sliver of the judgment's range.
- **Estimator.**  Plug-in entropies of the contingency table with the Miller--Madow bias
  correction ``H_MM = H_plugin + (m - 1) / (2 N)`` (in nats; ``m`` occupied cells, ``N`` draws;
  Miller 1955; Paninski 2003, *Neural Computation* 15:1191-1253), so
  ``I_MM = I_plugin + (m_X + m_V - m_XV - 1) / (2 N)``.  For an irrelevant judgment the plug-in
  estimate is biased upward by about ``(m_X - 1)(m_V - 1) / (2 N)``; the correction removes that
  first-order term.  The reported value is clipped at 0.
- **Sampling error.**  A percentile bootstrap (Efron & Tibshirani 1993, ch. 13): the contingency
  table is resampled as a multinomial with the observed cell shares (the same as resampling the
  draws), ``I_MM`` recomputed, and the 2.5% and 97.5% percentiles reported.  Resampling from the
  observed table carries its small spurious dependence along, so near 0 that interval does not
  reach 0; what says whether a judgment matters at all is the *noise level*: the 95th percentile
  of ``I_MM`` over tables drawn with the same margins and no dependence (multinomial with cell
  shares ``p(x) p(v)``, the parametric form of a permutation test).  A judgment whose estimate is
  below it is indistinguishable from an irrelevant one and is not named in the text.  Both
  assume independent draws; Latin hypercube draws are negatively correlated within each
  judgment, which makes them conservative.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente._results import jsonable
from detente.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_BINS",
    "Decisiveness",
    "JudgmentInformation",
    "bin_codes",
    "decisiveness",
    "mutual_information",
]

#: Most bins for a continuous judgment.
MAX_BINS = 20
#: Bootstrap resamples of each contingency table.
BOOTSTRAP = 400
_LOG2 = math.log(2.0)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def default_bins(n: int) -> int:
    """``min(MAX_BINS, max(2, floor(n^(1/3))))`` equal-count bins for ``n`` draws."""
    return int(min(MAX_BINS, max(2, math.floor(round(n ** (1.0 / 3.0), 9)))))


def bin_codes(
    values: npt.ArrayLike, *, discrete: bool, bins: int | None = None
) -> tuple[IntArray, int]:
    """Codes 0..L-1 of each draw and the number of levels L: the distinct values of a discrete
    judgment, else equal-count bins at the empirical quantiles (see the module docstring)."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise InputError("a judgment's draws must be one value per draw")
    if discrete:
        levels, codes = np.unique(x, return_inverse=True)
        return np.asarray(codes, dtype=np.int64).ravel(), int(levels.size)
    b = default_bins(x.size) if bins is None else int(bins)
    if x.size == 0:
        return np.zeros(0, dtype=np.int64), 1
    edges = np.unique(np.quantile(x, np.arange(1, b) / b))
    codes = np.searchsorted(edges, x, side="right").astype(np.int64)
    # levels that no draw reached (ties at a quantile) are dropped so that m counts real cells
    used, codes = np.unique(codes, return_inverse=True)
    return np.asarray(codes, dtype=np.int64).ravel(), int(used.size)


def _table(x: IntArray, lx: int, y: IntArray, ly: int) -> npt.NDArray[np.int64]:
    return np.bincount(x * ly + y, minlength=lx * ly).reshape(lx, ly)


def _entropy_mm(counts: FloatArray, n: float) -> FloatArray:
    """Miller-Madow entropy (nats) of count arrays over their last axis (batched)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = counts / n
        plug = -np.sum(np.where(counts > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)
    m = np.sum(counts > 0, axis=-1)
    return np.asarray(plug + (m - 1) / (2.0 * n))


def _mi_mm(tables: FloatArray, n: float) -> FloatArray:
    """I_MM in bits of contingency tables (..., lx, ly)."""
    hx = _entropy_mm(tables.sum(axis=-1), n)
    hy = _entropy_mm(tables.sum(axis=-2), n)
    hxy = _entropy_mm(tables.reshape(*tables.shape[:-2], -1), n)
    return np.asarray((hx + hy - hxy) / _LOG2)


def mutual_information(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    resamples: int = BOOTSTRAP,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float, float]:
    """Miller-Madow I(X; Y) in bits of two code arrays, with its percentile bootstrap interval
    and the noise level (95th percentile of the estimate under independence, same margins).

    Returns ``(estimate, low, high, noise)``, each clipped at 0.
    """
    xc = np.asarray(x, dtype=np.int64).ravel()
    yc = np.asarray(y, dtype=np.int64).ravel()
    if xc.size != yc.size:
        raise InputError("both variables need one value per draw")
    n = xc.size
    if n == 0:
        return 0.0, 0.0, 0.0, 0.0
    if xc.min() < 0 or yc.min() < 0:
        raise InputError("codes must be non-negative integers")
    lx, ly = int(xc.max()) + 1, int(yc.max()) + 1
    table = _table(xc, lx, yc, ly).astype(np.float64)
    estimate = float(_mi_mm(table, float(n)))
    point = max(estimate, 0.0)
    if resamples <= 0:
        return point, point, point, 0.0
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, (table / n).ravel(), size=resamples).astype(np.float64)
    boot = _mi_mm(draws.reshape(resamples, lx, ly), float(n))
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    margins = np.outer(table.sum(axis=1), table.sum(axis=0)).ravel() / (float(n) * n)
    null = rng.multinomial(n, margins / margins.sum(), size=resamples).astype(np.float64)
    noise = float(np.quantile(_mi_mm(null.reshape(resamples, lx, ly), float(n)), 0.95))
    return point, max(float(low), 0.0), max(float(high), 0.0), max(noise, 0.0)


@dataclass(frozen=True)
class JudgmentInformation:
    """How much knowing one judgment would settle the outcome (bits, with an interval)."""

    path: str
    information: float
    low: float
    high: float
    share: float  # information / H(outcome); 0 when the outcome is certain
    levels: int
    binned: bool
    noise: float = 0.0  # 95th percentile of the estimate for an irrelevant judgment

    @property
    def measurable(self) -> bool:
        """Whether the estimate rises above the noise level of an irrelevant judgment."""
        return self.information > self.noise

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "information": jsonable(self.information),
            "low": jsonable(self.low),
            "high": jsonable(self.high),
            "share": jsonable(self.share),
            "noise": jsonable(self.noise),
            "measurable": self.measurable,
            "levels": self.levels,
            "binned": self.binned,
        }


@dataclass(frozen=True)
class Decisiveness:
    """Every uncertain judgment ranked by the information it carries about an outcome.

    Attributes
    ----------
    output : str
        The categorical outcome (``verdict``).
    n : int
        Draws.
    entropy : float
        Miller-Madow entropy of the outcome, bits.
    judgments : tuple of JudgmentInformation
        Most decisive first (ties by path).
    level, resamples : float, int
        Confidence level and bootstrap resamples of the intervals.
    """

    output: str
    n: int
    entropy: float
    judgments: tuple[JudgmentInformation, ...]
    level: float = 0.95
    resamples: int = BOOTSTRAP

    def ranking(self) -> tuple[str, ...]:
        """The judgments' paths, most decisive first."""
        return tuple(j.path for j in self.judgments)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "n": self.n,
            "entropy": jsonable(self.entropy),
            "estimator": "mutual information, Miller-Madow corrected, bits; continuous "
            "judgments in equal-count bins",
            "level": self.level,
            "resamples": self.resamples,
            "judgments": [j.to_dict() for j in self.judgments],
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        columns = ["path", "information", "low", "high", "share", "noise", "measurable"]
        columns += ["levels", "binned"]
        return pd.DataFrame([j.to_dict() for j in self.judgments], columns=columns)

    def explain(self, *, top: int = 5, labels: Mapping[str, str] | None = None) -> str:
        if self.entropy <= 1e-12 or not self.judgments:
            return (
                f"What decides the {self.output}: nothing uncertain does — it is the same in "
                f"all {self.n} draws."
            )
        pct = round(100 * self.level)
        names = labels or {}
        shown = [
            f"{names.get(j.path, j.path)} {j.share:.0%} ({j.information:.3f} bits, {pct}% "
            f"interval {j.low:.3f}–{j.high:.3f})"
            for j in self.judgments[:top]
            if j.measurable
        ]
        head = (
            f"What decides the {self.output} (share of its uncertainty, {self.entropy:.3f} bits, "
            "that knowing each judgment would remove): "
        )
        if not shown:
            return head + "none measurably (every estimate is within sampling noise)."
        return head + "; ".join(shown) + "."


def decisiveness(
    draws: Mapping[str, npt.ArrayLike],
    outcome: npt.ArrayLike,
    *,
    discrete: Sequence[str] = (),
    output: str = "verdict",
    resamples: int = BOOTSTRAP,
    level: float = 0.95,
    seed: int = 0,
) -> Decisiveness:
    """Rank judgments by the mutual information between their draws and a categorical outcome.

    Parameters
    ----------
    draws : mapping of path to array
        Each judgment's draws, one per draw of the run.
    outcome : array of int or str
        The outcome of each draw (verdict codes or labels).
    discrete : sequence of str
        The paths whose values are taken as they are (the others are binned).
    """
    y_raw = np.asarray(outcome)
    _, y = np.unique(y_raw, return_inverse=True)
    y = np.asarray(y, dtype=np.int64).ravel()
    n = int(y.size)
    counts = np.bincount(y).astype(np.float64) if n else np.zeros(1)
    entropy = float(_entropy_mm(counts, float(max(n, 1)))) / _LOG2 if n else 0.0
    found: list[JudgmentInformation] = []
    chosen = set(discrete)
    for i, (path, values) in enumerate(draws.items()):
        x = np.asarray(values, dtype=np.float64)
        if x.shape != (n,):
            raise InputError(f"{path}: expected {n} draws, got shape {x.shape}", path=path)
        codes, levels = bin_codes(x, discrete=path in chosen)
        info, low, high, noise = mutual_information(
            codes, y, resamples=resamples, level=level, seed=seed + i
        )
        share = min(info / entropy, 1.0) if entropy > 1e-12 else 0.0
        found.append(
            JudgmentInformation(path, info, low, high, share, levels, path not in chosen, noise)
        )
    found.sort(key=lambda j: (-j.information, j.path))
    return Decisiveness(output, n, max(entropy, 0.0), tuple(found), level, resamples)
