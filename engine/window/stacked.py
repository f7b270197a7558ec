"""Step rows of many tracks (servers, or a server's timelines) end to end, built in one pass.

The columnar form of `rows.py`: one pivot of a whole block to (rows x components), sorted by
track then step, and one gap-fill / carry-forward over all tracks at once. `pivot_steps` and
`extend_rows` are this with the result split per server, so both stay one implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NO_STEP = -(10**12)
"""Below any real step: a track without history starts a new segment at its first row."""


@dataclass(slots=True)
class Stacked:
    """Rows of several tracks, each track's rows contiguous and in step order."""

    track: np.ndarray
    """Track index of each row (int64, non-decreasing)."""
    steps: np.ndarray
    """Step index of each row (int64)."""
    values: np.ndarray
    """(rows, C) float64 (NaN where absent; carried forward after `extend_tracks`)."""
    position: np.ndarray | None = None
    """0-based index of each row within its segment (after `extend_tracks`)."""
    labels: np.ndarray | None = None
    """(rows, C) bool: some entry of that step and component was labeled anomalous."""

    def __len__(self) -> int:
        return len(self.steps)

    def bounds(self, n_tracks: int) -> np.ndarray:
        """(n_tracks + 1,) row offsets: track t holds rows bounds[t]:bounds[t + 1]."""
        return np.searchsorted(self.track, np.arange(n_tracks + 1))


def pivot_cells(
    track: np.ndarray, step: np.ndarray, comp: np.ndarray, value: np.ndarray, n_comp: int,
    flag: np.ndarray | None = None,
) -> Stacked:
    """One row per (track, step) present, sorted; the last entry (in input order) of a cell
    wins, a cell is labeled when any of its entries is. Inputs are per entry, `comp` an
    index into the components."""
    if len(step) == 0:
        empty = np.zeros(0, np.int64)
        return Stacked(empty, empty.copy(), np.zeros((0, n_comp)), None, None if flag is None else np.zeros((0, n_comp), bool))
    order = np.lexsort((np.arange(len(step)), comp, step, track))
    track, step, comp, value = track[order], step[order], comp[order], value[order]
    change = (track[1:] != track[:-1]) | (step[1:] != step[:-1]) | (comp[1:] != comp[:-1])
    last = np.append(change, True)
    if flag is not None:
        flag = np.logical_or.reduceat(flag[order], np.flatnonzero(np.insert(change, 0, True)))
    track, step, comp, value = track[last], step[last], comp[last], value[last]
    new_row = np.ones(len(step), bool)
    new_row[1:] = (track[1:] != track[:-1]) | (step[1:] != step[:-1])
    row = np.cumsum(new_row) - 1
    values = np.full((int(row[-1]) + 1, n_comp), np.nan)
    values[row, comp] = value
    labels = None
    if flag is not None:
        labels = np.zeros(values.shape, bool)
        labels[row, comp] = flag
    return Stacked(track[new_row], step[new_row], values, None, labels)


def extend_tracks(
    new: Stacked, last_step: np.ndarray, last_values: np.ndarray, last_position: np.ndarray, max_gap_steps: int
) -> Stacked:
    """Gap-filled, carried-forward rows of `new` (each track's steps after its history).

    Per track t: `last_step[t]` (NO_STEP without history), `last_values[t]` and
    `last_position[t]` describe the history's last row, which a track continues when the
    gap allows. Missing steps up to `max_gap_steps` become carried rows; a longer gap
    starts a new segment (position 0, nothing carried across)."""
    n, n_comp = new.values.shape
    if n == 0:
        empty = np.zeros(0, np.int64)
        labels = None if new.labels is None else new.labels[:0]
        return Stacked(empty, empty.copy(), np.zeros((0, n_comp)), empty.copy(), labels)
    track, steps = new.track, new.steps
    first = np.ones(n, bool)
    first[1:] = track[1:] != track[:-1]
    before = np.empty(n, np.int64)
    before[1:] = steps[:-1]
    before[first] = np.where(last_step[track[first]] == NO_STEP, steps[first] + NO_STEP, last_step[track[first]])
    gap = steps - before
    new_segment = gap > max_gap_steps + 1
    count = np.where(new_segment, 1, gap)
    # Expand: each real step is preceded by (count - 1) filled steps.
    total = int(count.sum())
    owner = np.repeat(np.arange(n), count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    out_steps = steps[owner] - (count[owner] - 1 - offset)
    is_real = offset == count[owner] - 1
    out_track = track[owner]
    out_values = np.full((total, n_comp), np.nan)
    out_values[is_real] = new.values
    starts = np.zeros(total, bool)
    starts[np.cumsum(count)[new_segment] - 1] = True
    track_first = np.zeros(total, bool)
    track_first[(np.cumsum(count) - count)[first]] = True
    continues = track_first & ~starts  # a track's first row that continues its history
    # Carry forward, never across a segment start or a track: each track's rows follow a
    # seed row (its history's last values when it continues them, else NaN).
    seeds = np.flatnonzero(track_first)
    seed_values = np.where(continues[seeds][:, None], last_values[out_track[seeds]], np.nan)
    full = np.insert(out_values, seeds, seed_values, axis=0)
    seed_at = seeds + np.arange(len(seeds))
    full_starts = np.insert(starts, seeds, True)
    index = np.arange(len(full))
    idx = np.where(~np.isnan(full), index[:, None], 0)
    idx = np.maximum(idx, np.where(full_starts, index, 0)[:, None])
    idx = np.maximum.accumulate(idx, axis=0)
    keep = np.ones(len(full), bool)
    keep[seed_at] = False
    filled = np.take_along_axis(full, idx, axis=0)[keep]
    # Position within segment: from the newest segment start, or on from the history's.
    anchor = np.maximum.accumulate(np.where(starts | track_first, np.arange(total), -1))
    base = np.zeros(total, np.int64)
    base[continues] = last_position[out_track[continues]] + 1
    position = np.arange(total) - anchor + base[anchor]
    out_labels = None
    if new.labels is not None:
        out_labels = np.zeros((total, n_comp), bool)
        out_labels[is_real] = new.labels
    return Stacked(out_track, out_steps.astype(np.int64), filled, position.astype(np.int64), out_labels)
