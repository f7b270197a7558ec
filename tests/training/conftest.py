"""Fixtures for the training tests: small labeled logs from the real generator."""

from __future__ import annotations

from pathlib import Path

import pytest
from training_support import write_log


@pytest.fixture(scope="session")
def small_log(tmp_path_factory) -> Path:
    """About 5.5 simulated hours (2000 steps, 18,000 entries) from midnight, seed 11."""
    return write_log(tmp_path_factory.mktemp("logs") / "train.jsonl", steps=2000, seed=11)


@pytest.fixture(scope="session")
def unseen_log(tmp_path_factory) -> Path:
    """A different seed over the same hours: data the model has never seen."""
    return write_log(tmp_path_factory.mktemp("logs") / "unseen.jsonl", steps=2000, seed=12)
