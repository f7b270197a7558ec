"""Tailing: sustained lines/s read, parsed and scored; write-to-scored latency at 10,000
lines/s (median, p95) with change notifications and with polling; the fault-injection
harness run longer than in CI.

Scoring uses the z-score detector (what `logwatch` uses without a trained model).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from bench.table import Row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "sources"))
import fault_harness  # noqa: E402  (lives with the tests it also serves)

RATE = 10_000
WRITER = """
import os, sys, time
path, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
fd = os.open(path, os.O_WRONLY | os.O_APPEND)
template = '{"timestamp": "2025-01-05T00:%02d:%02d.%06d", "server": "server_%d", "component": "%s", "value": %d}\\n'
parts = ("CPU", "Memory", "Disk")
started = time.monotonic()
written = 0
while (now := time.monotonic()) < started + seconds:
    due = int((now - started) * rate) - written
    if due > 0:
        stamp = time.monotonic_ns() // 1000  # the value carries the write time (us)
        lines = []
        for i in range(written, written + due):
            lines.append(template % (i // 60000 % 60, i // 1000 % 60, i % 1000, i % 3 + 1, parts[i // 3 % 3], stamp))
        os.write(fd, "".join(lines).encode())
        written += due
    time.sleep(0.001)
print(written)
"""


def run(quick: bool) -> list[Row]:
    rows = _throughput(quick)
    rows += _latency(quick, poll=False)
    rows += _latency(quick, poll=True)
    rows += _harness(quick)
    return rows


def _scorer():
    from logwatch.engine.detect.zscore import ZScoreDetector
    from logwatch.engine.score import Scorer

    return Scorer(ZScoreDetector())


def _throughput(quick: bool) -> list[Row]:
    from logwatch.engine.config import load_config
    from logwatch.engine.generate import Simulator, encode_json_lines
    from logwatch.engine.sources.tail import TailSource

    lines = 200_000 if quick else 1_000_000
    folder = tempfile.mkdtemp(prefix="logwatch-bench-tail-")
    path = os.path.join(folder, "app.jsonl")
    sim = Simulator(load_config(None), seed=1, start=datetime(2025, 1, 5))
    Path(path).write_bytes(encode_json_lines(sim.next_rows(lines)))

    def read_all(score: bool) -> float:
        source, scorer = TailSource(path, from_start=True), _scorer()
        seen, started = 0, time.perf_counter()
        for batch in source:
            if score:
                scorer.score(batch)
            seen += len(batch)
            if seen >= lines:
                break
        if score:
            scorer.flush()
        return time.perf_counter() - started

    repeats = 1 if quick else 3
    parse = statistics.median(read_all(False) for _ in range(repeats))
    scored = statistics.median(read_all(True) for _ in range(repeats))
    os.unlink(path)
    os.rmdir(folder)
    note = f"{lines:,} lines from a file, median of {repeats}"
    return [
        Row("read + parse", lines / parse, "lines/s", note),
        Row("read + parse + score (z-score)", lines / scored, "lines/s", note),
    ]


def _latency(quick: bool, *, poll: bool) -> list[Row]:
    """A separate writer process appends RATE lines/s, each carrying its write time; the
    time to being scored is measured on the same monotonic clock."""
    from logwatch.engine.sources.tail import TailSource

    seconds = 3.0 if quick else 15.0
    folder = tempfile.mkdtemp(prefix="logwatch-bench-latency-")
    path = os.path.join(folder, "app.jsonl")
    Path(path).write_bytes(b"")
    source, scorer = TailSource(path, poll=poll), _scorer()
    delays: list[np.ndarray] = []

    def consume() -> None:
        for batch in source:
            scored = scorer.score(batch)
            now_us = time.monotonic_ns() // 1000
            delays.append(now_us - scored.get_column("value").to_numpy())

    reader = threading.Thread(target=consume, daemon=True)
    reader.start()
    time.sleep(0.3)
    writer = subprocess.run([sys.executable, "-c", WRITER, path, str(RATE), str(seconds)],
                            capture_output=True, text=True, check=True)
    time.sleep(0.5)
    source.stop()
    reader.join(10)
    os.unlink(path)
    os.rmdir(folder)
    ms = np.concatenate(delays) / 1000.0 if delays else np.array([np.nan])
    how = "polling every 0.1 s" if poll else "change notifications"
    note = f"{RATE:,} lines/s for {seconds:g} s, {how}; {len(ms):,} of {int(writer.stdout):,} lines scored"
    name = "poll" if poll else "notify"
    return [
        Row(f"write-to-scored latency median ({name})", float(np.median(ms)), "ms", note),
        Row(f"write-to-scored latency p95 ({name})", float(np.percentile(ms, 95)), "ms", note),
    ]


def _harness(quick: bool) -> list[Row]:
    seconds = 3.0 if quick else 30.0
    report = fault_harness.run_harness(fault_harness.FaultPlan(seconds=seconds, fault_every=0.2))
    faults = sum(report.faults.values())
    verdict = "; ".join(report.problems()) or "exact"
    return [
        Row("fault harness write rate", report.write_rate, "lines/s",
            f"{seconds:g} s, {faults} faults ({dict(report.faults)}), {report.bad_injected:,} bad lines"),
        Row("fault harness lines lost or duplicated",
            len(report.missing) + len(report.duplicates) + len(report.unexpected), "lines", verdict),
    ]
