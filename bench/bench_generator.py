"""Generator speed: entries per second written to a file, against a plain file copy floor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.table import Row, median_seconds


def run(quick: bool) -> list[Row]:
    entries = 100_000 if quick else 1_000_000
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "logs.jsonl"

        def in_process() -> None:
            from logwatch.engine.config import load_config
            from logwatch.engine.generate import Simulator
            from logwatch.engine.generate.live import write_fast

            with open(out, "wb") as handle:
                write_fast(Simulator(load_config(), seed=1), handle, entries)

        def command() -> None:
            subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--entries", str(entries),
                            "--seed", "1", "--out", str(out)], check=True)

        library = median_seconds(in_process, repeats)
        cli = median_seconds(command, repeats)
        size = os.path.getsize(out)
        copy = median_seconds(lambda: shutil.copyfile(out, Path(folder) / "copy.jsonl"), repeats)
    return [
        Row("generate in process", entries / library, "entries/s", f"{entries:,} entries, median of {repeats}"),
        Row("logwatch generate --out", entries / cli, "entries/s", "whole command incl. start-up"),
        Row("file size", size / entries, "bytes/entry"),
        Row("generate vs copying its output", library / copy, "x", "ratio, same run (copy is the floor)"),
    ]
