"""Training time on 100,000 generated entries, both backends, the whole command.

`python -m logwatch.training LOG --backend B` from start-up to the bundle on disk (reading,
windows, fit with early stopping, ONNX export and check, threshold, charts, atomic write).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.table import Row, median_seconds

ENTRIES = 100_000


def run(quick: bool) -> list[Row]:
    repeats = 1 if quick else 3
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "train.jsonl"
        subprocess.run(
            [sys.executable, "-m", "logwatch.tui", "generate", "--entries", str(ENTRIES),
             "--seed", "1", "--out", str(log)],
            check=True,
        )
        from logwatch.training.backends import keras_available

        backends = ["sklearn"] + (["keras"] if keras_available() else [])
        for backend in backends:
            out = Path(folder) / f"model-{backend}"

            def train() -> None:
                subprocess.run(
                    [sys.executable, "-m", "logwatch.training", str(log), "--out", str(out),
                     "--backend", backend, "--progress", "jsonl"],
                    check=True, stdout=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
                )

            seconds = median_seconds(train, repeats)
            meta = json.loads((out / "model.json").read_text())
            epochs = meta["metrics"]["epochs_run"]
            rows.append(Row(
                f"train {backend} on {ENTRIES:,} entries", seconds, "s",
                f"whole command, {epochs} epochs run (best {meta['metrics']['best_epoch']}), median of {repeats}",
            ))
    return rows
