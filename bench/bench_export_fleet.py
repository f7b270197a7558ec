"""Export cost against the number of servers: the same entries from a fleet and from three.

300,000 generated entries (30,000 with --quick) from 1,000 servers (100 steps each) and
from the shipped config's 3 servers, exported in process with `--all` by each detector;
the CPU-time ratio fleet / three servers shows per-server work on the hot path (aim:
<= 1.3). Recorded (2 shared cores, busy): before issue 18 (dd7ba2c) z-score 0.72 s vs
3.13 s (4.3x), autoencoder 2.07 s vs 7.88 s (3.8x); after the one-pass windows (2a537f3)
z-score 3.8x (its per-series loop is untouched), autoencoder 1.87 s vs 2.30 s (1.2x).
After the columnar z-score (issue 18): z-score 3.80x before (ea14582: 1.00 s vs 3.80 s),
1.30x and 1.25x after in two runs (0.61 s vs 0.76 s); autoencoder 1.27x, 1.21x / 1.17x.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_export import BUNDLE_ENTRIES, _in_process, _timed, _train
from bench.logs import generate
from bench.table import Row

FLEET = 1_000
"""Servers of the fleet file."""


def _fleet_config(folder: Path) -> Path:
    """The shipped config with FLEET servers instead of its own."""
    from logwatch.engine.config.load import default_config_text

    config = json.loads(default_config_text())
    config["servers"] = [{"name": f"host-{i:04d}", "baseline": 0.8 + 0.4 * (i % 5) / 4} for i in range(FLEET)]
    path = folder / "fleet.json"
    path.write_text(json.dumps(config))
    return path


def _generate_fleet(path: Path, entries: int, config: Path) -> None:
    subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--config", str(config),
                    "--entries", str(entries), "--seed", "5", "--out", str(path)], check=True)


def run(quick: bool) -> list[Row]:
    entries = 30_000 if quick else 300_000
    repeats = 1 if quick else 3
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        few, fleet, small, model = (base / n for n in ("few.jsonl", "fleet.jsonl", "train.jsonl", "model"))
        generate(few, entries, seed=5)
        _generate_fleet(fleet, entries, _fleet_config(base))
        generate(small, BUNDLE_ENTRIES, seed=1)
        _train(small, model)
        for detector, bundle in (("zscore", None), ("autoencoder", model)):
            out = base / "out.csv"
            _, few_cpu = _timed(lambda: _in_process(few, out, detector, bundle), repeats)
            _, fleet_cpu = _timed(lambda: _in_process(fleet, out, detector, bundle), repeats)
            rows += [
                Row(f"export --all, {detector}, 3 servers CPU", few_cpu, "s", f"{entries:,} entries"),
                Row(f"export --all, {detector}, {FLEET:,} servers CPU", fleet_cpu, "s", f"{entries:,} entries"),
                Row(f"export --all, {detector}, {FLEET:,} / 3 servers", fleet_cpu / few_cpu, "x",
                    "CPU-time ratio, same run (aim: <= 1.3)"),
            ]
    return rows
