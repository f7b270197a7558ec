"""Turning one server's entries into sparkline columns, and keeping their scales steady.

A column covers a fixed span of log time aligned to multiples of that span, so columns move
by whole buckets as time passes instead of reshuffling on every refresh. A column shows the
mean of its entries; a column holding flagged entries shows the most anomalous one instead,
so a spike is not averaged away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from logwatch.engine.monitor.history import History


@dataclass(frozen=True, slots=True, eq=False)
class Columns:
    """Per-column values of one series; NaN where a column has no entry."""

    values: np.ndarray
    flagged: np.ndarray
    """True where the column holds at least one flagged entry."""
    current: float
    """The newest entry's value (NaN when there is none)."""
    low: float
    high: float
    """Smallest and largest value among the visible entries (NaN when there are none)."""


def bucket(
    history: History,
    positions: np.ndarray,
    *,
    end_us: int,
    span_us: int,
    columns: int,
    factor: float,
    score: bool = False,
) -> Columns:
    """Columns for the entries at `positions` (oldest first) ending at log time `end_us`.

    With `score`, columns hold the highest relative score instead of the values.
    """
    empty = np.full(columns, np.nan)
    if positions.size == 0 or columns <= 0:
        return Columns(empty, np.zeros(max(columns, 0), bool), math.nan, math.nan, math.nan)
    start = end_us - columns * span_us
    times = history.timestamp[positions]
    inside = (times >= start) & (times < end_us)  # entries of a later timeline stay out
    positions, times = positions[inside], times[inside]
    index = np.minimum((times - start) // span_us, columns - 1)
    relative = history.relative[positions]
    flagged = history.flagged(positions, factor)
    marks = np.bincount(index[flagged], minlength=columns)[:columns] > 0
    if score:
        values = empty.copy()
        finite = np.isfinite(relative)
        np.fmax.at(values, index[finite], relative[finite])
        series = relative
    else:
        series = history.value[positions]
        counts = np.bincount(index, minlength=columns)[:columns]
        sums = np.bincount(index, weights=series, minlength=columns)[:columns]
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        if flagged.any():
            picked = np.flatnonzero(flagged)
            picked = picked[np.argsort(relative[picked], kind="stable")]
            values[index[picked]] = series[picked]  # the most anomalous is written last
    finite = series[np.isfinite(series)]
    low = float(finite.min()) if finite.size else math.nan
    high = float(finite.max()) if finite.size else math.nan
    current = float(series[-1]) if series.size else math.nan
    return Columns(values, marks, current, low, high)


def newest_timeline(times: np.ndarray, span_us: int) -> int:
    """Where the newest timeline of one server's entries (arrival order) begins: after the
    last jump back in time by more than `span_us` (a replay, a rotated-in older file), as
    long as the entries are still behind where they were before it and some earlier entry
    falls in their time range (it would be drawn twice). A straggler, a re-sent backlog the
    live entries have since passed, or writers in turn whose times do not overlap (the
    columns' time range already keeps the others out) cut nothing."""
    if times.size < 2:
        return 0
    peak = np.maximum.accumulate(times)
    back = np.flatnonzero(times[1:] < times[:-1] - span_us) + 1
    if not back.size or times[-1] > peak[back[-1] - 1]:
        return 0
    start = int(back[-1])
    newest = times[start:]
    earlier = times[:start]
    overlap = (earlier >= newest.min()) & (earlier <= newest.max())
    return start if overlap.any() else 0


def aligned_end(newest_us: int, span_us: int) -> int:
    """The end of the bucket holding `newest_us` (so the newest column is the last one)."""
    return (newest_us // span_us + 1) * span_us


class StableScale:
    """A [low, high] axis that widens at once but narrows only when the data no longer
    fills half of it, rounded to round numbers so the labels stay put."""

    def __init__(self) -> None:
        self.low = math.nan
        self.high = math.nan

    def fit(self, low: float, high: float) -> tuple[float, float]:
        if not (math.isfinite(low) and math.isfinite(high)):
            return self.low, self.high
        if high - low < 1e-9:
            pad = max(abs(high) * 0.05, 0.5)
            low, high = low - pad, high + pad
        known = math.isfinite(self.low)
        outside = not known or low < self.low or high > self.high
        shrunk = known and (high - low) < 0.5 * (self.high - self.low)
        if outside or shrunk:
            self.low, self.high = nice_bounds(low, high)
        return self.low, self.high


def nice_bounds(low: float, high: float) -> tuple[float, float]:
    """`[low, high]` widened a little and rounded outwards to a 1-2-5 step."""
    span = high - low
    low, high = low - 0.1 * span, high + 0.1 * span
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def nice_ceiling(value: float) -> float:
    """The smallest 1-2-5 number at or above `value` (value > 0)."""
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value * (1 - 1e-12))


def step_seconds(history: History, positions: np.ndarray) -> float | None:
    """Typical log-time gap between consecutive entries of one component (the log's step)."""
    if positions.size < 3:
        return None
    components = history.component[positions]
    first = components[-1]
    times = history.timestamp[positions[components == first]]
    gaps = np.diff(np.sort(times[-200:]))  # in log time: a log that went back in time has one jump
    gaps = gaps[gaps > 0]
    if not gaps.size:
        return None
    step = float(np.median(gaps)) / 1e6
    # Timestamps jitter by microseconds: 9.99991 s and 10.0003 s are the same 10 s step.
    return round(step, 2 - math.floor(math.log10(step)))
