"""Training a bundle quietly from inside the bench."""

from __future__ import annotations

import io
from pathlib import Path

from logwatch.training.models.base import FitConfig
from logwatch.training.progress import make_progress
from logwatch.training.train import TrainOptions, TrainResult, train


def train_quietly(
    source: Path, out: Path, *, backend: str | None, target_far: float | None, seed: int = 0, adaptive_scale: bool = False
) -> TrainResult:
    options = TrainOptions(
        source=str(source), out=out, backend=backend, target_far=target_far,
        max_entries=10_000_000, fit=FitConfig(seed=seed), adaptive_scale=adaptive_scale,
    )
    return train(options, make_progress(None, io.StringIO()))
