"""Scoring an archive on Ray (`--engine ray`) against the single-process export.

The 1,000,000-entry generated file (100,000 with --quick) is cut in time into 16 files and
exported with `--all` and an autoencoder bundle (trained as in bench_export):
- locally, in this process: the 16 files read in order (`read_files`), one Scorer;
- on a local Ray started with 1 CPU, then with 2 (`ray.init(num_cpus=N)`): start-up
  excluded, the first run of each also pays for starting its worker processes.
CPU time is this process plus every process Ray started (its workers, raylet and GCS),
read from /proc before Ray is shut down.

Recorded (1,000,000 entries, 2 shared cores, load 3-6; the table is in docs/cluster.md):
local 184k entries/s (5.3 CPU s per M); Ray 1 CPU 120k/s (8.2 CPU s/M); Ray 2 CPUs 199k/s
(6.6 CPU s/M); Ray's start 4.6-5.2 s, not counted; first export on a new Ray 8.5-10 s.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.bench_export import BUNDLE_ENTRIES, _train
from bench.logs import generate
from bench.table import Row

FILES = 16


def _split(log: Path, folder: Path) -> list[str]:
    """`log` cut in time into FILES files of about equal lines."""
    lines = log.read_bytes().splitlines(keepends=True)
    paths = []
    for i in range(FILES):
        path = folder / f"part-{i:02d}.jsonl"
        path.write_bytes(b"".join(lines[i * len(lines) // FILES : (i + 1) * len(lines) // FILES]))
        paths.append(str(path))
    return paths


def _cpu_seconds() -> float:
    """CPU seconds of this process and every process it started that still runs (Linux
    /proc: Ray's workers are the raylet's children, not ours)."""
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
    mine, ticks = {os.getpid()}, 0
    for _ in range(8):  # a few levels deep: driver -> raylet -> workers
        mine |= {pid for pid, (ppid, _) in stats.items() if ppid in mine}
    ticks = sum(stats[pid][1] for pid in mine - {os.getpid()} if pid in stats)
    return time.process_time() + ticks / os.sysconf("SC_CLK_TCK")


def _local(paths: list[str], out: Path, model: Path) -> None:
    from logwatch.engine.export import open_writer
    from logwatch.engine.headless import run_headless
    from logwatch.engine.parse.files import read_files
    from logwatch.engine.model_loader import make_detector
    from logwatch.engine.score import Scorer

    scorer = Scorer(make_detector("autoencoder", model), trace_back=True)
    run_headless(read_files(paths), scorer, lambda labels: open_writer(out, labels=labels),
                 write_all=True, err=open(os.devnull, "w"))


def _on_ray(paths: list[str], out: Path, model: Path, cpus: int, runs: int) -> list[tuple[float, float]]:
    """Wall seconds of starting a local Ray with `cpus` CPUs, then (wall, CPU) seconds of
    each of `runs` exports on it."""
    import ray

    from logwatch.engine.cluster.export import export_on_ray
    from logwatch.engine.model_loader import make_detector
    from logwatch.engine.score import Scorer

    started = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    try:
        measured = [(time.perf_counter() - started, 0.0)]
        for _ in range(runs):
            scorer = Scorer(make_detector("autoencoder", model), trace_back=True)
            wall, cpu = time.perf_counter(), _cpu_seconds()
            export_on_ray(paths, scorer, str(out), write_all=True, err=open(os.devnull, "w"))
            measured.append((time.perf_counter() - wall, _cpu_seconds() - cpu))
        return measured
    finally:
        ray.shutdown()


def run(quick: bool) -> list[Row]:
    import importlib

    for module in ("headless", "parse.files", "score", "export", "detect.autoencoder", "cluster.export"):
        importlib.import_module(f"logwatch.engine.{module}")  # imports are not what is timed
    import onnxruntime  # noqa: F401
    import ray.data  # noqa: F401

    entries = 100_000 if quick else 1_000_000
    runs = 1 if quick else 3
    rows: list[Row] = []
    with TemporaryDirectory() as folder:
        base = Path(folder)
        log, small, model = base / "logs.jsonl", base / "train.jsonl", base / "model"
        generate(log, entries, seed=5)
        generate(small, BUNDLE_ENTRIES, seed=1)
        _train(small, model)
        parts = base / "parts"
        parts.mkdir()
        paths = _split(log, parts)
        local = []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), _cpu_seconds()
            _local(paths, base / "local.parquet", model)
            local.append((time.perf_counter() - wall, _cpu_seconds() - cpu))
        wall, cpu = min(local)
        rows += [Row(f"local export, {FILES} files", entries / wall, "entries/s", f"{entries:,} entries, one process, best of {runs}"),
                 Row("local export CPU", cpu / entries * 1e6, "s/M entries", "CPU seconds per million")]
        for cpus in (1, 2):
            (start, _), *measured = _on_ray(paths, base / "ray.parquet", model, cpus, runs)
            ray_wall, ray_cpu = min(measured)
            note = f"best of {runs}" if runs > 1 else "first run: workers start"
            rows += [
                Row(f"ray start, {cpus} CPU", start, "s", "ray.init of a local Ray (not in the export rows)"),
                Row(f"ray export, {cpus} CPU", entries / ray_wall, "entries/s",
                    f"{note}; first run {measured[0][0]:.1f} s"),
                Row(f"ray export, {cpus} CPU / local, wall", ray_wall / wall, "x", "ratio, same run"),
                Row(f"ray export, {cpus} CPU, CPU", ray_cpu / entries * 1e6, "s/M entries",
                    "driver + every Ray process"),
            ]
    return rows
