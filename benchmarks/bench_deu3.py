"""Forecast accuracy on DEU III: every method against the weighted mean on 353 EU issues.

Reads ``tests/data/deu3/deu3.csv`` (Arregui & Perarnaud 2021, doi:10.34810/data53, CC BY 4.0;
layout, provenance and citation in its README), first reproduces the README's reference figures
with the package's weighted mean and median (proof that the reader is right), then runs every
forecast method on every issue with an outcome and prints mean absolute error, median absolute
error and hit rate (share of issues forecast within 10 points on the 0-100 scale).

Capability is GDP (the file's second row); weight = capability x salience; an actor with a
position but a blank salience gets salience 0.  No method has to beat the weighted mean: the
numbers are reported as they come out.

Run: ``.venv/bin/python benchmarks/bench_deu3.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from detente.bargaining import (
    EUMSettings,
    expected_utility,
    nash_bargaining,
    weighted_mean,
    weighted_median,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "deu3" / "deu3.csv"

# The README's reference figures: (MAE, median AE, share within 10 points).
REFERENCE = {
    "weighted mean": (23.22, 18.80, 0.331),
    "weighted median": (27.58, 20.0, 0.436),
    "unweighted mean": (23.71, None, None),
}
REFERENCE_RP = 51.11  # reference point as forecast, 253 issues


def load_issues() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, float, float]]:
    """Per issue with an outcome: positions, capabilities, saliences (0-1), outcome, status quo."""
    frame = pd.read_csv(DATA, sep="\t")
    cols = list(frame.columns)
    pos_cols = cols[cols.index("pcom") : cols.index("puk") + 1]
    sal_cols = cols[cols.index("scom") : cols.index("suk") + 1]
    assert len(pos_cols) == len(sal_cols) == 30
    capability = frame.iloc[0][pos_cols].to_numpy(dtype=float)
    issues = frame.iloc[1:]
    issues = issues[issues["out"].notna()]
    out = []
    for _, row in issues.iterrows():
        x = row[pos_cols].to_numpy(dtype=float)
        s = row[sal_cols].to_numpy(dtype=float)
        held = ~np.isnan(x)
        out.append(
            (
                x[held],
                capability[held],
                np.nan_to_num(s[held]) / 100.0,
                float(row["out"]),
                float(row["rp"]) if pd.notna(row["rp"]) else float("nan"),
            )
        )
    return out


def scores(errors: np.ndarray) -> tuple[float, float, float]:
    return float(errors.mean()), float(np.median(errors)), float((errors <= 10).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="rounds of the EU model")
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"DEU III data not found at {DATA}", file=sys.stderr)
        return 2
    issues = load_issues()
    print(f"DEU III: {len(issues)} issues with an outcome (0-100 scale)")

    def eum(variant: str, stat: str) -> Callable[[np.ndarray, np.ndarray, np.ndarray], float]:
        def run(x: np.ndarray, c: np.ndarray, s: np.ndarray) -> float:
            res = expected_utility(
                x,
                c,
                s,
                low=0.0,
                high=100.0,
                eum=EUMSettings(variant=variant, rounds=args.rounds),
            )
            return res.forecast if stat == "median" else res.final_mean

        return run

    methods: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], float]] = {
        "weighted mean": lambda x, c, s: weighted_mean(x, c * s),
        "weighted median": lambda x, c, s: weighted_median(x, c * s),
        "unweighted mean": lambda x, c, s: float(x.mean()),
        "Nash bargaining (R = 100)": lambda x, c, s: nash_bargaining(x, c * s, utility_range=100.0),
        "EUM scholz-code (median)": eum("scholz-code", "median"),
        "EUM scholz-code (mean)": eum("scholz-code", "mean"),
        "EUM as-printed (median)": eum("as-printed", "median"),
        "EUM as-printed (mean)": eum("as-printed", "mean"),
    }
    results: dict[str, tuple[float, float, float, float]] = {}
    for name, method in methods.items():
        t0 = time.perf_counter()
        errors = np.array([abs(method(x, c, s) - out) for x, c, s, out, _ in issues])
        results[name] = (*scores(errors), time.perf_counter() - t0)
    rp = np.array([abs(sq - out) for *_, out, sq in issues if not np.isnan(sq)])

    print("\nReference figures (README) reproduced:")
    ok = True
    for name, ref in REFERENCE.items():
        got = results[name][:3]
        for r, g, tol in zip(ref, got, (0.005, 0.005, 0.0005), strict=True):
            if r is not None and abs(r - g) > tol:
                ok = False
        shown = ", ".join(f"{r}" for r in ref if r is not None)
        print(f"  {name:<17} README {shown:<22} here {got[0]:.2f}, {got[1]:.2f}, {got[2]:.3f}")
    print(f"  reference point   README {REFERENCE_RP} ({len(rp)} issues)  here {rp.mean():.2f}")
    ok = ok and abs(rp.mean() - REFERENCE_RP) <= 0.005 and len(rp) == 253
    print("  -> reader agrees with the README" if ok else "  -> MISMATCH with the README")

    base = results["weighted mean"][0]
    print(f"\n{'method':<28}{'MAE':>8}{'median AE':>11}{'hit<=10':>9}{'vs wmean':>10}{'time s':>8}")
    for name, (mae, mdae, hit, secs) in results.items():
        print(f"{name:<28}{mae:>8.2f}{mdae:>11.2f}{hit:>9.3f}{mae - base:>+10.2f}{secs:>8.2f}")
    print(
        f"{'reference point (253)':<28}{rp.mean():>8.2f}{np.median(rp):>11.2f}"
        f"{(rp <= 10).mean():>9.3f}{rp.mean() - base:>+10.2f}"
    )
    best = min(results, key=lambda k: results[k][0])
    print(f"\nLowest MAE: {best} ({results[best][0]:.2f}); weighted mean {base:.2f}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
