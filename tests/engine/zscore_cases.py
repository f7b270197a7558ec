"""Hard cases for the z-score detector, and their scores by the per-series code it replaced.

`cases()` builds a deterministic frame of many series whose statistics take every path:
noisy series at different levels, idle series (0 with a move now and then), series
constant for windows at a time (the longer-run spread), series only ever 0, series too
short to warm up, a fleet of short series, all interleaved; and the cuts it is scored in.
`golden/zscore-cases.parquet` holds score, expected and reason of every row as the
per-series implementation (before the columnar one) gave them; regenerate it only when the
output is meant to change: `python tests/engine/zscore_cases.py`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

GOLDEN = Path(__file__).parent / "golden" / "zscore-cases.parquet"


def _values(kind: int, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == 0:  # noise around a level
        return rng.uniform(1, 900) + rng.normal(0, rng.uniform(0.1, 40), n)
    if kind == 1:  # idle at 0, a small move now and then, one burst
        v = np.zeros(n)
        v[rng.random(n) < 0.05] = np.round(rng.uniform(0.2, 0.9), 2)
        v[n // 2] = 85.0
        return v
    if kind == 2:  # constant stretches (whole windows) between noisy ones
        v = 40 + rng.normal(0, 2, n)
        for lo in range(0, n, 400):
            v[lo + 150 : lo + 380] = 40.0
        return v
    if kind == 3:  # only ever 0, then one move at the very end
        v = np.zeros(n)
        v[-1] = 3.0
        return v
    v = np.round(50 + rng.normal(0, 1, n), 0)  # few distinct values: ties and zero MADs
    v[rng.random(n) < 0.01] += 30
    return v


def cases() -> tuple[pl.DataFrame, list[int]]:
    """Rows (server, component, value, in arrival order) and the cuts to score them in."""
    rng = np.random.default_rng(18)
    parts = []
    for s in range(40):  # long series of every kind
        for c, component in enumerate(("CPU", "Memory", "Disk", "Net")):
            n = int(rng.choice([5, 40, 200, 700, 1500]))
            parts.append((f"srv-{s:02d}", component, _values((s + c) % 5, n, rng)))
    for s in range(300):  # a fleet of short series
        parts.append((f"fleet-{s:03d}", "CPU", _values(s % 5, int(rng.integers(20, 90)), rng)))
    server = np.concatenate([[p[0]] * len(p[2]) for p in parts])
    component = np.concatenate([[p[1]] * len(p[2]) for p in parts])
    value = np.concatenate([p[2] for p in parts])
    # Interleave: each series keeps its own order, arrival order mixes them.
    key = np.concatenate([np.sort(rng.random(len(p[2]))) for p in parts])
    order = np.argsort(key, kind="stable")
    frame = pl.DataFrame({"server": server[order], "component": component[order], "value": value[order]})
    cuts = sorted({0, 1, 2, 3, 700, 701, 5_000, 20_000, 20_013, 60_000, frame.height, *rng.integers(0, frame.height, 12).tolist()})
    return frame, cuts


def score_cases(detector) -> pl.DataFrame:  # noqa: ANN001 - a ZScoreDetector
    """Score, expected and reason of every row, the first part fitted, the rest in cuts."""
    frame, cuts = cases()
    detector.fit(frame.slice(0, cuts[1]))
    parts = [detector.score(frame.slice(a, b - a)) for a, b in zip(cuts[1:], cuts[2:])]
    return pl.concat(parts).select("score", "expected", "reason")


def golden() -> pl.DataFrame:
    return pl.read_parquet(GOLDEN)


if __name__ == "__main__":
    from logwatch.engine.detect import ZScoreDetector

    score_cases(ZScoreDetector()).write_parquet(GOLDEN, compression="zstd", compression_level=19)
