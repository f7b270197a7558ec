"""Headless export speed: `logwatch tui LOG --export OUT --all` against polars' own read.

On a 1,000,000-entry generated file (100,000 with --quick), in the same run:
- the floor: `polars.read_ndjson(LOG)` alone (no validation, timestamps left as text);
- the headless export in process (read, validate, score, write CSV) with the z-score
  detector and with an autoencoder bundle trained by `python -m logwatch.training`;
- the whole command in a subprocess (start-up included), with its peak memory (VmHWM of
  that child, see bench.peak).
The aims (issue 18) are CPU-time ratios: the z-score export at most 1.5x the read at 1M
and 3M entries, the autoencoder's 2.5x, and a peak memory at most the read's, flat with
the file's size. Wall-clock ratios follow the machine's load (the export runs three
threads, the read two), so they are reported but are not the aim.

Recorded (1,000,000 entries, 2 shared cores, load 4-7 from other work; polars' own speed
moves with the load, so compare ratios):
- before (382e9ac): z-score 4.74x the read (547k entries/s vs 2.59M/s), autoencoder 10.9x
  (238k/s); peak 289 / 304 MiB.
- after (fdc900f: timestamp fast path, per-block reasons, one-copy reader, write-behind
  thread): z-score 2.64x the read, 3.38x in CPU time (665k entries/s vs 1.76M/s),
  autoencoder 9.45x (186k/s; its windows and reasons dominate); peak 305 / 347 MiB.
  CPU seconds per million entries: polars read 0.40; our parse 0.65, z-score 0.31, CSV
  write 0.35.
- issue 18 (2a537f3: one-pass windows for every server of a block), CPU ratios to the read
  in runs of different load: z-score 4.23x before, 3.37x after; autoencoder 7.84x before,
  10.9x after on a twice busier machine (polars' read 2.36M/s then 1.22M/s); the windower
  alone on this file, old and new in one process: 1.62-1.76 s vs 1.74-1.91 s CPU, i.e. no
  change with 3 servers (the gain is with many servers, see bench_export_fleet).
- issue 18, the rest (columnar z-score, trace-back on arrays, reasons and timestamps
  formatted per column, onnxruntime not spinning), CPU ratios to the read, one run each at
  load 2-5: z-score 4.35x before (ea14582), 3.10x and 3.93x after in two runs; 3M entries
  4.31x, 4.03x / 3.39x; autoencoder 9.01x, 6.45x / 6.71x. Peak memory (VmHWM, see
  bench.peak) z-score 259 -> 268 MiB against the read's 301 (3M: 276 -> 277, read 727),
  autoencoder 408 -> 404 MiB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.logs import generate
from bench.table import Row

AIMS = {"zscore": 1.5, "autoencoder": 2.5}
"""Issue 18's aims for the CPU-time ratio export / polars read at 1M entries."""

BUNDLE_ENTRIES = 60_000
"""Entries the bench's autoencoder is trained on (sklearn backend: quick and ONNX)."""


def _train(log: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "logwatch.training", str(log), "--out", str(out),
                    "--backend", "sklearn", "--progress", "jsonl"],
                   check=True, stdout=subprocess.DEVNULL)


def _command(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one `logwatch` child process."""
    return _child(["-m", "logwatch.tui", *args])


def _read_peak(log: Path) -> float:
    """Peak resident memory (MiB) of a child that only reads `log` with polars.read_ndjson."""
    return _child(["-c", f"import polars; polars.read_ndjson({str(log)!r})"])[1]


def _child(python_args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB, see bench.peak) of one Python child."""
    import time

    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        err = Path(folder) / "err"
        started = time.perf_counter()
        with err.open("wb") as errors:
            done = subprocess.run([sys.executable, "-m", "bench.peak", str(peak), *python_args], env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            why = err.read_text(errors="replace").strip().splitlines()[-1:]
            raise RuntimeError(f"python {' '.join(python_args)} exited {done.returncode}: {why}")
        return seconds, float(peak.read_text())


def _timed(action, repeats: int) -> tuple[float, float]:  # noqa: ANN001
    """Median wall seconds and median CPU seconds (all threads) of `repeats` calls."""
    import statistics
    import time

    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _in_process(log: Path, out: Path, detector: str, model: Path | None) -> None:
    from logwatch.engine.export import open_writer
    from logwatch.engine.headless import run_headless
    from logwatch.engine.parse import read_batches
    from logwatch.engine.model_loader import make_detector
    from logwatch.engine.score import Scorer

    scorer = Scorer(make_detector(detector, model), trace_back=True)  # as `logwatch tui --export`
    run_headless(read_batches(log), scorer, lambda labels: open_writer(out, labels=labels),
                 write_all=True, err=open(os.devnull, "w"))


def run(quick: bool) -> list[Row]:
    import polars as pl

    import importlib

    for module in ("headless", "parse", "score", "export"):  # imports are not what is timed
        importlib.import_module(f"logwatch.engine.{module}")

    entries = 100_000 if quick else 1_000_000
    repeats = 1 if quick else 3
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        log, small, model = base / "logs.jsonl", base / "train.jsonl", base / "model"
        generate(log, entries, seed=5)
        generate(small, BUNDLE_ENTRIES, seed=1)
        _train(small, model)
        floor, floor_cpu = _timed(lambda: pl.read_ndjson(log), repeats)
        rows.append(Row("polars.read_ndjson (the floor)", entries / floor, "entries/s",
                        f"{entries:,} entries, {log.stat().st_size / 1e6:.0f} MB, median of {repeats}"))
        rows.append(Row("polars.read_ndjson CPU", floor_cpu / entries * 1e6, "s/M entries",
                        "CPU seconds (all threads) per million entries"))
        read_peak = _read_peak(log)
        rows.append(Row("peak memory, polars.read_ndjson", read_peak, "MiB", "peak RSS of a child that only reads"))
        for detector, bundle in (("zscore", None), ("autoencoder", model)):
            out = base / f"out-{detector}.csv"
            inside, inside_cpu = _timed(lambda: _in_process(log, out, detector, bundle), repeats)
            args = ["tui", str(log), "--export", str(out), "--all", "--detector", detector]
            if bundle is not None:
                args += ["--model", str(bundle)]
            runs = [_command(args) for _ in range(repeats)]
            whole = sorted(r[0] for r in runs)[len(runs) // 2]
            peak = max(r[1] for r in runs)
            rows += [
                Row(f"export --all, {detector}, in process", entries / inside, "entries/s",
                    "read + validate + score + write CSV"),
                Row(f"export --all, {detector} / polars read", inside / floor, "x",
                    "wall-time ratio, same run"),
                Row(f"export --all, {detector} / polars read, CPU", inside_cpu / floor_cpu, "x",
                    f"CPU-time ratio, same run (aim: <= {AIMS[detector]})"),
                Row(f"logwatch tui --export --all, {detector}", entries / whole, "entries/s",
                    "whole command, start-up included"),
                Row(f"peak memory, {detector} export", peak, "MiB", "peak RSS of the command (VmHWM)"),
                Row(f"peak memory, {detector} export / polars read", peak / read_peak, "x",
                    "same run (aim: <= 1 at 1M entries)"),
            ]
        rows += _larger(base, 3 * entries, repeats)
    return rows


def _larger(base: Path, entries: int, repeats: int) -> list[Row]:
    """The z-score export against the read on a file 3x larger (aim: the same ratio, and a
    peak memory that does not grow with the file)."""
    import polars as pl

    log, out = base / "large.jsonl", base / "out-large.csv"
    generate(log, entries, seed=6)
    _, floor_cpu = _timed(lambda: pl.read_ndjson(log), repeats)
    _, export_cpu = _timed(lambda: _in_process(log, out, "zscore", None), repeats)
    peak = max(_command(["tui", str(log), "--export", str(out), "--all"])[1] for _ in range(repeats))
    return [
        Row(f"export --all, zscore / polars read, CPU, {entries:,} entries", export_cpu / floor_cpu, "x",
            "CPU-time ratio, same run (aim: <= 1.5)"),
        Row(f"peak memory, zscore export, {entries:,} entries", peak, "MiB",
            "peak RSS of the command (flat with size: about the 1M figure)"),
        Row(f"peak memory, polars.read_ndjson, {entries:,} entries", _read_peak(log), "MiB", "peak RSS"),
    ]
