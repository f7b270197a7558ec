"""The robust z-score baseline: no trained model, per server and component.

For each series (server, component) the statistics are the median of the previous
`window` values and a robust spread of the deviations the values had when they arrived,
refreshed every `refresh` values (one *block* of the series shares its statistics);
score = |value - median| / spread. A series' first values only warm up the statistics
(`warmup` values for the median, then enough deviations for the spread: about
`warmup + refresh` values in all). The last values of each series are kept between
batches, so scores do not depend on how the input is cut.

The spread is the largest of three things (see `series_statistics`):
- the window's spread: 1.4826 x the MAD of the deviations (a standard deviation for normal
  noise). When more than half the window sits on one value (a metric idling at 0 or pinned
  at 100 %), the MAD is 0, and the MAD of the deviations that are not 0 takes its place:
  how far the series strays when it does move (a disk that writes now and then), so one
  small move off an idle level does not make the next one look enormous;
- when the whole window is one value: the median window spread of the last blocks that
  varied, up to 4 windows' worth (the longer run: an idle night keeps the day's spread,
  not 0; see `_longer_run`);
- 1 % of the largest |value| the series has had (a floor relative to the series' level).
A series that has only ever been 0 has no scale at all: its entries score 0 while they stay
there, and a move off it is not scored (null, "no variation seen yet") until the series has
a spread to be judged by. No absolute epsilon: a unitless 1e-9 turned the first 0.56 after
an idle hour into a score of 5e8.
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
_LEVEL_FLOOR = 0.01
"""The spread is at least 1 % of the largest |value| the series has had."""
_LONG_RUN_WINDOWS = 4
"""A constant window borrows the median spread of this many windows' worth of the last
blocks that varied (2 hours of 10 s values by default)."""


def _row_medians(rows: np.ndarray) -> np.ndarray:
    """Median of each row (the upper one for an even length): one partition in place (rows
    are reordered), no averaging, several times faster than np.median."""
    return _kth(rows, rows.shape[1] // 2)


def _kth(rows: np.ndarray, k: int) -> np.ndarray:
    rows.partition(k, axis=1)
    return rows[:, k].copy()


def _nonzero_medians(rows: np.ndarray) -> np.ndarray:
    """Upper median of the entries > 0 of each row of non-negative numbers (0 for a row
    without any): rows with the same number of zeros share one partition."""
    zeros = (rows == 0).sum(axis=1)
    out = np.zeros(len(rows))
    width = rows.shape[1]
    for z in np.unique(zeros[zeros < width]):
        pick = zeros == z
        k = z + (width - z) // 2  # zeros sort first
        out[pick] = _kth(rows[pick], k)
    return out


class _Series:
    """What one series keeps between batches: its last values and how many it has seen."""

    __slots__ = ("count", "devs", "history", "level", "spread_blocks", "spreads")

    def __init__(self) -> None:
        self.history = np.zeros(0)
        self.devs = np.zeros(0)
        self.count = 0
        self.level = 0.0
        """Largest |value| before `history`: the series' scale, for the spread's floor."""
        self.spreads = np.zeros(0)
        """Window spreads of the last blocks whose window varied (see `_longer_run`)..."""
        self.spread_blocks = np.zeros(0, np.int64)
        """...and those blocks' numbers."""


def _longer_run(sigma: np.ndarray, blocks: np.ndarray, state: _Series, keep: int) -> np.ndarray:
    """Window spreads, where a window that is one constant value (spread 0) takes the median
    spread of the last `keep` blocks that varied instead: an idle night keeps the day's
    spread. A median, not the last one, because the last windows that varied are often a
    level change (busy to idle) whose deviations are as large as the change."""
    earlier = state.spread_blocks < blocks[0]  # a block cut by the previous batch comes again
    varied = sigma > 0
    seq = np.concatenate([state.spreads[earlier], sigma[varied]])
    ids = np.concatenate([state.spread_blocks[earlier], blocks[varied]])
    flat = np.flatnonzero(sigma == 0)
    if len(flat):
        ends = int(earlier.sum()) + np.cumsum(varied)[flat]  # varied spreads before each
        sigma = sigma.copy()
        for end in np.unique(ends):
            sigma[flat[ends == end]] = np.median(seq[max(0, end - keep) : end]) if end else 0.0
    state.spreads, state.spread_blocks = seq[-(keep + 1) :], ids[-(keep + 1) :]
    return sigma


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
                pl.col("component"), pl.lit(" "), fmt_number(pl.col("value")), tail.gather(at)
            )
            .fill_null(warming)
            .alias("reason"),
        )

    def _statistics(self, frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Median and spread per block (NaN while warming up) and each row's block."""
        values = frame["value"].to_numpy()
        groups = (
            frame.select(_KEYS)
            .with_row_index("i")
            .group_by(_KEYS, maintain_order=True)
            .agg(pl.col("i"))
        )
        rows = groups["i"].explode().to_numpy().astype(np.int64)
        ends = np.cumsum(groups["i"].list.len().to_numpy())
        at = np.empty(len(values), np.int64)
        medians, spreads = [], []
        offset = 0
        for key, idx in zip(groups.select(_KEYS).iter_rows(), np.split(rows, ends[:-1])):
            state = self._series.setdefault(key, _Series())
            med, spr, block = self._series_statistics(state, values[idx])
            at[idx] = block + offset
            offset += len(med)
            medians.append(med)
            spreads.append(spr)
        return np.concatenate(medians), np.concatenate(spreads), at

    def _series_statistics(
        self, state: _Series, new: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Median of the window, and the MAD of the *deviations each value had when it
        arrived* (from the median then in force): a series on a slow ramp, whose median
        lags, gets a spread that accounts for the lag instead of a flood of alarms.

        Returns median and spread per block touched by `new`, and each new value's block."""
        n, w, b = len(new), self.window, self.refresh
        values = np.concatenate([state.history, new])
        devs = np.concatenate([state.devs, np.full(n, np.nan)])
        first = state.count - len(state.history)  # ordinal of values[0]
        block = (state.count + np.arange(n)) // b  # consecutive: block[0], block[0] + 1, ...
        blocks = np.arange(block[0], block[-1] + 1)
        starts = blocks * b - first  # index in `values` where each block starts
        at = block - block[0]
        med = np.full(len(blocks), np.nan)
        full = starts - w >= 0
        full[full] = blocks[full] * b >= w
        if full.any():
            med[full] = _row_medians(np.lib.stride_tricks.sliding_window_view(values, w)[starts[full] - w])
        for k in np.flatnonzero(~full & (blocks * b >= self.warmup)):  # first blocks: shorter windows
            med[k] = np.median(values[: starts[k]])
        devs[len(state.history) :] = np.abs(new - med[at])
        sigma = self._window_spread(devs, starts, blocks)
        sigma = _longer_run(sigma, blocks, state, _LONG_RUN_WINDOWS * w // b)
        running = np.maximum.accumulate(np.concatenate(([state.level], np.abs(values))))
        level = running[starts]  # largest |value| before each block starts
        spread = np.maximum(sigma, level * _LEVEL_FLOOR)  # NaN (warming up) stays NaN
        keep = min(len(values), w + b)
        state.level = float(running[len(values) - keep])
        state.count += n
        state.history = values[len(values) - keep :]
        state.devs = devs[len(values) - keep :]
        return med, spread, at

    def _window_spread(self, devs: np.ndarray, starts: np.ndarray, blocks: np.ndarray) -> np.ndarray:
        """1.4826 x MAD of the deviations before each block start (of the nonzero ones when
        the MAD is 0); NaN while too few deviations exist."""
        w, b = self.window, self.refresh
        mad = np.full(len(blocks), np.nan)
        clean = (starts - w >= 0) & (blocks * b >= w + 2 * self.warmup)  # no warm-up NaNs
        windows = np.lib.stride_tricks.sliding_window_view(devs, w)[starts[clean] - w] if clean.any() else None
        if windows is not None:
            mad[clean] = _row_medians(windows)
        for k in np.flatnonzero(~clean & (blocks * b >= self.warmup)):
            window = devs[max(0, starts[k] - w) : starts[k]]
            if np.count_nonzero(~np.isnan(window)) >= self.warmup // 2:
                mad[k] = np.nanmedian(window)
        zero = mad == 0
        if windows is not None and zero[clean].any():
            mad[clean & zero] = _nonzero_medians(windows[zero[clean]])
        for k in np.flatnonzero(zero & ~clean):
            window = devs[max(0, starts[k] - w) : starts[k]]
            moves = window[window > 0]
            mad[k] = np.median(moves) if len(moves) else 0.0
        return mad * _MAD_TO_SIGMA
