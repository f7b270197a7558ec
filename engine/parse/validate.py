"""From raw text columns to a `Batch`: check every row at once, keep the good ones in order.

A raw frame has `line` (Int64) and the text/number columns of `RAW_SCHEMA`. Rows with a
missing field, a value that is not finite, or a timestamp nobody can read (or outside
`TIME_RANGE` once in UTC) become bad lines.
"""

from __future__ import annotations

import polars as pl

from logwatch.engine.batch import MAX_BAD_SAMPLES, BadLine, Batch
from logwatch.engine.parse.timestamps import EARLIEST, LATEST, TIME_RANGE, parse_timestamps

RAW_SCHEMA: dict[str, pl.DataType] = {
    "timestamp": pl.String(),
    "server": pl.String(),
    "component": pl.String(),
    "value": pl.Float64(),
    "anomalous": pl.Boolean(),
    "anomaly_type": pl.String(),
}
"""What the readers produce before validation (timestamps still text)."""


def _reasons() -> pl.Expr:
    def missing(name: str) -> pl.Expr:
        return pl.col(name).is_null()

    def shown(name: str) -> pl.Expr:
        return pl.col(name).str.slice(0, 40).map_elements(repr, pl.String)

    return (
        pl.when(missing("timestamp"))
        .then(pl.lit("missing field 'timestamp'"))
        .when(missing("server"))
        .then(pl.lit("missing field 'server'"))
        .when(missing("component"))
        .then(pl.lit("missing field 'component'"))
        .when(missing("value"))
        .then(pl.lit("missing field 'value'"))
        .when(~pl.col("value").is_finite())
        .then(pl.lit("value is not a finite number"))
        .when(pl.col("_ts").is_null())
        .then(pl.lit("unreadable timestamp ") + shown("timestamp"))
        .when(~pl.col("_ts").is_between(EARLIEST, LATEST))
        .then(pl.lit("timestamp ") + shown("timestamp") + pl.lit(f" outside {TIME_RANGE}"))
        .otherwise(None)
    )


def finish(
    raw: pl.DataFrame, bad: list[tuple[int, str]], *, where: str, labels: bool
) -> Batch:
    """Validate `raw` (with a `line` column), merge with earlier `bad`, build the Batch."""
    ts = parse_timestamps(raw["timestamp"])
    good_mask = (
        ts.is_between(EARLIEST, LATEST).fill_null(False)
        & raw["server"].is_not_null()
        & raw["component"].is_not_null()
        & raw["value"].is_finite().fill_null(False)
    )
    n_bad_rows = raw.height - int(good_mask.sum())
    raw = raw.with_columns(ts.alias("_ts"))
    if n_bad_rows:
        rejected = (
            raw.filter(~good_mask)
            .head(MAX_BAD_SAMPLES)
            .select("line", _reasons().alias("reason"))
        )
        bad = sorted(bad + list(rejected.iter_rows()))
        raw = raw.filter(good_mask)
    # One pass to the batch schema (see `conform`): parsed time, labels only when present.
    columns = [
        pl.col("_ts").alias("timestamp"),
        pl.col("server"),
        pl.col("component"),
        pl.col("value"),
    ]
    if labels:
        # A line without `anomalous` stays unlabeled (null), as it would in a chunk with no
        # labels at all: the same line must not count as normal or unlabeled by where the
        # input was split.
        label = pl.col("anomalous")
        columns += [label, pl.when(label).then(pl.col("anomaly_type")).alias("anomaly_type")]
    frame = raw.select(columns)
    samples = [BadLine(f"{where}:{line}", reason) for line, reason in bad[:MAX_BAD_SAMPLES]]
    return Batch(frame, _count(bad, n_bad_rows), samples)


def _count(bad: list[tuple[int, str]], n_bad_rows: int) -> int:
    """`bad` holds every structural bad line but at most MAX_BAD_SAMPLES rejected rows."""
    sampled_rows = min(n_bad_rows, MAX_BAD_SAMPLES)
    return len(bad) - sampled_rows + n_bad_rows
