"""Fixtures for the TUI tests (helpers live in tui_support.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tui_support import write_log


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory) -> Path:
    """A real (small, quick) scikit-learn bundle, trained once by the training subprocess."""
    folder = tmp_path_factory.mktemp("bundle")
    data = write_log(folder / "train.jsonl", 2500)
    out = folder / "model"
    subprocess.run(
        [sys.executable, "-m", "logwatch.training", str(data), "--out", str(out), "--backend",
         "sklearn", "--epochs", "4", "--progress", "jsonl"],
        check=True, capture_output=True, timeout=120,
    )
    return out
