"""Helpers for the training tests: small labeled logs and the training subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from logwatch.engine.config import load_config
from logwatch.engine.generate import Simulator, encode_json_lines


def write_log(path: Path, *, steps: int, seed: int, start: datetime = datetime(2025, 1, 5)) -> Path:
    """`steps` time steps of the default simulated world (9 entries per step) as JSON lines."""
    frame = Simulator(load_config(None), seed=seed, start=start).next_chunk(steps)
    path.write_bytes(encode_json_lines(frame))
    return path


def run_training(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m logwatch.training ARGS` in a subprocess (as the TUI starts it)."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    return subprocess.run(
        [sys.executable, "-m", "logwatch.training", *args],
        capture_output=True, text=True, timeout=timeout, env=env,
    )


@pytest.fixture(scope="session")
def small_log(tmp_path_factory) -> Path:
    """About 5.5 simulated hours (2000 steps, 18,000 entries) from midnight, seed 11."""
    return write_log(tmp_path_factory.mktemp("logs") / "train.jsonl", steps=2000, seed=11)


@pytest.fixture(scope="session")
def unseen_log(tmp_path_factory) -> Path:
    """A different seed over the same hours: data the model has never seen."""
    return write_log(tmp_path_factory.mktemp("logs") / "unseen.jsonl", steps=2000, seed=12)
