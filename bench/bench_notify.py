"""Notifications: a burst of 1,000 incidents with --notify must not slow scoring.

A log of 1,000 series (250 servers x 4 components, one entry per 10 s each) whose every
series spikes at the same time step: 1,000 incidents at once, all different servers and
components (so the rate limit lets each through). The same headless export runs with and
without `--notify 'cat >/dev/null' --notify-every 0`, alternating, in child processes;
entries/s is the command's own summary figure (scoring, not the wait for the queue at
stop). The queue holds 100: the rest of the burst is dropped (counted) rather than waited
for, which is the point.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench.table import Row

SERVERS, COMPONENTS = 250, ("CPU", "Memory", "Disk", "Network")
START_US = 1_736_035_200_000_000
"""2025-01-05 00:00:00 UTC in microseconds."""
SPIKE_STEP = 300
"""Every series spikes here (after the z-score's warm-up): the burst."""


def _log(path: Path, steps: int) -> int:
    """Write the burst log; its number of entries."""
    series = [(f"server_{s}", c) for s in range(SERVERS) for c in COMPONENTS]
    step = np.repeat(np.arange(steps), len(series))
    values = 50.0 + np.random.default_rng(1).normal(0, 2, step.size)
    values[step == SPIKE_STEP] = 500.0
    frame = pl.DataFrame({
        "timestamp": pl.Series(step * 10_000_000 + START_US).cast(pl.Datetime("us")),
        "server": [s for s, _ in series] * steps,
        "component": [c for _, c in series] * steps,
        "value": values,
    }).with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S"))
    frame.write_ndjson(path)
    return frame.height


def _run(log: Path, out: Path, notify: bool) -> tuple[float, str]:
    """Entries/s from the summary line, and the notifications line (empty without)."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    extra = ["--notify", "cat >/dev/null", "--notify-every", "0"] if notify else []
    done = subprocess.run([sys.executable, "-m", "logwatch.tui", "tui", str(log), "--export", str(out),
                           "--detector", "zscore", *extra], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, check=True)
    rate = re.search(r"([\d,]+) entries/s", done.stdout)
    assert rate, done.stdout + done.stderr
    said = re.search(r"notifications: .*", done.stdout)
    return float(rate[1].replace(",", "")), said[0] if said else ""


def run(quick: bool) -> list[Row]:
    steps = 320 if quick else 1_000
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="logwatch-bench-notify-") as folder:
        log, out = Path(folder) / "burst.jsonl", Path(folder) / "out.csv"
        entries = _log(log, steps)
        without, with_notify, said = [], [], ""
        for _ in range(repeats):  # alternating, so the machine's load hits both alike
            without.append(_run(log, out, False)[0])
            rate, said = _run(log, out, True)
            with_notify.append(rate)
    plain, notified = statistics.median(without), statistics.median(with_notify)
    note = f"{entries:,} entries, 1,000 incidents in one burst, z-score, median of {repeats}"
    return [
        Row("export without --notify", plain, "entries/s", note),
        Row("export with --notify", notified, "entries/s",
            f"{note}; runs {', '.join(f'{r:,.0f}' for r in with_notify)} "
            f"(without: {', '.join(f'{r:,.0f}' for r in without)}); {said}"),
        Row("with / without --notify", notified / plain, "x", "1.0 = scoring at full speed"),
    ]
