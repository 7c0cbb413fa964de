"""Reference models with known answers, for tests, benchmarks and documentation.

They follow the :class:`~detente.uncertainty.runner.Model` protocol (frozen dataclasses, so they
pickle by reference and run unchanged in local processes and on Dask workers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Ishigami", "Linear"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Ishigami:
    """The Ishigami function (Ishigami & Homma 1990), the standard Sobol' index benchmark.

    .. math:: f(x) = \\sin x_1 + a \\sin^2 x_2 + b\\, x_3^4 \\sin x_1,
              \\quad x_i \\sim U(-\\pi, \\pi).

    With ``V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2``, ``V_1 = (1 + b pi^4/5)^2 / 2``,
    ``V_2 = a^2/8``, ``V_13 = b^2 pi^8 (1/18 - 1/50)``, the analytic indices are
    ``S_1 = V_1/V``, ``S_2 = V_2/V``, ``S_3 = 0``, ``S_T1 = (V_1 + V_13)/V``, ``S_T2 = S_2``,
    ``S_T3 = V_13/V`` (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, §4.9).
    """

    a: float = 7.0
    b: float = 0.1

    def __call__(self, params: FloatArray, /) -> dict[str, FloatArray]:
        x1, x2, x3 = params[:, 0], params[:, 1], params[:, 2]
        y = np.sin(x1) + self.a * np.sin(x2) ** 2 + self.b * x3**4 * np.sin(x1)
        return {"y": y}

    def analytic(self) -> dict[str, tuple[float, float, float]]:
        """The exact first-order (``S1``) and total (``ST``) indices of ``x1, x2, x3``."""
        a, b, pi = self.a, self.b, np.pi
        v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
        v2 = a**2 / 8
        v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
        v = v1 + v2 + v13
        return {"S1": (v1 / v, v2 / v, 0.0), "ST": ((v1 + v13) / v, v2 / v, v13 / v)}


@dataclass(frozen=True, slots=True)
class Linear:
    """``y = sum_j w_j x_j`` and its sign as a category (``"yes"`` if ``y > threshold``).

    A linear model has Sobol' indices ``S_j = ST_j = w_j^2 Var(x_j) / sum_k w_k^2 Var(x_k)``
    for independent inputs, and a cheap vectorised body for throughput benchmarks.
    """

    weights: tuple[float, ...]
    threshold: float = 0.0

    def __call__(self, params: FloatArray, /) -> dict[str, npt.NDArray[np.generic]]:
        # Column by column rather than ``params @ weights``: a BLAS product may sum in an order
        # that depends on the number of rows, and then outputs would differ in the last bit
        # between chunk sizes (draws never do).
        y = np.zeros(params.shape[0], dtype=np.float64)
        for j, w in enumerate(self.weights):
            y += w * params[:, j]
        return {"y": y, "verdict": np.where(y > self.threshold, "yes", "no")}
