"""Old model against new, on the same recent entries: what the retrain dialog shows before
the swap."""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from logwatch.engine.batch import Batch
from logwatch.engine.decision import anomalous, relative
from logwatch.engine.score import Scorer
from logwatch.engine.monitor.state import ModelInfo


@dataclass(frozen=True, slots=True)
class Side:
    name: str
    threshold: float
    val_loss: float | None
    """Validation loss at the end of training (None for the z-score baseline)."""
    flagged: int
    """How many of the compared entries it flags."""


@dataclass(frozen=True, slots=True)
class Comparison:
    entries: int
    old: Side
    new: Side


def val_loss(info: ModelInfo) -> float | None:
    meta = info.meta or {}
    metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    value = metrics.get("val_loss")
    if value is None:
        losses = (meta.get("history") or {}).get("val_loss") or []
        value = losses[-1] if losses else None
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def compare(old: ModelInfo, old_threshold: float, old_flagged: int, new_scorer: Scorer,
            new: ModelInfo, recent: pl.DataFrame) -> Comparison:
    """Score `recent` with the new scorer (which also warms it up for live use).

    Entries of a step still incomplete at the end stay held back and are not counted.
    `old_flagged` is what the running model flagged on the same entries at the threshold in
    use; the new model is counted at its own threshold.
    """
    scored = new_scorer.score(Batch(recent))  # no flush: the scorer goes on with live entries
    flagged = int(scored.select(anomalous(relative(pl.col("score"), new.threshold)).sum()).item()) if scored.height else 0
    return Comparison(
        entries=recent.height,
        old=Side(old.name, old_threshold, val_loss(old), old_flagged),
        new=Side(new.name, new.threshold, val_loss(new), flagged),
    )
