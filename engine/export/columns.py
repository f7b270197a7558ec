"""Which columns an export has, in which order, and how they look on disk."""

from __future__ import annotations

import polars as pl

EXPORT_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "server",
    "component",
    "value",
    "score",
    "threshold",
    "predicted",
    "reason",
)
"""Always exported, in this order; `anomalous` follows when the input had labels."""

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%.6f"
"""ISO 8601 with microseconds, naive UTC: the same shape logwatch reads."""


def export_columns(labels: bool) -> list[str]:
    return [*EXPORT_COLUMNS, *(["anomalous"] if labels else [])]


def export_frame(scored: pl.DataFrame, labels: bool) -> pl.DataFrame:
    """The exported columns of a scored frame (a missing `anomalous` becomes null)."""
    frame = scored
    if labels and "anomalous" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Boolean).alias("anomalous"))
    return frame.select(export_columns(labels))
