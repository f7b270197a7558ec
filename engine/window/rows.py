"""Per-server step rows: the one place where entries become a (steps x components) matrix.

Both the batch API (training) and the streaming windower (scoring) go through `pivot_steps`
and `extend_rows`, so a window does not depend on how the input was cut into batches.
Rules: last value wins inside a step; a component with no value in a step keeps its previous
value; gaps of at most `max_gap_steps` missing steps are filled with carried-forward rows;
a longer gap starts a new segment (windows never span it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(slots=True)
class Rows:
    """Consecutive step rows of one server (the newest segment's tail may come first)."""

    steps: np.ndarray
    """Step index of each row (int64)."""
    values: np.ndarray
    """(rows, components) float64, carried forward; NaN before a component's first value."""
    position: np.ndarray
    """0-based index of the row within its segment (int64)."""
    labels: np.ndarray | None = None
    """(rows, components) bool: some entry of that step and component was labeled anomalous."""

    def __len__(self) -> int:
        return len(self.steps)

    def tail(self, n: int) -> Rows:
        """The last `n` rows of the newest segment (the history the next window needs)."""
        if n <= 0 or len(self) == 0:
            return Rows(self.steps[:0], self.values[:0], self.position[:0])
        keep = min(n, int(self.position[-1]) + 1, len(self))
        return Rows(self.steps[-keep:], self.values[-keep:], self.position[-keep:])


def pivot_steps(
    frame: pl.DataFrame, components: tuple[str, ...], *, labels: bool = False
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """Per server: sorted step ids and (steps, C) last values (NaN where absent).

    `frame` needs columns server, component, value, step (and anomalous when `labels`).
    Components not in `components` are ignored. "Last" means last in row order.
    """
    known = frame.filter(pl.col("component").is_in(list(components)))
    if known.height == 0:
        return {}
    names = known["server"].unique(maintain_order=True)
    server = known["server"].replace_strict(
        names, pl.int_range(names.len(), eager=True), return_dtype=pl.Int64
    ).to_numpy()
    comp = known["component"].replace_strict(
        list(components), list(range(len(components))), return_dtype=pl.Int64
    ).to_numpy()
    step = known["step"].to_numpy()
    value = known["value"].to_numpy()
    flag = known["anomalous"].fill_null(False).to_numpy() if labels else None
    # Sort by (server, step, component, arrival); the last row of each cell wins.
    order = np.lexsort((np.arange(len(step)), comp, step, server))
    server, step, comp, value = server[order], step[order], comp[order], value[order]
    change = (server[1:] != server[:-1]) | (step[1:] != step[:-1]) | (comp[1:] != comp[:-1])
    last = np.append(change, True)
    if flag is not None:  # a cell is labeled when any of its entries is
        starts = np.flatnonzero(np.insert(change, 0, True))
        flag = np.logical_or.reduceat(flag[order], starts)
    server, step, comp, value = server[last], step[last], comp[last], value[last]
    bounds = np.flatnonzero(np.diff(server)) + 1
    out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
    for lo, hi in zip(np.concatenate(([0], bounds)), np.concatenate((bounds, [len(server)]))):
        st = step[lo:hi]
        new_row = np.insert(st[1:] != st[:-1], 0, True)
        row = np.cumsum(new_row) - 1
        values = np.full((int(row[-1]) + 1, len(components)), np.nan)
        values[row, comp[lo:hi]] = value[lo:hi]
        flags = None
        if flag is not None:
            flags = np.zeros(values.shape, bool)
            flags[row, comp[lo:hi]] = flag[lo:hi]
        out[str(names[int(server[lo])])] = (st[new_row], values, flags)
    return out


def extend_rows(
    history: Rows | None,
    steps: np.ndarray,
    values: np.ndarray,
    max_gap_steps: int,
    flags: np.ndarray | None = None,
) -> Rows:
    """New rows for `steps` (sorted, all after `history`), gap-filled and carried forward.

    `history` is the previous rows of this server (only its last row is used, to continue
    the segment); the result holds only the new rows (including filled gap rows).
    """
    n_comp = values.shape[1]
    if len(steps) == 0:
        empty = np.zeros(0, np.int64)
        return Rows(empty, np.zeros((0, n_comp)), empty.copy(), None if flags is None else flags[:0])
    have_prev = history is not None and len(history) > 0
    prev_step = int(history.steps[-1]) if have_prev else None  # type: ignore[union-attr]
    before = np.concatenate(([prev_step if have_prev else steps[0] - 10**12], steps[:-1]))
    gap = steps - before
    new_segment = gap > max_gap_steps + 1
    count = np.where(new_segment, 1, gap)
    # Expand: each real step is preceded by (count - 1) filled steps.
    total = int(count.sum())
    owner = np.repeat(np.arange(len(steps)), count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    out_steps = steps[owner] - (count[owner] - 1 - offset)
    is_real = offset == count[owner] - 1
    out_values = np.full((total, n_comp), np.nan)
    out_values[is_real] = values
    starts = np.zeros(total, bool)
    starts[np.cumsum(count)[new_segment] - 1] = True
    # Carry forward, never across a segment start; seed with history's last row.
    seed = history.values[-1:] if have_prev and not starts[0] else np.full((1, n_comp), np.nan)  # type: ignore[union-attr]
    full = np.vstack([seed, out_values])
    full_starts = np.concatenate(([True], starts))
    idx = np.where(~np.isnan(full), np.arange(total + 1)[:, None], 0)
    idx = np.maximum(idx, np.where(full_starts, np.arange(total + 1), 0)[:, None])
    idx = np.maximum.accumulate(idx, axis=0)
    filled = np.take_along_axis(full, idx, axis=0)[1:]
    # Position within segment.
    seg_start_index = np.maximum.accumulate(np.where(starts, np.arange(total), -1))
    base = int(history.position[-1]) + 1 if have_prev and not starts[0] else 0  # type: ignore[union-attr]
    position = np.where(
        seg_start_index >= 0, np.arange(total) - seg_start_index, np.arange(total) + base
    )
    out_flags = None
    if flags is not None:
        out_flags = np.zeros((total, n_comp), bool)
        out_flags[is_real] = flags
    return Rows(out_steps.astype(np.int64), filled, position.astype(np.int64), out_flags)
