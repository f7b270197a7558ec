"""The Scorer: a detector plus a threshold, turning Batches into scored frames.

Scored frame columns: the batch columns, then `score, threshold, predicted, reason,
expected` (see `logwatch.engine.batch.SCORE_SCHEMA`), and `traced` when the scorer traces
confirmed alarms back to their start (`logwatch.engine.detect.onset`; reports only).
Which detector to use is decided in `logwatch.engine.model_loader`.
"""

from __future__ import annotations

import math

import polars as pl

from logwatch.engine.batch import SCHEMA, SCORE_SCHEMA, Batch
from logwatch.engine.decision import anomalous, relative
from logwatch.engine.detect.base import Detector
from logwatch.engine.detect.onset import OnsetTracer
from logwatch.engine.errors import UserError


class Scorer:
    """Scores batches with `detector`; `threshold` (None = the detector's default) can be
    changed at any time and applies to the next frames returned. With `trace_back`, the
    start of each confirmed alarm is flagged too, as `traced` (rows that might still be
    traced wait for it, so this is for reports, not for a live view)."""

    def __init__(self, detector: Detector, threshold: float | None = None, *, trace_back: bool = False) -> None:
        self.detector = detector
        self.tracer = OnsetTracer() if trace_back else None
        self._threshold: float | None = None
        self.threshold = threshold  # type: ignore[assignment]

    @property
    def threshold(self) -> float:
        return self.detector.default_threshold if self._threshold is None else self._threshold

    @threshold.setter
    def threshold(self, value: float | str | None) -> None:
        self._threshold = None if value is None else parse_threshold(value)

    def score(self, batch: Batch | pl.DataFrame) -> pl.DataFrame:
        """Scored entries that are ready (held-back ones from earlier batches come first)."""
        frame = batch.frame if isinstance(batch, Batch) else batch
        scored = self._finish(self.detector.score(frame))
        return scored if self.tracer is None else self.tracer.update(scored)

    def flush(self) -> pl.DataFrame:
        """Scored entries the detector was still holding (call at end of input)."""
        scored = self._finish(self.detector.flush())
        return scored if self.tracer is None else self.tracer.flush(scored)

    def _finish(self, scored: pl.DataFrame) -> pl.DataFrame:
        threshold = self.threshold
        base = [c for c in SCHEMA if c in scored.columns]
        return scored.with_columns(
            pl.lit(threshold, pl.Float64).alias("threshold"),
            anomalous(relative(pl.col("score"), threshold)).alias("predicted"),
        ).select(*base, *(pl.col(c).cast(t) for c, t in SCORE_SCHEMA.items()))


def parse_threshold(value: float | str) -> float:
    """The one check of a threshold, typed in the TUI or given as `--threshold`: a finite
    number above 0 (scores are >= 0, so 0 would flag every entry). Raises UserError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        shown = value.strip() if isinstance(value, str) else f"{value:g}"
        raise UserError(f"the threshold must be a positive number such as 4.5, got {shown!r}")
    return number
