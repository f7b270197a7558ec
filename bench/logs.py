"""Generated logs for the benches (the real `logwatch generate`, in a child process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def generate(path: Path, entries: int, seed: int) -> None:
    """Write `entries` generated entries to `path`."""
    subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--entries", str(entries),
                    "--seed", str(seed), "--out", str(path)], check=True)
