r"""Bueno de Mesquita's expected-utility bargaining model, in named variants, vectorised.

The model as formalised by Scholz, Calbert & Smith (2011), "Unravelling Bueno de Mesquita's group
decision model", ICAART 2011 pp. 18-30 (Appendix) / J. Theoretical Politics 23(4), from
Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in *European
Community Decision Making*, ch. 4.  docs/models.md §3 states the equations; this module computes
every pairwise quantity as an ``(n, n)`` array, batched over a leading axis of Monte Carlo draws.

One round, for positions :math:`x`, capabilities :math:`c`, saliences :math:`s \in [0, 1]`,
weights :math:`w = c s` and the utility range :math:`R`:

1. the median voter position :math:`\mu` (the :math:`w`-weighted median);
2. with risk exponents :math:`r_i` (first pass :math:`r_i = 1`) and :math:`d_{ij} = |x_i-x_j|/R`:
   :math:`U^s = 2 - 4(0.5 - 0.5 d)^{r}`, :math:`U^f = 2 - 4(0.5 + 0.5 d)^{r}`,
   :math:`U^b = 2 - 4(0.5 - 0.25 e)^{r}`, :math:`U^w = 2 - 4(0.5 + 0.25 e)^{r}`,
   :math:`U^{sq} = 2 - 4 \cdot 0.5^{r}`, :math:`e_{ij} = (|x_i - \mu| + |x_i - x_j|)/R`;
3. the probability :math:`P_{ij}` that :math:`i` prevails over :math:`j` (variant-specific);
4. :math:`E_i(ij) = s_j[P_{ij}U^s + (1-P_{ij})U^f] + (1-s_j)U^s - QU^{sq}
   - (1-Q)[T U^b + (1-T)U^w]`, :math:`T = 1` iff :math:`|x_i - \mu| < |x_i - x_j|`; every
   utility in actor ``i``'s view uses ``i``'s own exponent :math:`r_i`, also for its estimate of
   :math:`E_j(ji)` (as McKibben's replication of Scholz's program does);
5. security :math:`\mathrm{Sec}_i = \sum_{j \ne i} E_j(ji)` at :math:`r = 1`,
   :math:`\rho_i = (2\mathrm{Sec}_i - \max - \min)/(\max - \min)`,
   :math:`r_i = (1 - \rho_i/3)/(1 + \rho_i/3)`, and a second pass with these :math:`r_i`;
6. offers, in ``i``'s view of each ``j`` with :math:`a = E_i(ij)`, :math:`b = E_j(ji)`:
   *conflict lost* (:math:`b > a > 0`: ``i`` moves to :math:`x_j`), *compromise*
   (:math:`a < 0 < b`, :math:`|a| < b`: ``i`` moves the fraction :math:`|a/b|` toward
   :math:`x_j`), *capitulation* (:math:`a < 0 < b`, :math:`|a| > b`: ``i`` moves to :math:`x_j`);
7. each actor accepts one offer (a lost conflict first, then a compromise, then a capitulation)
   and every move applies at once.

Variants
--------
``"scholz-code"``
    What Scholz's own program computed, as recovered by the replication of J. McKibben
    (github.com/jmckib/bdm-scholz-expected-utility-model), which reproduces Table 2 of Scholz
    (2011): (3) the win probability divides the supporting votes
    :math:`\sum_k \max(0, V_k(i, j))`, :math:`V_k(i, j) = w_k[(|x_k - x_j|/R)^{r_k} -
    (|x_k - x_i|/R)^{r_k}]`, by the *global* sum :math:`\sum_k \sum_{a, b} |V_k(a, b)|` over all
    ordered pairs of actors, so :math:`P_{ij} + P_{ji} \ne 1`; (7) among compromises, the actor
    takes the one whose EU-weighted position :math:`(|a|x_i + |b|x_j)/(|a| + |b|)` is lowest; and
    no capitulation offer is ever made (the replication's test for it can never hold; on the EC
    data no capitulation arises either way, so Table 2 cannot tell the two apart).
``"as-printed"``
    The paper's printed equations: :math:`P_{ij} = \sum_{a_k > 0} w_k a_k / \sum_k w_k |a_k|`
    with :math:`a_k = |x_k - x_j| - |x_k - x_i|` (so :math:`P_{ij} + P_{ji} = 1`), all three
    kinds of offer, and the smallest move within a kind.

Ties (equal keys) are broken by the lower resulting position and near-ties within a relative
1e-12 count as ties, so that results do not depend on the order of the actors; expected
utilities within 1e-12 of each other (or of 0) count as equal in the tests of step 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.bargaining._baselines import FloatArray, power_of_two_scale, weighted_median_batch
from detente.errors import InputError, ProblemTooLarge, did_you_mean

__all__ = ["VARIANTS", "Variant", "run_eum"]

Variant = Literal["scholz-code", "as-printed"]
VARIANTS: tuple[Variant, ...] = ("scholz-code", "as-printed")

# Offer kinds, in the order actors prefer to accept them.
NONE, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
OFFER_NAMES = ("none", "conflict lost", "compromise", "capitulation")

_TIE = 1e-12
# Absolute tolerance for comparing expected utilities (which lie within [-4, 4]).
_EU_TOL = 1e-12
# Draws are processed in chunks of about this many draw x n^3 vote terms, bounding memory.
_CHUNK_ELEMENTS = 4_000_000
# Above this many actors the model is refused (its vote terms grow with n^3).
MAX_ACTORS = 200


def check_variant(variant: str) -> Variant:
    """Return ``variant`` if it names a variant, else raise :class:`InputError` with a hint."""
    if variant not in VARIANTS:
        raise InputError(
            f"unknown expected-utility variant {variant!r}{did_you_mean(variant, VARIANTS)}; "
            f"choose one of {', '.join(VARIANTS)}",
            path="variant",
        )
    return variant


@dataclass(frozen=True, slots=True)
class EUMTrace:
    """Raw per-round arrays of one batched run (round 0 = the opening positions).

    Shapes: ``positions (d, rounds+1, n)``, ``medians``/``means (d, rounds+1)``; when recorded,
    ``risk (d, rounds, n)``, ``eu_ij``/``eu_ji``/``prob (d, rounds, 2, n, n)`` (pass 0 with
    ``r = 1``, pass 1 with the risk exponents), ``offer``/``partner (d, rounds, n)``.
    """

    positions: FloatArray
    medians: FloatArray
    means: FloatArray
    utility_range: FloatArray
    risk: FloatArray | None
    eu_ij: FloatArray | None
    eu_ji: FloatArray | None
    prob: FloatArray | None
    offer: np.ndarray | None
    partner: np.ndarray | None


def _pair_spread(w: FloatArray, U: FloatArray) -> FloatArray:
    """``G[..., a, b] = sum_k w_k |U[k, b] - U[k, a]|``, the total vote on each pair.

    ``G`` is symmetric, so only pairs ``a < b`` are computed: one ``(d, n, n - a - 1)`` slab per
    actor ``a`` (a loop over actors, vectorised over draws, voters and partners), which halves
    the work of the full ``(d, n, n, n)`` array and keeps each slab in cache.
    """
    d, n, _ = U.shape
    G = np.zeros((d, n, n))
    for a in range(n - 1):
        slab = np.abs(U[:, :, a : a + 1] - U[:, :, a + 1 :])
        g = np.matmul(w[:, None, :], slab)[:, 0, :]
        G[:, a, a + 1 :] = g
        G[:, a + 1 :, a] = g
    return G


def _probabilities(
    x: FloatArray,
    w: FloatArray,
    rv: FloatArray | None,
    R: FloatArray,
    variant: Variant,
) -> FloatArray:
    """``P[..., a, b]``: probability that the actor at ``x_a`` prevails over the one at ``x_b``.

    With voter ``k``'s (risk-adjusted) distance ``U[k, a]`` to ``x_a`` and its vote
    ``V_k(a, b) = w_k (U[k, b] - U[k, a])``, the supporting votes are
    ``sum_k max(0, V_k) = (L_b - L_a + G_ab) / 2`` with ``L_a = sum_k w_k U[k, a]`` and
    ``G_ab = sum_k |V_k(a, b)|``.  ``rv is None`` means linear votes (every exponent 1, or
    the ``as-printed`` votes); their common factor ``1/R`` cancels in every ratio and is left out.
    """
    dist = np.abs(x[:, :, None] - x[:, None, :])  # dist[k, a] = |x_k - x_a|
    if rv is None or variant == "as-printed":
        U = dist
    else:
        U = (dist / R[:, None, None]) ** rv[:, :, None]
    G = _pair_spread(w, U)
    L = np.matmul(w[:, None, :], U)[:, 0, :]
    num = 0.5 * (L[:, None, :] - L[:, :, None] + G)
    if variant == "scholz-code":
        # Scholz's code divides by the votes of all ordered pairs, not of the pair at hand.
        den = G.sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(den[:, None, None] > 0, num / den[:, None, None], 0.0)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(G > 0, num / np.where(G > 0, G, 1.0), 0.5)
    return np.asarray(np.clip(P, 0.0, 1.0), dtype=np.float64)


def _u(v: FloatArray, r: FloatArray | None) -> FloatArray:
    """BDM's utility transform ``2 - 4 v^r``; ``r is None`` means every exponent is 1."""
    if r is None:
        return 2.0 - 4.0 * v
    return np.asarray(2.0 - 4.0 * v**r, dtype=np.float64)


def _pair_eus(
    x: FloatArray,
    s: FloatArray,
    mu: FloatArray,
    R: FloatArray,
    P: FloatArray,
    r: FloatArray | None,
    q: float,
    need_a: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """``(A, B)`` with ``A[i, j] = E_i(ij)`` and ``B[i, j] = E_j(ji)``, both in ``i``'s view.

    ``E_i(ij) = U^s - s_j (1 - P_ij)(U^s - U^f) - Q U^{sq} - (1 - Q)[T U^b + (1 - T) U^w]`` is
    step 4 rearranged; ``r is None`` is the first pass (every exponent 1).
    """
    gap = np.abs(x[:, :, None] - x[:, None, :])  # |x_i - x_j|
    D = gap / R[:, None, None]
    ri = None if r is None else r[:, :, None]  # viewer's exponent on the row
    Us = _u(0.5 - 0.5 * D, ri)
    spread = Us - _u(0.5 + 0.5 * D, ri)  # U^s - U^f
    base = Us
    if q != 0.0 and r is not None:
        base = Us - q * _u(np.full_like(r, 0.5), r)[:, :, None]
    # The risk pass needs only B; A is skipped there unless the quadrant data are recorded.
    A = base - s[:, None, :] * (1.0 - P) * spread if need_a else base
    B = base - s[:, :, None] * (1.0 - np.swapaxes(P, 1, 2)) * spread
    if q != 1.0:
        off = np.abs(x - mu[:, None])  # |x_i - mu|
        # i challenging j: T = 1 when i's position is nearer the median than j's.
        ei = (off[:, :, None] + gap) / R[:, None, None]
        Ti = off[:, :, None] < gap
        if need_a:
            A = A - (1.0 - q) * np.where(Ti, _u(0.5 - 0.25 * ei, ri), _u(0.5 + 0.25 * ei, ri))
        # j challenging i, still evaluated with i's exponent: e uses |x_j - mu|.
        ej = (off[:, None, :] + gap) / R[:, None, None]
        Tj = off[:, None, :] < gap
        B = B - (1.0 - q) * np.where(Tj, _u(0.5 - 0.25 * ej, ri), _u(0.5 + 0.25 * ej, ri))
    # Actors at one position have nothing to contest: their pair sits at the origin of the chart.
    same = gap == 0
    return np.where(same, 0.0, A), np.where(same, 0.0, B)


def _risk_exponents(B1: FloatArray) -> FloatArray:
    """Risk exponents ``r_i`` in [0.5, 2] from the first-pass ``E_j(ji)`` (step 5)."""
    sec = B1.sum(axis=2)
    hi = sec.max(axis=1, keepdims=True)
    lo = sec.min(axis=1, keepdims=True)
    spread = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(spread > 0, (2.0 * sec - hi - lo) / np.where(spread > 0, spread, 1.0), 0.0)
    return np.asarray((1.0 - rho / 3.0) / (1.0 + rho / 3.0), dtype=np.float64)


def _pick(key: FloatArray, target: FloatArray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the valid column with the smallest key (ties: lowest target); and whether any."""
    k = np.where(valid, key, np.inf)
    best = k.min(axis=-1, keepdims=True)
    tol = _TIE * np.maximum(np.abs(best), 1.0)
    near = valid & (k <= best + tol)
    j = np.argmin(np.where(near, target, np.inf), axis=-1)
    return np.asarray(j), np.asarray(valid.any(axis=-1))


def _offers(
    x: FloatArray, A: FloatArray, B: FloatArray, variant: Variant
) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    """New positions after every actor accepts its preferred offer; plus offer kind and partner."""
    xi = x[:, :, None]
    xj = x[:, None, :]
    contest = xi != xj
    absA = np.abs(A)
    # Expected utilities are O(1); differences below _EU_TOL count as equal, so that exact ties
    # of the mathematics (common with positions on round numbers) are not decided by rounding.
    eps = _EU_TOL
    a, b = A, B
    conflict = contest & (b > a + eps) & (a > eps)
    mixed = contest & (b > eps) & (a < -eps)
    compromise = mixed & (absA < b - eps)
    no_offer = np.zeros_like(mixed)
    capitulation = mixed & (absA > b + eps) if variant == "as-printed" else no_offer
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(compromise, absA / np.where(B > 0, B, 1.0), 0.0)
    comp_pos = xi + (xj - xi) * frac
    target_full = np.broadcast_to(xj, A.shape)
    move_full = np.abs(xj - xi) * np.ones_like(A)

    j_conf, any_conf = _pick(move_full, target_full, conflict)
    if variant == "scholz-code":
        with np.errstate(invalid="ignore", divide="ignore"):
            comp_key = (absA * xi + np.abs(B) * xj) / (absA + np.abs(B))
    else:
        comp_key = np.abs(comp_pos - xi)
    j_comp, any_comp = _pick(comp_key, comp_pos, compromise)
    if variant == "as-printed":
        j_cap, any_cap = _pick(move_full, target_full, capitulation)
    else:
        j_cap, any_cap = np.zeros_like(j_conf), np.zeros_like(any_conf)

    pos_conf = np.take_along_axis(target_full, j_conf[..., None], axis=-1)[..., 0]
    pos_comp = np.take_along_axis(comp_pos, j_comp[..., None], axis=-1)[..., 0]
    pos_cap = np.take_along_axis(target_full, j_cap[..., None], axis=-1)[..., 0]
    new = np.where(any_conf, pos_conf, np.where(any_comp, pos_comp, np.where(any_cap, pos_cap, x)))
    kind = np.where(
        any_conf, CONFLICT, np.where(any_comp, COMPROMISE, np.where(any_cap, CAPITULATION, NONE))
    )
    partner = np.where(any_conf, j_conf, np.where(any_comp, j_comp, np.where(any_cap, j_cap, -1)))
    return np.asarray(new, dtype=np.float64), kind, partner


def _means(x: FloatArray, w: FloatArray) -> FloatArray:
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.asarray((w * x).sum(axis=-1) / w.sum(axis=-1), dtype=np.float64)
    bad = ~np.isfinite(out)
    if bad.any():  # positions near the float range: the convex combination cannot overflow
        share = w[bad] / w[bad].sum(axis=-1, keepdims=True)
        out[bad] = (share * x[bad]).sum(axis=-1)
    return out


def run_eum(
    x0: FloatArray,
    c: FloatArray,
    s: FloatArray,
    R: FloatArray,
    *,
    variant: Variant,
    q: float,
    rounds: int,
    risk: bool,
    record: bool,
) -> EUMTrace:
    """Run the model on ``d`` independent cases at once (arrays ``(d, n)``, ``R (d,)``).

    Arrays are checked by the callers.  Draws are processed in chunks of about 4 million
    draw x n^3 vote terms, which bounds memory; besides the loops over chunks and rounds, the
    only Python loop is over anchor actors in :func:`_pair_spread`.
    """
    d, n = x0.shape
    if n > MAX_ACTORS:
        raise ProblemTooLarge(
            f"the expected-utility model is limited to {MAX_ACTORS} actors per issue "
            f"(got {n}); its vote arrays grow with n^3"
        )
    chunk = max(1, _CHUNK_ELEMENTS // max(1, n**3))
    if record and d > chunk:
        raise ProblemTooLarge("per-round pair arrays are recorded for small runs only")
    parts = [
        _run_chunk(
            x0[a : a + chunk],
            c[a : a + chunk],
            s[a : a + chunk],
            R[a : a + chunk],
            variant=variant,
            q=q,
            rounds=rounds,
            risk=risk,
            record=record,
        )
        for a in range(0, d, chunk)
    ]
    if len(parts) == 1:
        return parts[0]
    return EUMTrace(
        positions=np.concatenate([p.positions for p in parts]),
        medians=np.concatenate([p.medians for p in parts]),
        means=np.concatenate([p.means for p in parts]),
        utility_range=np.concatenate([p.utility_range for p in parts]),
        risk=None,
        eu_ij=None,
        eu_ji=None,
        prob=None,
        offer=None,
        partner=None,
    )


def _run_chunk(
    x0: FloatArray,
    c: FloatArray,
    s: FloatArray,
    R: FloatArray,
    *,
    variant: Variant,
    q: float,
    rounds: int,
    risk: bool,
    record: bool,
) -> EUMTrace:
    d, n = x0.shape
    w = power_of_two_scale(c) * s
    # A case whose actors all stand at one point has R = 0: nothing moves, no division by zero.
    Rs = np.where(R > 0, R, 1.0)
    x = x0.copy()
    positions = np.empty((d, rounds + 1, n))
    medians = np.empty((d, rounds + 1))
    means = np.empty((d, rounds + 1))
    positions[:, 0] = x
    medians[:, 0] = weighted_median_batch(x, w)
    means[:, 0] = _means(x, w)
    rec_r = np.empty((d, rounds, n)) if record else None
    rec_a = np.empty((d, rounds, 2, n, n)) if record else None
    rec_b = np.empty((d, rounds, 2, n, n)) if record else None
    rec_p = np.empty((d, rounds, 2, n, n)) if record else None
    rec_o = np.empty((d, rounds, n), dtype=np.int64) if record else None
    rec_j = np.empty((d, rounds, n), dtype=np.int64) if record else None
    ones = np.ones((d, n))
    for t in range(rounds):
        mu = medians[:, t]
        P1 = _probabilities(x, w, None, Rs, variant)
        A1, B1 = _pair_eus(x, s, mu, Rs, P1, None, q, need_a=record or not risk)
        if risk:
            r = _risk_exponents(B1)
            # as-printed votes are linear in distance: the risk pass has the same P.
            P2 = _probabilities(x, w, r, Rs, variant) if variant == "scholz-code" else P1
            A2, B2 = _pair_eus(x, s, mu, Rs, P2, r, q)
        else:
            r, P2, A2, B2 = ones, P1, A1, B1
        new, kind, partner = _offers(x, A2, B2, variant)
        if rec_r is not None and rec_a is not None and rec_b is not None and rec_p is not None:
            rec_r[:, t] = r
            rec_a[:, t, 0], rec_a[:, t, 1] = A1, A2
            rec_b[:, t, 0], rec_b[:, t, 1] = B1, B2
            rec_p[:, t, 0], rec_p[:, t, 1] = P1, P2
        if rec_o is not None and rec_j is not None:
            rec_o[:, t] = kind
            rec_j[:, t] = partner
        x = new
        positions[:, t + 1] = x
        medians[:, t + 1] = weighted_median_batch(x, w)
        means[:, t + 1] = _means(x, w)
    return EUMTrace(
        positions=positions,
        medians=medians,
        means=means,
        utility_range=R.copy(),
        risk=rec_r,
        eu_ij=rec_a,
        eu_ji=rec_b,
        prob=rec_p,
        offer=rec_o,
        partner=rec_j,
    )
