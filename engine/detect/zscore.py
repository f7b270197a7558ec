"""The robust z-score baseline: no trained model, per server and component.

For each series (server, component) the statistics are the median of the previous
`window` values and a robust spread of the deviations the values had when they arrived,
refreshed every `refresh` values (one *block* of the series shares its statistics);
score = |value - median| / spread. A series' first values only warm up the statistics
(`warmup` values for the median, then enough deviations for the spread: about
`warmup + refresh` values in all). The last values of each series are kept between
batches, so scores do not depend on how the input is cut.

The spread is the largest of three things (see `zscore_stats`, which computes them for
every series of a batch at once):
- the window's spread: 1.4826 x the MAD of the deviations (a standard deviation for normal
  noise). When more than half the window sits on one value (a metric idling at 0 or pinned
  at 100 %), the MAD is 0, and the MAD of the deviations that are not 0 takes its place:
  how far the series strays when it does move (a disk that writes now and then), so one
  small move off an idle level does not make the next one look enormous;
- when the whole window is one value: the median window spread of the last blocks that
  varied, up to 4 windows' worth (the longer run: an idle night keeps the day's spread,
  not 0; see `zscore_stats._longer_run`);
- 1 % of the largest |value| the series has had (a floor relative to the series' level).
A series that has only ever been 0 has no scale at all: its entries score 0 while they stay
there, and a move off it is not scored (null, "no variation seen yet") until the series has
a spread to be judged by. No absolute epsilon: a unitless 1e-9 turned the first 0.56 after
an idle hour into a score of 5e8.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from logwatch.engine.detect.base import fmt_number, format_series, scored_empty
from logwatch.engine.detect.zscore_state import KEYS, SeriesTable
from logwatch.engine.detect.zscore_stats import Params, block_statistics

DEFAULT_WINDOW = 180
"""Values per series the statistics look back on (half an hour of 10 s steps)."""
DEFAULT_REFRESH = 15
"""Statistics are recomputed every this many values of a series."""
DEFAULT_WARMUP = 30
"""Values per series before the first score."""
DEFAULT_THRESHOLD = 6.0
"""Robust z above which an entry is an anomaly (normal noise rarely passes 4)."""

_LONG_RUN_WINDOWS = 4
"""A constant window borrows the median spread of this many windows' worth of the last
blocks that varied (2 hours of 10 s values by default)."""


class ZScoreDetector:
    """Median/MAD of a sliding window per server and component (see module docstring)."""

    name = "zscore"

    def __init__(
        self,
        *,
        window: int = DEFAULT_WINDOW,
        refresh: int = DEFAULT_REFRESH,
        warmup: int = DEFAULT_WARMUP,
        default_threshold: float = DEFAULT_THRESHOLD,
        why: str = "robust z-score per server and component",
    ) -> None:
        if not (2 <= warmup <= window and 1 <= refresh <= window):
            raise ValueError("need 2 <= warmup <= window and 1 <= refresh <= window")
        self.window = window
        self.refresh = refresh
        self.warmup = warmup
        self.default_threshold = default_threshold
        self.why = why
        keep = _LONG_RUN_WINDOWS * window // refresh
        self._params = Params(window, refresh, warmup, keep)
        self._table = SeriesTable(window + refresh, keep + 1)

    def fit(self, frame: pl.DataFrame) -> None:
        self._statistics(frame)

    def flush(self) -> pl.DataFrame:
        return scored_empty()

    def score(self, frame: pl.DataFrame) -> pl.DataFrame:
        if frame.height == 0:
            return scored_empty(frame)
        median, spread, at = self._statistics(frame)
        expected = median[at]
        deviation = np.abs(frame["value"].to_numpy() - expected)
        row_spread = spread[at]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = deviation / row_spread
        # spread 0: the series has only ever been 0, so only "still 0" can be scored.
        score = np.where(row_spread == 0, np.where(deviation == 0, 0.0, np.nan), ratio)
        # The words after the value are the same for a whole block: format them per block.
        blocks = pl.DataFrame(
            {"m": pl.Series(median, nan_to_null=True), "s": pl.Series(spread, nan_to_null=True)}
        )
        usual = pl.concat_str(pl.lit(" vs usual "), fmt_number(pl.col("m")))
        tail = blocks.select(
            pl.when(pl.col("s") > 0)
            .then(pl.concat_str(usual, pl.lit(" ± "), fmt_number(pl.col("s"))))
            .when(pl.col("s") == 0)
            .then(pl.concat_str(usual, pl.lit(", no variation seen yet")))
            .alias("tail")  # null while warming up
        )["tail"]
        warming = f"warming up: fewer than {self.warmup} earlier values of this series"
        return frame.with_columns(
            pl.Series("score", score, nan_to_null=True),
            pl.Series("expected", expected, nan_to_null=True),
            pl.concat_str(
                pl.col("component"), pl.lit(" "), pl.lit(format_series(frame["value"])), tail.gather(at)
            )
            .fill_null(warming)
            .alias("reason"),
        )

    def _statistics(self, frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Median and spread per block (NaN while warming up) and each row's block."""
        values = frame["value"].to_numpy()
        groups = frame.select(KEYS).with_row_index("i").group_by(KEYS, maintain_order=True).agg(pl.col("i"))
        rows = groups["i"].explode().to_numpy().astype(np.int64)
        lengths = groups["i"].list.len().to_numpy().astype(np.int64)
        ids = self._table.ids(groups.select(KEYS))
        med, spread, block = block_statistics(self._table, ids, values[rows], lengths, self._params)
        at = np.empty(len(values), np.int64)
        at[rows] = block
        return med, spread, at
