"""The z-score's statistics for every series of a batch at once (see `zscore` for what they are).

Each series' kept history and its new values are laid end to end in one array (a
*segment* per series); blocks of every series are numbered together; medians and MADs are
taken over strided windows of that array, or over slices of it (`ragged`) for the first
blocks of a series whose window is not full yet. numpy calls per batch, never per series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logwatch.engine.detect.ragged import max_before, nonzero_medians, row_medians, slice_medians
from logwatch.engine.detect.zscore_state import SeriesTable, offsets_within, ragged_rows, store_tails

_MAD_TO_SIGMA = 1.4826
_LEVEL_FLOOR = 0.01
"""The spread is at least 1 % of the largest |value| the series has had."""


@dataclass(frozen=True, slots=True)
class Params:
    window: int
    refresh: int
    warmup: int
    keep: int
    """Varied window spreads a constant window borrows the median of (see `_longer_run`)."""


@dataclass(slots=True)
class _Blocks:
    """The blocks a batch touches, all series together, each series' blocks in order."""

    segment: np.ndarray
    """The series (segment) of each block."""
    number: np.ndarray
    """The block's number in its series (values `number * refresh` on)."""
    start: np.ndarray
    """Where the block's first value is in the segments' array."""
    offset: np.ndarray
    """(G,) each series' first block."""


def block_statistics(
    table: SeriesTable, ids: np.ndarray, new: np.ndarray, lengths: np.ndarray, p: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and spread of every block touched by the batch (NaN while warming up), and
    the block of each new value. `new` holds the batch's values series by series (series
    `ids[g]` has `lengths[g]` of them, in arrival order); `table` is read and updated."""
    w, b = p.window, p.refresh
    n_seg = len(ids)
    kept, count = table.history_len[ids], table.count[ids]
    total = kept + lengths
    seg_start = np.cumsum(total) - total
    segment = np.repeat(np.arange(n_seg), total)
    is_new = offsets_within(total) >= kept[segment]
    values = np.empty(len(segment))
    values[~is_new] = ragged_rows(table.history, ids, kept)
    values[is_new] = new
    devs = np.full(len(segment), np.nan)
    devs[~is_new] = ragged_rows(table.devs, ids, kept)

    first_block, last_block = count // b, (count + lengths - 1) // b
    per_seg = last_block - first_block + 1
    block_offset = np.cumsum(per_seg) - per_seg
    bseg = np.repeat(np.arange(n_seg), per_seg)
    number = first_block[bseg] + offsets_within(per_seg)
    start = seg_start[bseg] + number * b - (count - kept)[bseg]
    blocks = _Blocks(bseg, number, start, block_offset)
    new_seg = np.repeat(np.arange(n_seg), lengths)
    ordinal = count[new_seg] + offsets_within(lengths)
    at = block_offset[new_seg] + ordinal // b - first_block[new_seg]

    # Median of the `w` values before each block (of all before it while fewer exist).
    med = np.full(len(number), np.nan)
    full = (start - w >= seg_start[bseg]) & (number * b >= w)
    if full.any():
        med[full] = row_medians(np.lib.stride_tricks.sliding_window_view(values, w)[start[full] - w])
    short = ~full & (number * b >= p.warmup)
    if short.any():
        med[short] = slice_medians(values, seg_start[bseg[short]], start[short])[0]
    devs[is_new] = np.abs(new - med[at])

    sigma = _window_spread(devs, blocks, seg_start, p)
    sigma = _longer_run(sigma, blocks, table, ids, first_block, p.keep)
    keep = np.minimum(total, w + b)
    ends = seg_start + total
    # The series' level (largest |value|) before each block, and before the history kept.
    level = table.level[ids]
    seen = max_before(np.abs(values), np.concatenate([seg_start[bseg], seg_start]), np.concatenate([start, ends - keep]))
    spread = np.maximum(sigma, np.maximum(level[bseg], seen[: len(start)]) * _LEVEL_FLOOR)  # NaN stays NaN
    table.level[ids] = np.maximum(level, seen[len(start) :])
    table.count[ids] += lengths
    store_tails(table.history, ids, values, ends, keep)
    store_tails(table.devs, ids, devs, ends, keep)
    table.history_len[ids] = keep
    return med, spread, at


def _window_spread(devs: np.ndarray, blocks: _Blocks, seg_start: np.ndarray, p: Params) -> np.ndarray:
    """1.4826 x MAD of the deviations before each block start (of the nonzero ones when
    the MAD is 0); NaN while too few deviations exist."""
    w, b = p.window, p.refresh
    start, number, lowest = blocks.start, blocks.number, seg_start[blocks.segment]
    mad = np.full(len(start), np.nan)
    clean = (start - w >= lowest) & (number * b >= w + 2 * p.warmup)  # no warm-up NaNs
    windows = np.lib.stride_tricks.sliding_window_view(devs, w)[start[clean] - w] if clean.any() else None
    if windows is not None:
        mad[clean] = row_medians(windows)
    loose = ~clean & (number * b >= p.warmup)
    if loose.any():
        median, count = slice_medians(devs, np.maximum(lowest[loose], start[loose] - w), start[loose])
        mad[loose] = np.where(count >= p.warmup // 2, median, np.nan)
    zero = mad == 0
    if windows is not None and zero[clean].any():
        mad[clean & zero] = nonzero_medians(windows[zero[clean]])
    loose_zero = zero & ~clean
    if loose_zero.any():
        median, count = slice_medians(devs, np.maximum(lowest[loose_zero], start[loose_zero] - w), start[loose_zero],
                                      positive=True)
        mad[loose_zero] = np.where(count > 0, median, 0.0)
    return mad * _MAD_TO_SIGMA


def _longer_run(
    sigma: np.ndarray, blocks: _Blocks, table: SeriesTable, ids: np.ndarray, first_block: np.ndarray, keep: int
) -> np.ndarray:
    """Window spreads, where a window that is one constant value (spread 0) takes the median
    spread of the last `keep` blocks that varied instead: an idle night keeps the day's
    spread. A median, not the last one, because the last windows that varied are often a
    level change (busy to idle) whose deviations are as large as the change."""
    n_seg = len(ids)
    stored = np.arange(table.spreads.shape[1]) < table.spreads_len[ids][:, None]
    # A block cut by the previous batch comes again: keep only the spreads of earlier blocks
    # (block numbers grow, so they are a prefix).
    earlier = (stored & (table.spread_blocks[ids] < first_block[:, None])).sum(axis=1)
    varied = sigma > 0
    before = np.cumsum(varied)  # varied blocks up to each block, all series
    varied_per_seg = np.add.reduceat(varied.astype(np.int64), blocks.offset)
    size = earlier + varied_per_seg
    seq_start = np.cumsum(size) - size
    from_table = offsets_within(size) < np.repeat(earlier, size)
    seq = np.empty(int(size.sum()))
    seq_blocks = np.empty(len(seq), np.int64)
    seq[from_table], seq[~from_table] = ragged_rows(table.spreads, ids, earlier), sigma[varied]
    seq_blocks[from_table] = ragged_rows(table.spread_blocks, ids, earlier)
    seq_blocks[~from_table] = blocks.number[varied]
    flat = np.flatnonzero(sigma == 0)
    if len(flat):
        seg = blocks.segment[flat]
        first = blocks.offset[seg]
        varied_before = before[flat] - np.where(first > 0, before[first - 1], 0)
        end = earlier[seg] + varied_before  # varied spreads before each flat block
        median, _ = slice_medians(seq, seq_start[seg] + np.maximum(0, end - keep), seq_start[seg] + end)
        sigma = sigma.copy()
        sigma[flat] = np.where(end > 0, median, 0.0)
    last = np.minimum(size, keep + 1)
    store_tails(table.spreads, ids, seq, seq_start + size, last)
    store_tails(table.spread_blocks, ids, seq_blocks, seq_start + size, last)
    table.spreads_len[ids] = last
    return sigma
