"""What background threads tell the UI. Threads never touch widgets: they post these."""

from __future__ import annotations

from typing import Any

import polars as pl
from textual.message import Message

from logwatch.engine.batch import BadLine


class Scored(Message):
    """Entries scored since the previous message (several source batches in one frame)."""

    def __init__(self, frame: pl.DataFrame, bad_lines: int, bad_samples: list[BadLine], seconds: float) -> None:
        super().__init__()
        self.frame = frame
        self.bad_lines = bad_lines
        self.bad_samples = bad_samples
        self.seconds = seconds
        """Time the worker spent reading and scoring these entries."""


class IngestEnded(Message):
    """The source has no more entries (a finite source), or reading or scoring failed."""

    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class SourceNotice(Message):
    """Something about the source worth a line: waiting for the file, rotated, truncated."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class NotifyProblem(Message):
    """The --notify command failed or fell behind (said once per kind of trouble)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class TrainingEvent(Message):
    """One JSON progress event of a training subprocess (start, data, epoch, export, ...)."""

    def __init__(self, run_id: int, event: dict[str, Any]) -> None:
        super().__init__()
        self.run_id = run_id
        self.event = event


class TrainingEnded(Message):
    """A training run is over: `bundle` is a complete bundle folder, or `error` says why not."""

    def __init__(
        self,
        run_id: int,
        bundle: str | None,
        error: str | None,
        *,
        cancelled: bool = False,
        scorer: Any = None,
        info: Any = None,
        comparison: Any = None,
    ) -> None:
        super().__init__()
        self.run_id = run_id
        self.bundle = bundle
        self.error = error
        self.cancelled = cancelled
        self.scorer = scorer
        """A fresh, warmed-up `Scorer` for the candidate bundle (on success)."""
        self.info = info
        """Its `ModelInfo`."""
        self.comparison = comparison
        """`Comparison` of old and new on the recent entries."""
