"""Distributions over the judgments of a scenario (the ``uncertainty`` section).

A scenario file gives each uncertain judgment a one-key mapping::

    uncertainty:
      actors.UKR.no_deal.outcome.territory: {triangular: [20, 40, 70]}   # low, mode, high
      actors.RUS.no_deal.cost: {normal: [0.10, 0.03]}                      # mean, sd
      actors.USA.salience.territory: {uniform: [0.4, 0.9]}                 # low, high
      actors.RUS.capability: {lognormal: [0.0, 0.25]}                      # mu, sigma of log X
      actors.UKR.salience.security: {beta: [4, 2]}                         # a, b on [0, 1]
      facts.usa_ready_to_talk: {choice: [true, false]}                     # equally likely values
      facts.referendum_scheduled: {bernoulli: 0.3}                         # true with p 0.3

:class:`DistributionSpec` validates that form and evaluates the distribution through its inverse
cumulative distribution function (:meth:`DistributionSpec.ppf`), so that plain Monte Carlo, Latin
hypercube sampling and Sobol' designs all map uniform numbers to judgments through one code path
(the inversion method, Devroye 1986, *Non-Uniform Random Variate Generation*, §2.1).

Valid range: truncation, not clipping
-------------------------------------
Every judgment has a valid range (a cost lies in [0, 1], a position on its issue's scale).  A
continuous distribution is *truncated* to that range -- conditioned on falling inside it -- rather
than clipped: clipping would pile the tail's probability onto the bound as an atom (a normal
cost of mean 0.05 and sd 0.05 would be exactly 0 in 16% of the draws), distorting every answer
that is sensitive to the bound and every Sobol' index.  With truncated support ``[lo, hi]`` and
cumulative distribution ``F`` the inverse is

.. math:: F_T^{-1}(u) = F^{-1}\\bigl(F(lo) + u\\,(F(hi) - F(lo))\\bigr),

computed on the survival function when the interval lies in the upper tail, to keep precision.
When the range covers the natural support (the usual case for triangular, uniform and beta),
nothing changes.  Bounded distributions that reach outside the valid range, and choices listing
values outside it, are authoring mistakes: :meth:`DistributionSpec.check_range` reports them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from detente.errors import did_you_mean

__all__ = ["KINDS", "ChoiceValue", "DistributionSpec", "Kind"]

Kind = Literal["triangular", "normal", "uniform", "beta", "lognormal", "choice", "bernoulli"]
ChoiceValue = float | bool | str
FloatArray = npt.NDArray[np.float64]

#: Each kind and the names of its parameters, in the order the YAML list gives them.
KINDS: dict[str, tuple[str, ...]] = {
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "beta": ("a", "b"),
    "lognormal": ("mu", "sigma"),
    "choice": (),
    "bernoulli": ("p",),
}

_EXAMPLES = {
    "triangular": "{triangular: [low, mode, high]}",
    "normal": "{normal: [mean, sd]}",
    "uniform": "{uniform: [low, high]}",
    "beta": "{beta: [a, b]}",
    "lognormal": "{lognormal: [mu, sigma]}",
    "choice": "{choice: [v1, v2, ...]}",
    "bernoulli": "{bernoulli: p}",
}


def _fail(message: str) -> PydanticCustomError:
    # The message travels in the context so that braces in it are never taken as placeholders.
    return PydanticCustomError("distribution", "{reason}", {"reason": message})


def _fmt(x: float) -> str:
    return f"{x:g}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class DistributionSpec(BaseModel):
    """One judgment's distribution, as written in the ``uncertainty`` section.

    Built from the YAML one-key form (``DistributionSpec.model_validate({"normal": [0.1, 0.03]})``)
    or from its fields (``DistributionSpec(kind="normal", params=(0.1, 0.03))``); it serialises
    back to the one-key form.

    Parameters
    ----------
    kind : {"triangular", "normal", "uniform", "beta", "lognormal", "choice"}
        ``triangular [low, mode, high]`` (low <= mode <= high, low < high);
        ``normal [mean, sd]`` (sd > 0), truncated to the judgment's valid range;
        ``uniform [low, high]`` (low < high);
        ``beta [a, b]`` on [0, 1] (a, b > 0), the natural form for saliences and costs;
        ``lognormal [mu, sigma]``: ``log X ~ Normal(mu, sigma)`` (sigma > 0), X > 0;
        ``choice [v1, v2, ...]``: each listed value equally likely (list a value twice to weight
        it); values are all numbers, all booleans, or all option names of an issue;
        ``bernoulli p`` (or ``[p]``): true with probability p in [0, 1], else false (for facts
        and red-line activity).
    params : tuple
        The parameters in the order above (the listed values for ``choice``).

    Notes
    -----
    Booleans count as 0 (false) and 1 (true).  Option names must be turned into ranks with
    :meth:`encoded` before sampling, because only the scenario knows an issue's options.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    params: tuple[ChoiceValue, ...]

    # ------------------------------------------------------------------ validation
    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, DistributionSpec):
            return data
        if not isinstance(data, Mapping):
            raise _fail(
                "a distribution is a one-key mapping such as {triangular: [low, mode, high]} "
                f"or {{normal: [mean, sd]}}, not {type(data).__name__} {data!r}"
            )
        keys = [str(k) for k in data]
        if set(keys) == {"kind", "params"}:
            kind, raw = data["kind"], data["params"]
        elif len(keys) != 1:
            raise _fail(
                "a distribution has exactly one key, its kind (one of "
                f"{', '.join(KINDS)}), e.g. {{triangular: [20, 40, 70]}}; got "
                f"{len(keys)} keys: {', '.join(keys) or 'none'}"
            )
        else:
            kind = keys[0]
            raw = next(iter(data.values()))
        if kind not in KINDS:
            raise _fail(
                f"unknown distribution '{kind}'{did_you_mean(str(kind), KINDS)}; "
                f"expected one of {', '.join(KINDS)}"
            )
        params = cls._check_params(str(kind), raw)
        return {"kind": kind, "params": params}

    @staticmethod
    def _check_params(kind: str, raw: Any) -> tuple[ChoiceValue, ...]:
        example = _EXAMPLES[kind]
        if kind == "bernoulli":
            return DistributionSpec._check_bernoulli(raw)
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
            raise _fail(f"{kind} takes a list of parameters, {example}; got {raw!r}")
        values = list(raw)
        if kind == "choice":
            return DistributionSpec._check_choice(values)
        names = KINDS[kind]
        if len(values) != len(names):
            raise _fail(
                f"{kind} takes {len(names)} parameters ({', '.join(names)}), {example}; "
                f"got {len(values)}"
            )
        for name, value in zip(names, values, strict=True):
            if not _is_number(value):
                raise _fail(f"{kind} parameter '{name}' must be a number; got {value!r}")
            if not math.isfinite(float(value)):
                raise _fail(f"{kind} parameter '{name}' must be finite; got {value!r}")
        p = [float(v) for v in values]
        if kind == "triangular":
            low, mode, high = p
            if not low <= mode <= high:
                raise _fail(
                    f"triangular needs low <= mode <= high; got low {_fmt(low)}, "
                    f"mode {_fmt(mode)}, high {_fmt(high)}"
                )
            if not low < high:
                raise _fail(f"triangular needs low < high; got low = high = {_fmt(low)}")
        elif kind == "uniform":
            if not p[0] < p[1]:
                raise _fail(f"uniform needs low < high; got low {_fmt(p[0])}, high {_fmt(p[1])}")
        elif kind == "normal":
            if not p[1] > 0:
                raise _fail(f"normal needs sd > 0; got sd {_fmt(p[1])}")
        elif kind == "lognormal":
            if not p[1] > 0:
                raise _fail(f"lognormal needs sigma > 0; got sigma {_fmt(p[1])}")
        elif kind == "beta" and not (p[0] > 0 and p[1] > 0):
            raise _fail(f"beta needs a > 0 and b > 0; got a {_fmt(p[0])}, b {_fmt(p[1])}")
        return tuple(p)

    @staticmethod
    def _check_bernoulli(raw: Any) -> tuple[ChoiceValue, ...]:
        value = raw
        if isinstance(raw, Sequence) and not isinstance(raw, str | bytes):
            if len(raw) != 1:
                raise _fail(f"bernoulli takes one probability, {{bernoulli: p}}; got {raw!r}")
            value = raw[0]
        if not _is_number(value) or not 0.0 <= float(value) <= 1.0:
            raise _fail(f"bernoulli takes a probability between 0 and 1; got {value!r}")
        return (float(value),)

    @staticmethod
    def _check_choice(values: list[Any]) -> tuple[ChoiceValue, ...]:
        if not values:
            raise _fail("choice needs at least one value, {choice: [v1, v2, ...]}")
        if all(isinstance(v, bool) for v in values):
            return tuple(bool(v) for v in values)
        if all(_is_number(v) for v in values):
            bad = [v for v in values if not math.isfinite(float(v))]
            if bad:
                raise _fail(f"choice values must be finite numbers; got {bad[0]!r}")
            return tuple(float(v) for v in values)
        if all(isinstance(v, str) for v in values):
            return tuple(str(v) for v in values)
        kinds = sorted({type(v).__name__ for v in values})
        raise _fail(
            "choice values must be all numbers, all booleans or all option names; "
            f"got a mix of {', '.join(kinds)}"
        )

    @model_serializer(mode="plain")
    def _to_yaml(self) -> dict[str, list[ChoiceValue] | ChoiceValue]:
        if self.kind == "bernoulli":
            return {self.kind: self.params[0]}
        return {self.kind: list(self.params)}

    # ------------------------------------------------------------------ description
    def __str__(self) -> str:
        shown = [
            str(v).lower() if isinstance(v, bool) else v if isinstance(v, str) else _fmt(v)
            for v in self.params
        ]
        return f"{self.kind} [{', '.join(shown)}]"

    @property
    def is_choice(self) -> bool:
        """True for a ``choice`` (a discrete distribution over the listed values)."""
        return self.kind == "choice"

    @property
    def is_discrete(self) -> bool:
        """True for a ``choice`` or a ``bernoulli`` (finitely many values)."""
        return self.kind in ("choice", "bernoulli")

    @property
    def is_boolean(self) -> bool:
        """True for a bernoulli or a choice between booleans (sampled as 0.0 / 1.0)."""
        if self.kind == "bernoulli":
            return True
        return self.is_choice and all(isinstance(v, bool) for v in self.params)

    @property
    def p_true(self) -> float:
        """The probability of true (1.0) of a boolean distribution."""
        if self.kind == "bernoulli":
            return float(self.params[0])
        if not self.is_boolean:
            raise ValueError(f"{self} is not a distribution over true and false")
        return sum(1 for v in self.params if v) / len(self.params)

    @property
    def is_options(self) -> bool:
        """True for a choice between option names (encode them with :meth:`encoded`)."""
        return self.is_choice and all(isinstance(v, str) for v in self.params)

    def encoded(self, encode: Callable[[str], float]) -> DistributionSpec:
        """The same choice with option names replaced by numbers (e.g. ``issue.to_number``).

        Any other distribution is returned unchanged.
        """
        if not self.is_options:
            return self
        return DistributionSpec(
            kind="choice", params=tuple(float(encode(str(v))) for v in self.params)
        )

    def _numbers(self) -> tuple[float, ...]:
        if self.is_options:
            raise ValueError(
                f"choice between option names {list(self.params)} must be encoded as ranks "
                "(DistributionSpec.encoded) before it is evaluated"
            )
        return tuple(float(v) for v in self.params)

    def _choice_sorted(self, clip: tuple[float, float] | None) -> FloatArray:
        values = np.sort(np.asarray(self._numbers(), dtype=np.float64))
        if clip is not None:
            values = np.clip(values, clip[0], clip[1])
        return values

    # ------------------------------------------------------------------ natural distribution
    def natural_support(self) -> tuple[float, float]:
        """The support of the untruncated distribution."""
        p = self.params
        if self.kind == "bernoulli":
            return 0.0, 1.0
        if self.kind in ("triangular",):
            return float(p[0]), float(p[2])
        if self.kind == "uniform":
            return float(p[0]), float(p[1])
        if self.kind == "beta":
            return 0.0, 1.0
        if self.kind == "lognormal":
            return 0.0, math.inf
        if self.kind == "normal":
            return -math.inf, math.inf
        values = self._numbers()
        return min(values), max(values)

    def _cdf0(self, x: FloatArray) -> FloatArray:
        """Untruncated cumulative distribution function (continuous kinds)."""
        from scipy import special  # here: loading the file must not import SciPy

        p = [float(v) for v in self.params]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.kind == "normal":
                return special.ndtr((x - p[0]) / p[1])
            if self.kind == "lognormal":
                z = (np.log(np.where(x > 0, x, 1.0)) - p[0]) / p[1]
                return np.where(x > 0, special.ndtr(z), 0.0)
            if self.kind == "uniform":
                return np.clip((x - p[0]) / (p[1] - p[0]), 0.0, 1.0)
            if self.kind == "beta":
                return special.betainc(p[0], p[1], np.clip(x, 0.0, 1.0))
            a, m, b = p
            left = np.where(m > a, (x - a) ** 2 / ((b - a) * (m - a)), 0.0)
            right = np.where(b > m, 1.0 - (b - x) ** 2 / ((b - a) * (b - m)), 1.0)
            out = np.where(x <= m, left, right)
            return np.where(x <= a, 0.0, np.where(x >= b, 1.0, out))

    def _sf0(self, x: FloatArray) -> FloatArray:
        """Untruncated survival function ``1 - F(x)``, accurate in the upper tail."""
        from scipy import special  # here: loading the file must not import SciPy

        p = [float(v) for v in self.params]
        if self.kind == "normal":
            return special.ndtr(-(x - p[0]) / p[1])
        if self.kind == "lognormal":
            with np.errstate(divide="ignore", invalid="ignore"):
                z = (np.log(np.where(x > 0, x, 1.0)) - p[0]) / p[1]
            return np.where(x > 0, special.ndtr(-z), 1.0)
        if self.kind == "beta":
            return special.betainc(p[1], p[0], 1.0 - np.clip(x, 0.0, 1.0))
        return 1.0 - self._cdf0(x)

    def _ppf0(self, u: FloatArray) -> FloatArray:
        """Untruncated inverse cumulative distribution function."""
        from scipy import special  # here: loading the file must not import SciPy

        p = [float(v) for v in self.params]
        if self.kind == "normal":
            return p[0] + p[1] * special.ndtri(u)
        if self.kind == "lognormal":
            return np.exp(p[0] + p[1] * special.ndtri(u))
        if self.kind == "uniform":
            return p[0] + u * (p[1] - p[0])
        if self.kind == "beta":
            return special.betaincinv(p[0], p[1], u)
        a, m, b = p
        c = (m - a) / (b - a)
        return np.where(
            u < c,
            a + np.sqrt(u * (b - a) * (m - a)),
            b - np.sqrt(np.maximum(1.0 - u, 0.0) * (b - a) * (b - m)),
        )

    def _isf0(self, s: FloatArray) -> FloatArray:
        """Untruncated inverse survival function, accurate in the upper tail."""
        from scipy import special  # here: loading the file must not import SciPy

        p = [float(v) for v in self.params]
        if self.kind == "normal":
            return p[0] - p[1] * special.ndtri(s)
        if self.kind == "lognormal":
            return np.exp(p[0] - p[1] * special.ndtri(s))
        if self.kind == "beta":
            return special.betainccinv(p[0], p[1], s)
        return self._ppf0(1.0 - s)

    def _frozen(self) -> Any:
        from scipy import stats  # imported here: scipy.stats takes a second to import

        p = [float(v) for v in self.params]
        if self.kind == "normal":
            return stats.norm(loc=p[0], scale=p[1])
        if self.kind == "lognormal":
            return stats.lognorm(s=p[1], scale=math.exp(p[0]))
        if self.kind == "uniform":
            return stats.uniform(loc=p[0], scale=p[1] - p[0])
        if self.kind == "beta":
            return stats.beta(p[0], p[1])
        a, m, b = p
        return stats.triang(c=(m - a) / (b - a), loc=a, scale=b - a)

    # ------------------------------------------------------------------ truncation
    def _window(self, clip: tuple[float, float] | None) -> tuple[float, float] | None:
        """The truncation interval, or None when the range leaves the distribution unchanged."""
        if clip is None:
            return None
        lo, hi = float(clip[0]), float(clip[1])
        if not lo <= hi:
            raise ValueError(f"valid range must have low <= high; got [{_fmt(lo)}, {_fmt(hi)}]")
        s_lo, s_hi = self.natural_support()
        if lo <= s_lo and hi >= s_hi:
            return None
        return lo, hi

    def _mass(self, window: tuple[float, float]) -> tuple[float, float, float, float]:
        lo, hi = np.array([window[0]]), np.array([window[1]])
        f_lo, f_hi = float(self._cdf0(lo)[0]), float(self._cdf0(hi)[0])
        s_lo, s_hi = float(self._sf0(lo)[0]), float(self._sf0(hi)[0])
        mass = max(f_hi - f_lo, s_lo - s_hi)
        if not mass > 0:
            raise ValueError(
                f"{self} puts no probability inside the valid range "
                f"[{_fmt(window[0])}, {_fmt(window[1])}]"
            )
        return f_lo, f_hi, s_lo, s_hi

    def mass_inside(self, low: float, high: float) -> float:
        """Probability that the untruncated distribution falls in ``[low, high]``."""
        if self.kind == "bernoulli":
            p = self.p_true
            return (1.0 - p) * float(low <= 0.0 <= high) + p * float(low <= 1.0 <= high)
        if self.is_choice:
            values = np.asarray(self._numbers())
            return float(np.mean((values >= low) & (values <= high)))
        lo, hi = np.array([float(low)]), np.array([float(high)])
        f = float(self._cdf0(hi)[0] - self._cdf0(lo)[0])
        s = float(self._sf0(lo)[0] - self._sf0(hi)[0])
        return max(f, s, 0.0)

    def check_range(self, low: float, high: float) -> str | None:
        """A message if this distribution does not fit a judgment whose valid range is
        ``[low, high]``, else ``None`` (for the scenario loader).

        Triangular, uniform and beta must lie inside the range (a bound outside it is almost
        certainly a typo); choice values must all be inside it; normal and lognormal, being
        unbounded, are truncated to it but must put some probability (1e-9) inside it.
        """
        lo, hi = float(low), float(high)
        rng = f"[{_fmt(lo)}, {_fmt(hi)}]"
        if self.is_options:
            return None
        if self.kind == "bernoulli":
            if not (lo <= 0.0 and hi >= 1.0):
                return f"bernoulli takes the values 0 and 1, outside the valid range {rng}"
            return None
        if self.is_choice:
            outside = [v for v in self._numbers() if not lo <= v <= hi]
            if outside:
                return f"choice value {_fmt(outside[0])} lies outside the valid range {rng}"
            return None
        s_lo, s_hi = self.natural_support()
        if self.kind in ("triangular", "uniform", "beta"):
            if s_lo < lo or s_hi > hi:
                return (
                    f"{self} reaches outside the valid range {rng}; its support is "
                    f"[{_fmt(s_lo)}, {_fmt(s_hi)}]"
                )
            return None
        if self.mass_inside(lo, hi) < 1e-9:
            return f"{self} puts almost no probability inside the valid range {rng}"
        return None

    # ------------------------------------------------------------------ public evaluation
    def ppf(self, u: npt.ArrayLike, *, clip: tuple[float, float] | None = None) -> FloatArray:
        """Inverse cumulative distribution function (quantile function), vectorised.

        Parameters
        ----------
        u : array_like
            Probabilities in [0, 1] (uniform draws, Latin hypercube or Sobol' points).
        clip : (low, high), optional
            The judgment's valid range: continuous kinds are truncated to it (see the module
            notes); choice values are pulled inside it.

        Returns
        -------
        ndarray of float
            ``F^{-1}(u)``, same shape as ``u``.  For a choice of ``k`` values sorted
            ``v_(0) <= ... <= v_(k-1)``: ``v_(min(floor(u k), k - 1))``.
        """
        uu = np.asarray(u, dtype=np.float64)
        if self.kind == "bernoulli":
            # u in [1 - p, 1] is true: the quantile function of a two-point distribution
            return (uu >= 1.0 - self.p_true).astype(np.float64)
        if self.is_choice:
            values = self._choice_sorted(clip)
            k = values.size
            idx = np.minimum((uu * k).astype(np.int64), k - 1)
            return values[np.maximum(idx, 0)]
        window = self._window(clip)
        if window is None:
            return self._ppf0(uu)
        f_lo, f_hi, s_lo, s_hi = self._mass(window)
        if f_lo > 0.5:
            x = self._isf0(s_lo - uu * (s_lo - s_hi))
        else:
            x = self._ppf0(f_lo + uu * (f_hi - f_lo))
        return np.clip(x, window[0], window[1])

    def quantile(self, q: float, *, clip: tuple[float, float] | None = None) -> float:
        """The ``q``-quantile (``ppf`` at one probability); for a choice, a listed value."""
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile level must be in [0, 1]; got {q}")
        return float(self.ppf(np.array([q]), clip=clip)[0])

    def cdf(self, x: npt.ArrayLike, *, clip: tuple[float, float] | None = None) -> FloatArray:
        """Cumulative distribution function ``P(X <= x)`` of the (truncated) distribution."""
        xx = np.asarray(x, dtype=np.float64)
        if self.kind == "bernoulli":
            return np.where(xx < 0.0, 0.0, np.where(xx < 1.0, 1.0 - self.p_true, 1.0))
        if self.is_choice:
            values = self._choice_sorted(clip)
            return np.searchsorted(values, xx, side="right") / values.size
        window = self._window(clip)
        if window is None:
            return self._cdf0(xx)
        f_lo, f_hi, _, _ = self._mass(window)
        out = (self._cdf0(xx) - f_lo) / (f_hi - f_lo)
        return np.where(xx < window[0], 0.0, np.where(xx >= window[1], 1.0, np.clip(out, 0, 1)))

    def support(self, *, clip: tuple[float, float] | None = None) -> tuple[float, float]:
        """Smallest interval holding all the probability (after truncation to ``clip``)."""
        if self.kind == "bernoulli":
            p = self.p_true
            return (0.0 if p < 1.0 else 1.0), (1.0 if p > 0.0 else 0.0)
        if self.is_choice:
            values = self._choice_sorted(clip)
            return float(values[0]), float(values[-1])
        s_lo, s_hi = self.natural_support()
        if clip is None:
            return s_lo, s_hi
        return max(s_lo, float(clip[0])), min(s_hi, float(clip[1]))

    def _moments(self, clip: tuple[float, float] | None) -> tuple[float, float]:
        if self.kind == "bernoulli":
            return self.p_true, self.p_true * (1.0 - self.p_true)
        if self.is_choice:
            values = self._choice_sorted(clip)
            return float(values.mean()), float(values.var())
        p = [float(v) for v in self.params]
        window = self._window(clip)
        if window is None:
            if self.kind == "triangular":
                a, m, b = p
                return (a + m + b) / 3, (a * a + b * b + m * m - a * b - a * m - b * m) / 18
            if self.kind == "normal":
                return p[0], p[1] ** 2
            if self.kind == "uniform":
                return (p[0] + p[1]) / 2, (p[1] - p[0]) ** 2 / 12
            if self.kind == "beta":
                a, b = p
                return a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
            mu, s = p
            return math.exp(mu + s * s / 2), math.expm1(s * s) * math.exp(2 * mu + s * s)
        self._mass(window)
        rv = self._frozen()
        lo, hi = window
        mean = float(rv.expect(lambda t: t, lb=lo, ub=hi, conditional=True))
        var = float(rv.expect(lambda t: (t - mean) ** 2, lb=lo, ub=hi, conditional=True))
        return mean, max(var, 0.0)

    def mean(self, *, clip: tuple[float, float] | None = None) -> float:
        """Expected value (of the distribution truncated to ``clip``)."""
        return self._moments(clip)[0]

    def sd(self, *, clip: tuple[float, float] | None = None) -> float:
        """Standard deviation (of the distribution truncated to ``clip``)."""
        return math.sqrt(self._moments(clip)[1])
