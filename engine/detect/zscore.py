"""The robust z-score baseline: no trained model, per server and component.

For each series (server, component) the statistics are the median of the previous
`window` values and the MAD (median absolute deviation) of their deviations, refreshed
every `refresh` values; score = |value - median| / (1.4826 * MAD). A series' first values
only warm up the statistics (`warmup` values for the median, then enough deviations for
the MAD: about `warmup + refresh` values in all). The last values of each series are kept
between batches, so scores do not depend on how the input is cut.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from logwatch.engine.detect.base import fmt_number, scored_empty

DEFAULT_WINDOW = 180
"""Values per series the statistics look back on (half an hour of 10 s steps)."""
DEFAULT_REFRESH = 15
"""Statistics are recomputed every this many values of a series."""
DEFAULT_WARMUP = 30
"""Values per series before the first score."""
DEFAULT_THRESHOLD = 6.0
"""Robust z above which an entry is an anomaly (normal noise rarely passes 4)."""

_KEYS = ["server", "component"]
_MAD_TO_SIGMA = 1.4826
_MEAN_AD_TO_SIGMA = 1.2533
_LEVEL_FLOOR = 0.01
"""The spread is at least 1 % of the largest |value| the series has had: a series that
sits at a bound (0 % or 100 %) for most of the window has a MAD of 0, and its first move
off the bound is no anomaly."""


def _row_medians(rows: np.ndarray) -> np.ndarray:
    """Median of each row (the upper one for an even length): one partition, no averaging,
    several times faster than np.median."""
    k = rows.shape[1] // 2
    return np.partition(rows, k, axis=1)[:, k]


class _Series:
    """What one series keeps between batches: its last values and how many it has seen."""

    __slots__ = ("count", "devs", "history", "level")

    def __init__(self) -> None:
        self.history = np.zeros(0)
        self.devs = np.zeros(0)
        self.count = 0
        self.level = 0.0
        """Largest |value| before `history`: the series' scale, for the spread's floor."""


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
        self._series: dict[tuple[str, str], _Series] = {}

    def fit(self, frame: pl.DataFrame) -> None:
        self._statistics(frame)

    def flush(self) -> pl.DataFrame:
        return scored_empty()

    def score(self, frame: pl.DataFrame) -> pl.DataFrame:
        if frame.height == 0:
            return scored_empty(frame)
        median, spread = self._statistics(frame)
        spread_col = pl.col("_spread")
        score = (pl.col("value") - pl.col("expected")).abs() / spread_col
        reason = (
            pl.when(spread_col.is_null())
            .then(pl.lit(f"warming up: fewer than {self.warmup} earlier values of this series"))
            .otherwise(
                pl.concat_str(
                    pl.col("component"), pl.lit(" "), fmt_number(pl.col("value")),
                    pl.lit(" vs usual "), fmt_number(pl.col("expected")),
                    pl.lit(" ± "), fmt_number(spread_col),
                )
            )
        )
        return (
            frame.with_columns(
                pl.Series("expected", median, nan_to_null=True),
                pl.Series("_spread", spread, nan_to_null=True),
            )
            .with_columns(score.alias("score"), reason.alias("reason"))
            .drop("_spread")
        )

    def _statistics(self, frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Median and spread (1.4826 MAD, floored) per row of `frame`; NaN while warming up."""
        values = frame["value"].to_numpy()
        median = np.full(len(values), np.nan)
        spread = np.full(len(values), np.nan)
        groups = (
            frame.select(_KEYS)
            .with_row_index("i")
            .group_by(_KEYS, maintain_order=True)
            .agg(pl.col("i"))
        )
        for server, component, rows in groups.iter_rows():
            idx = np.asarray(rows, dtype=np.int64)
            state = self._series.setdefault((server, component), _Series())
            med, spr = self._series_statistics(state, values[idx])
            median[idx], spread[idx] = med, spr
        return median, spread

    def _series_statistics(self, state: _Series, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Median of the window, and the MAD of the *deviations each value had when it
        arrived* (from the median then in force): a series on a slow ramp, whose median
        lags, gets a spread that accounts for the lag instead of a flood of alarms."""
        n, w, b = len(new), self.window, self.refresh
        values = np.concatenate([state.history, new])
        devs = np.concatenate([state.devs, np.full(n, np.nan)])
        first = state.count - len(state.history)  # ordinal of values[0]
        block = (state.count + np.arange(n)) // b
        blocks = np.unique(block)
        starts = blocks * b - first  # index in `values` where each block starts
        at = np.searchsorted(blocks, block)
        med = np.full(len(blocks), np.nan)
        full = starts - w >= 0
        full[full] = blocks[full] * b >= w
        if full.any():
            med[full] = _row_medians(np.lib.stride_tricks.sliding_window_view(values, w)[starts[full] - w])
        early = np.flatnonzero(~full & (blocks * b >= self.warmup))
        for k in early:  # a series' first blocks: shorter windows
            med[k] = np.median(values[: starts[k]])
        devs[len(state.history) :] = np.abs(new - med[at])
        mad = np.full(len(blocks), np.nan)
        clean = full & (blocks * b >= w + 2 * self.warmup)  # windows without warm-up NaNs
        if clean.any():
            mad[clean] = _row_medians(np.lib.stride_tricks.sliding_window_view(devs, w)[starts[clean] - w])
        for k in np.flatnonzero(~clean & (blocks * b >= self.warmup)):
            window = devs[max(0, starts[k] - w) : starts[k]]
            if np.count_nonzero(~np.isnan(window)) >= self.warmup // 2:
                mad[k] = np.nanmedian(window)
        # A MAD of 0 means most of the window sits on one value (a bound such as 0 %): the
        # mean absolute deviation still sees how far the rest strays.
        mean_ad = np.full(len(blocks), np.nan)
        zero = mad == 0
        if (zero & clean).any():
            windows = np.lib.stride_tricks.sliding_window_view(devs, w)[starts[zero & clean] - w]
            mean_ad[zero & clean] = windows.mean(axis=1)
        for k in np.flatnonzero(zero & ~clean):
            mean_ad[k] = np.nanmean(devs[max(0, starts[k] - w) : starts[k]])
        sigma = np.where(mad == 0, mean_ad * _MEAN_AD_TO_SIGMA, mad * _MAD_TO_SIGMA)  # NaN stays
        running = np.maximum.accumulate(np.concatenate(([state.level], np.abs(values))))
        level = running[starts]  # largest |value| before each block starts
        spread = np.maximum(np.maximum(sigma, level * _LEVEL_FLOOR), 1e-9)
        keep = min(len(values), w + b)
        state.level = float(running[len(values) - keep])
        state.count += n
        state.history = values[len(values) - keep :]
        state.devs = devs[len(values) - keep :]
        return med[at], spread[at]
