"""The robust z-score baseline: no trained model, per server and component.

For each series (server, component) the statistics are the median of the previous
`window` values and the median absolute deviation from it; score = |value - median| /
(1.4826 * MAD). The first values of a series only warm up the statistics. The last
`window` values of each series are kept between batches, so scores do not depend on how
the input is cut.
"""

from __future__ import annotations

import polars as pl

from logwatch.engine.detect.base import fmt_number, scored_empty

DEFAULT_WINDOW = 360
"""Values per series the statistics look back on (an hour of 10 s steps)."""
DEFAULT_WARMUP = 30
"""Values per series before the first score."""
DEFAULT_THRESHOLD = 6.0
"""Robust z above which an entry is an anomaly (normal noise rarely passes 4)."""

_KEYS = ("server", "component")
_MAD_TO_SIGMA = 1.4826


class ZScoreDetector:
    """Rolling median/MAD per server and component (see module docstring)."""

    name = "zscore"

    def __init__(
        self,
        *,
        window: int = DEFAULT_WINDOW,
        warmup: int = DEFAULT_WARMUP,
        default_threshold: float = DEFAULT_THRESHOLD,
        why: str = "robust z-score per server and component",
    ) -> None:
        if window < 2 or not 2 <= warmup <= window:
            raise ValueError("need window >= 2 and 2 <= warmup <= window")
        self.window = window
        self.warmup = warmup
        self.default_threshold = default_threshold
        self.why = why
        self._tail = pl.DataFrame(
            schema={"server": pl.String, "component": pl.String, "value": pl.Float64,
                    "dev": pl.Float64}
        )

    def fit(self, frame: pl.DataFrame) -> None:
        self._statistics(frame)

    def flush(self) -> pl.DataFrame:
        return scored_empty()

    def score(self, frame: pl.DataFrame) -> pl.DataFrame:
        if frame.height == 0:
            return scored_empty(frame)
        stats = self._statistics(frame)
        spread = pl.col("_spread")
        score = (pl.col("value") - pl.col("expected")).abs() / spread
        reason = (
            pl.when(pl.col("expected").is_null() | spread.is_null())
            .then(pl.lit("warming up: too few earlier values of this series"))
            .otherwise(
                pl.concat_str(
                    pl.col("component"),
                    pl.lit(" "),
                    fmt_number(pl.col("value")),
                    pl.lit(" vs usual "),
                    fmt_number(pl.col("expected")),
                    pl.lit(" ± "),
                    fmt_number(spread),
                    pl.lit(" ("),
                    fmt_number(score),
                    pl.lit("x the usual spread)"),
                )
            )
        )
        return (
            pl.concat([frame, stats], how="horizontal")
            .with_columns(score.alias("score"), reason.alias("reason"))
            .drop("_spread")
        )

    def _statistics(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`expected` (median) and `_spread` (1.4826 MAD, floored) for each row of `frame`."""
        n_tail = self._tail.height
        new = frame.select(*_KEYS, "value", pl.lit(None, pl.Float64).alias("dev"))
        pool = pl.concat([self._tail, new])
        is_new = pl.int_range(pl.len()) >= n_tail
        half = max(2, self.warmup // 2)
        median = (
            pl.col("value")
            .shift(1)
            .rolling_quantile(0.5, window_size=self.window, min_samples=half)
            .over(_KEYS)
        )
        pool = pool.with_columns(median.alias("expected"))
        dev = pl.when(is_new).then((pl.col("value") - pl.col("expected")).abs()).otherwise("dev")
        pool = pool.with_columns(dev.alias("dev"))
        mad = (
            pl.col("dev")
            .shift(1)
            .rolling_quantile(0.5, window_size=self.window, min_samples=self.warmup - half)
            .over(_KEYS)
        )
        floor = pl.max_horizontal(pl.col("expected").abs(), pl.lit(1.0)) * 1e-3
        pool = pool.with_columns(mad.alias("_mad")).with_columns(
            pl.when(pl.col("expected").is_null() | pl.col("_mad").is_null())
            .then(None)
            .otherwise(pl.max_horizontal(pl.col("_mad") * _MAD_TO_SIGMA, floor))
            .alias("_spread")
        )
        count = pl.len().cast(pl.Int64)
        keep = pl.int_range(pl.len(), dtype=pl.Int64).over(_KEYS) >= count.over(_KEYS) - self.window
        self._tail = pool.filter(keep).select(*_KEYS, "value", "dev")
        return pool.slice(n_tail).select("expected", "_spread")
