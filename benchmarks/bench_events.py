"""Benchmark: stream a synthetic GDELT 2.0 event export in bounded memory.

Writes a synthetic GDELT 2.0 file (61 tab-separated columns, realistic values, unique
GLOBALEVENTIDs, a few malformed lines) of ``--size-mb`` megabytes (default 1024; ``--quick``:
32) to a temporary directory, then, each in a fresh process so that peak memory is its own:

- detente, streaming: ``iter_events(file, actors=["RUS", "UKR"])`` aggregated block by block
  into event counts per actor and CAMEO root (16 MiB blocks; every record validated, filtered,
  normalised): memory must not grow with the file;
- detente, table: ``read_events(file, actors=["RUS", "UKR"])``, which also keeps the filtered
  rows (memory grows with the rows kept, not with the file);
- baseline: ``pandas.read_csv`` of the whole file at once (the same eight columns as strings, no
  validation, no filtering): the obvious way to load such a file.

Prints rows per second and peak resident memory of each, and the ratios detente / baseline.
The bounded-memory claim is checked by also streaming a file a quarter of the size: the peak
memory of the streaming read must not grow with the file.

Usage: ``python benchmarks/bench_events.py [--quick] [--size-mb N] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

COUNTRIES = np.array(
    ["RUS", "UKR", "USA", "CHN", "FRA", "DEU", "GBR", "TUR", "IND", "IRN", "ISR", "POL", ""]
)
CODES = np.array(["010", "036", "042", "043", "046", "057", "0871", "112", "125", "138", "190"])
GOLD = {"010": 0.0, "036": 4.0, "042": 1.9, "043": 2.8, "046": 7.0, "057": 8.0, "0871": 9.0,
        "112": -2.0, "125": -5.0, "138": -7.0, "190": -10.0}  # fmt: skip
TEMPLATE_ROWS = 20_000


def _tails(rng: np.random.Generator) -> list[str]:
    """Every field after GLOBALEVENTID for TEMPLATE_ROWS synthetic events."""
    n = TEMPLATE_ROWS
    a1 = rng.choice(COUNTRIES, n)
    a2 = rng.choice(COUNTRIES, n)
    codes = rng.choice(CODES, n)
    days = np.datetime64("2022-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]")
    src = rng.integers(1, 8, n)
    tails = []
    for i in range(n):
        d = str(days[i]).replace("-", "")
        c = str(codes[i])
        actor1 = [a1[i], f"{a1[i]} GOVERNMENT", a1[i], "", "", "", "", "GOV", "", ""]
        actor2 = [a2[i], f"{a2[i]} MILITARY", a2[i], "", "", "", "", "MIL", "", ""]
        event = ["1", c, c[:3], c[:2], "1", f"{GOLD[c]:.1f}", str(src[i] * 3), str(src[i]),
                 str(src[i] * 3), "-3.21428571428571"]  # fmt: skip
        geo = ["4", "Kyiv, Kyyiv, Misto, Ukraine", "UP", "UP12", "31555", "50.4333", "30.5167",
               "-1044367"]  # fmt: skip
        fields = [d, d[:6], d[:4], f"{d[:4]}.{int(d[4:6]) * 8:04d}", *actor1, *actor2, *event,
                  *geo, *geo, *geo, d + "151500",
                  f"https://www.example-news.com/world/europe/{d}/article-{i}.html"]  # fmt: skip
        tails.append("\t".join(fields))
    return tails


def write_gdelt2(path: Path, size_mb: int, *, seed: int = 0) -> int:
    """Write a synthetic GDELT 2.0 export of about ``size_mb`` MB; return the number of lines."""
    rng = np.random.default_rng(seed)
    tails = _tails(rng)
    target = size_mb * 1_000_000
    written = lines = 0
    next_id = 1_050_000_000
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        while written < target:
            ids = range(next_id, next_id + TEMPLATE_ROWS)
            text = "\n".join(f"{i}\t{t}" for i, t in zip(ids, tails, strict=True)) + "\n"
            if lines == 0:  # a few malformed lines, as in real exports
                text += "1\t20221301\tshort line\n" + f"2\t20221350{tails[0][8:]}\n"
                lines += 2
            fh.write(text)
            written += len(text)
            lines += TEMPLATE_ROWS
            next_id += TEMPLATE_ROWS
    return lines


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_stream(path: str, queue: Any, block_bytes: int) -> None:
    import pandas as pd

    from detente.timeline.events import ReadReport, iter_events

    start_mb = _peak_mb()
    t0 = time.perf_counter()
    reports: list[ReadReport] = []
    counts: pd.Series | None = None
    for chunk in iter_events(path, actors=["RUS", "UKR"], reports=reports, block_bytes=block_bytes):
        part = chunk.groupby(["actor", "root"]).size()
        counts = part if counts is None else counts.add(part, fill_value=0)
    seconds = time.perf_counter() - t0
    (report,) = reports
    queue.put(
        {
            "seconds": seconds,
            "records": report.records,
            "kept": int(counts.sum()) if counts is not None else 0,
            "malformed": report.malformed,
            "peak_mb": _peak_mb(),
            "start_mb": start_mb,
        }
    )


def _run_table(path: str, queue: Any, block_bytes: int) -> None:
    from detente.timeline.events import read_events

    start_mb = _peak_mb()
    t0 = time.perf_counter()
    data = read_events(path, actors=["RUS", "UKR"], block_bytes=block_bytes)
    seconds = time.perf_counter() - t0
    (report,) = data.reports
    queue.put(
        {
            "seconds": seconds,
            "records": report.records,
            "kept": len(data.frame),
            "malformed": report.malformed,
            "peak_mb": _peak_mb(),
            "start_mb": start_mb,
        }
    )


def _run_baseline(path: str, queue: Any, block_bytes: int) -> None:
    del block_bytes  # reads the whole file at once
    import pandas as pd

    start_mb = _peak_mb()
    t0 = time.perf_counter()
    frame = pd.read_csv(
        path,
        sep="\t",
        header=None,
        usecols=[0, 1, 7, 17, 26, 30, 32, 33],
        dtype=str,
        quoting=3,
        on_bad_lines="skip",
        na_filter=False,
    )
    seconds = time.perf_counter() - t0
    queue.put(
        {
            "seconds": seconds,
            "records": len(frame),
            "peak_mb": _peak_mb(),
            "start_mb": start_mb,
        }
    )


def _in_child(target: Any, path: Path, block_bytes: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(str(path), queue, block_bytes))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=None, help="file size (default 1024)")
    parser.add_argument("--quick", action="store_true", help="a 32 MB file")
    parser.add_argument("--keep", type=Path, default=None, help="write the files here")
    parser.add_argument(
        "--block-mb", type=int, default=None, help="read block size (default 16; --quick: 2)"
    )
    args = parser.parse_args(argv)
    size = args.size_mb or (32 if args.quick else 1024)
    block = (args.block_mb or (2 if args.quick else 16)) * 1024 * 1024
    with tempfile.TemporaryDirectory(dir=args.keep) as tmp:
        big = Path(tmp) / "synthetic.export.CSV"
        small = Path(tmp) / "synthetic-quarter.export.CSV"
        t0 = time.perf_counter()
        lines = write_gdelt2(big, size)
        write_gdelt2(small, max(size // 4, 1), seed=1)
        mb = big.stat().st_size / 1e6
        small_bytes = small.stat().st_size
        print(f"synthetic GDELT 2.0 file: {mb:.0f} MB, {lines:,} lines, {block >> 20} MiB blocks "
              f"(written in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
        ours = _in_child(_run_stream, big, block)
        quarter = _in_child(_run_stream, small, block)
        table = _in_child(_run_table, big, block)
        base = _in_child(_run_baseline, big, block)
    ours_rate = ours["records"] / ours["seconds"]
    base_rate = base["records"] / base["seconds"]
    ours_mem = ours["peak_mb"] - ours["start_mb"]
    quarter_mem = quarter["peak_mb"] - quarter["start_mb"]
    table_mem = table["peak_mb"] - table["start_mb"]
    base_mem = base["peak_mb"] - base["start_mb"]
    # The quarter file must span several blocks for the comparison to mean anything.
    comparable = small_bytes >= 2 * block
    bounded = ours_mem <= 1.25 * quarter_mem + 32
    verdict = ("yes" if bounded else "NO") if comparable else "n/a, file within two blocks"
    print(
        f"detente iter_events (streaming, validated, RUS/UKR filter, aggregated): "
        f"{ours_rate:,.0f} rows/s, {ours['seconds']:.1f} s, {ours['kept']:,} events counted, "
        f"{ours['malformed']} malformed reported, peak memory +{ours_mem:.0f} MB "
        f"(process {ours['peak_mb']:.0f} MB)"
    )
    print(
        f"  same on a file a quarter the size: peak memory +{quarter_mem:.0f} MB "
        f"(bounded: {verdict})"
    )
    print(
        f"detente read_events (same, keeping the {table['kept']:,} filtered rows): "
        f"{table['records'] / table['seconds']:,.0f} rows/s, peak memory +{table_mem:.0f} MB"
    )
    print(
        f"baseline pandas.read_csv of the whole file: {base_rate:,.0f} rows/s, "
        f"{base['seconds']:.1f} s, peak memory +{base_mem:.0f} MB (process "
        f"{base['peak_mb']:.0f} MB)"
    )
    print(
        f"ratio detente/baseline: speed {ours_rate / base_rate:.2f}x, "
        f"peak memory {ours_mem / max(base_mem, 1):.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
