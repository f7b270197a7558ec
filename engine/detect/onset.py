"""Tracing a confirmed episode back to where it began.

A slow anomaly (a memory leak climbing for ten minutes) crosses the threshold some steps
after it starts: its first entries are already off, but not yet by more than noise allows
for one entry alone. Once the alarm is confirmed (CONFIRM_ENTRIES flagged entries of the
series in a row), the evidence of the whole run is in, and the entries just before it
that were already above TRACE_FLOOR of the threshold, off the same side of the expected
value, are the episode's beginning: they are flagged too, marked `traced`, with a reason
that names the alarm.

This looks back, so it is for reports written after the fact (the headless export and
`logwatch eval`), not for the live monitor: from an entry that might still be traced on,
rows are held until it no longer can be (at most LOOKBACK entries of its series, usually
one step), so the output keeps the input's order whatever the batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from logwatch.engine.batch import TRACED_COLUMN

_KEYS = ["server", "component"]

CONFIRM_ENTRIES = 3
"""Consecutive flagged entries of one server and component that confirm an alarm. A lone
false alarm (a noise peak) is one or two entries and is never traced back."""

TRACE_FLOOR = 0.4
"""Share of the threshold an entry's score must exceed to count as the episode's start."""

LOOKBACK = 30
"""Most entries of a series an alarm is traced back over (5 minutes at 10 s steps)."""

GIVE_UP_STEPS = 2 * LOOKBACK
"""A row stops waiting once this many rows per series have come after it (a series that
went quiet while above the floor must not hold the others' rows back for ever)."""

TRACED_REASON = "start of the alarm that follows: "
"""Put before a traced entry's own reason."""


class OnsetTracer:
    """Takes scored frames in order; returns the same rows, each exactly once and in the
    same order, with the entries that began a confirmed alarm flagged as `traced`. From the
    first row that might still be traced on, rows wait (usually for one step)."""

    def __init__(self) -> None:
        self._held: pl.DataFrame | None = None
        self._series = 0
        """Most series seen in one pool: how many rows a step of all of them is."""

    @property
    def holding(self) -> int:
        """Rows waiting to learn whether an alarm will trace them."""
        return 0 if self._held is None else self._held.height

    def update(self, scored: pl.DataFrame) -> pl.DataFrame:
        """The rows that are final now, in input order (held ones from earlier frames first)."""
        pool = scored if self._held is None else pl.concat([self._held, scored], how="diagonal_relaxed")
        self._held = None
        if pool.height == 0:
            return _with_traced(pool, np.zeros(0, bool))
        a, order = _Arrays.of(pool)
        self._series = max(self._series, int(a.series_start.sum()))
        traced = _trace(a)
        oldest = pool.height - GIVE_UP_STEPS * self._series  # rows before this wait no longer
        hold = _pending(a, traced, order, oldest)
        out = _with_traced(pool, _scatter(traced, order, pool.height))
        if not hold.any():
            return out
        first_held = int(order[hold].min())
        self._held = pool[first_held:]
        return out[:first_held]

    def flush(self, scored: pl.DataFrame) -> pl.DataFrame:
        """`scored` (the input's last rows) and every row still held: no later alarm can
        trace them."""
        out = self.update(scored)
        held, self._held = self._held, None
        if held is None:
            return out
        return pl.concat([out, _with_traced(held, np.zeros(held.height, bool))], how="diagonal_relaxed")


@dataclass(slots=True)
class _Arrays:
    """The columns tracing needs, as numpy arrays, for rows sorted by series then input."""

    series_start: np.ndarray
    """True where a row is its series' first in the pool."""
    first: np.ndarray
    """Each row's series' first row."""
    above: np.ndarray
    flagged: np.ndarray
    sign: np.ndarray

    @classmethod
    def of(cls, frame: pl.DataFrame) -> tuple[_Arrays, np.ndarray]:
        """The arrays, and the row numbers sorting `frame` by series (input order within)."""
        groups = frame.select(_KEYS).with_row_index("_i").group_by(_KEYS, maintain_order=True).agg("_i")
        order = groups["_i"].explode().to_numpy().astype(np.int64)
        lengths = groups["_i"].list.len().to_numpy()
        start = np.zeros(frame.height, bool)
        start[np.cumsum(lengths) - lengths] = True
        first = np.maximum.accumulate(np.where(start, np.arange(start.size), 0))
        values = frame.select(
            (pl.col("score") > TRACE_FLOOR * pl.col("threshold")).fill_null(False).alias("above"),
            pl.col("predicted").fill_null(False).alias("flagged"),
            (pl.col("value") - pl.col("expected")).sign().fill_null(0).fill_nan(0).alias("sign"),
        )
        return cls(start, first, *(values[c].to_numpy()[order] for c in ("above", "flagged", "sign"))), order


def _run_starts(a: _Arrays) -> tuple[np.ndarray, np.ndarray]:
    """Where runs of flagged rows begin (within a series) and how long each is."""
    f = a.flagged
    begins = f & (a.series_start | ~np.r_[False, f[:-1]])
    ends = f & (np.r_[a.series_start[1:], True] | ~np.r_[f[1:], False])
    return np.flatnonzero(begins), np.flatnonzero(ends) - np.flatnonzero(begins) + 1


def _rise_before(a: _Arrays, start: int, first: int, sign: float) -> int:
    """First row of the rows just before `start`, from its series' `first` row on, that an
    alarm starting at `start` traces back over: above the floor, off to the `sign` side, at
    most LOOKBACK."""
    j = start
    while j > first and start - j < LOOKBACK and a.above[j - 1] and a.sign[j - 1] == sign:
        j -= 1
    return j


def _trace(a: _Arrays) -> np.ndarray:
    """Rows (sorted order) that a confirmed run in the pool traces back to."""
    traced = np.zeros(a.flagged.size, bool)
    starts, lengths = _run_starts(a)
    for k in starts[lengths >= CONFIRM_ENTRIES].tolist():
        traced[_rise_before(a, k, a.first[k], a.sign[k]) : k] = True
    return traced & ~a.flagged


def _pending(a: _Arrays, traced: np.ndarray, positions: np.ndarray, oldest: int) -> np.ndarray:
    """Rows (sorted order) a later alarm could still trace: in a series whose last rows are
    above the floor, not flagged, and at pool `positions` from `oldest` on."""
    hold = np.zeros(a.flagged.size, bool)
    lasts = np.flatnonzero(np.r_[a.series_start[1:], True])
    for last in lasts[a.above[lasts]].tolist():
        first = int(a.first[last])
        # The series' next alarm starts after `last`, or at an unconfirmed run reaching it.
        start = last + 1
        while start - 1 >= first and a.flagged[start - 1] and last - start + 2 < CONFIRM_ENTRIES:
            start -= 1
        if start <= last and start > first and a.flagged[start - 1]:
            continue  # the run reaching the end is confirmed already: it traced what it could
        sign = a.sign[start] if start <= last else a.sign[last]
        rise = _rise_before(a, start, first, sign)
        hold[rise:start] = positions[rise:start] >= oldest  # a series' positions only grow
    return hold & ~a.flagged & ~traced


def _scatter(sorted_values: np.ndarray, order: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, sorted_values.dtype)
    out[order] = sorted_values
    return out


def _with_traced(frame: pl.DataFrame, traced: np.ndarray) -> pl.DataFrame:
    """Traced rows flagged, their reason naming what traced them; `traced` column added."""
    mark = pl.Series(TRACED_COLUMN, traced, dtype=pl.Boolean)
    if frame.height == 0 or not traced.any():
        return frame.with_columns(mark)
    rows = np.flatnonzero(traced)
    reason = frame["reason"].clone()
    reason.scatter(rows, pl.select(pl.concat_str(pl.lit(TRACED_REASON), pl.lit(reason.gather(rows)).fill_null(""))).to_series())
    return frame.with_columns(mark, (frame["predicted"] | mark).alias("predicted"), reason)
