"""The interface every detector implements, and helpers they share for reasons.

A detector turns entry frames into scored frames: the input columns plus `score` (Float64,
null when the entry cannot be scored yet), `expected` (Float64, in the data's units) and
`reason` (String). Thresholds and `predicted` are added by the `Scorer`, so changing the
threshold never needs a rescore.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import polars as pl

from logwatch.engine.batch import empty_frame


class Detector(Protocol):
    """Fit statistics, score batches, suggest a threshold."""

    name: str
    """Short name: "zscore" or "autoencoder"."""
    why: str
    """Why this detector is the one running (shown in summaries and the TUI)."""
    default_threshold: float
    """Threshold to use when the user gives none (a score above it is an anomaly)."""

    def fit(self, frame: pl.DataFrame) -> None:
        """Learn or warm up statistics from entries (Batch frame schema) without scoring."""

    def score(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Entries ready to be scored, in arrival order, with score, expected and reason.

        Entries may be held back until their step is complete; `flush` returns them."""
        ...

    def flush(self) -> pl.DataFrame:
        """Score every entry still held back (end of input)."""
        ...


def fmt_number(expr: pl.Expr) -> pl.Expr:
    """A number as short text: 3 significant digits ("97.1", "0.132"), whole from 100 on
    ("100", "1234"). The one way a value is written: reasons, and the TUI's value column
    (through `format_numbers`)."""
    sig = expr.round_sig_figs(3)
    return (
        pl.when(expr.abs() >= 1000)
        .then(expr.round(0).cast(pl.Int64, strict=False).cast(pl.String))
        .when(sig.abs() >= 100)
        .then(sig.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(sig.cast(pl.String))
        .fill_null("?")
    )


def format_series(values: pl.Series) -> pl.Series:
    """`fmt_number` of a whole Series, the same text, about twice as fast: a polars
    when/then turns every row into text both ways, this only the rows that show each way
    (most values are below 100, written as floats)."""
    x = pl.col("x")
    n = values.to_frame("x").select(
        pl.when(x.abs() >= 1000).then(x.round(0)).otherwise(x.round_sig_figs(3))
    ).to_series()
    whole = (n.abs() >= 100).fill_null(False)  # written as an integer
    if not whole.any():
        text = n.cast(pl.String)
    elif whole.all():
        text = n.cast(pl.Int64, strict=False).cast(pl.String)
    else:
        rows = whole.arg_true()
        text = n.cast(pl.String)
        text.scatter(rows, n.gather(rows).cast(pl.Int64, strict=False).cast(pl.String))
    return text.fill_null("?").alias(values.name)


def format_numbers(values: Sequence[float]) -> list[str]:
    """`fmt_number` for plain numbers, all in one call."""
    return pl.select(fmt_number(pl.lit(pl.Series(values, dtype=pl.Float64)))).to_series().to_list()


def percent(expr: pl.Expr) -> pl.Expr:
    """A share in [0, 1] as "86%"."""
    return (expr * 100).round(0).cast(pl.Int64).cast(pl.String) + pl.lit("%")


def scored_empty(like: pl.DataFrame | None = None) -> pl.DataFrame:
    """No rows, with the scored columns."""
    base = like.head(0) if like is not None else empty_frame()
    return base.with_columns(
        pl.lit(None, pl.Float64).alias("score"),
        pl.lit(None, pl.Float64).alias("expected"),
        pl.lit(None, pl.String).alias("reason"),
    )
