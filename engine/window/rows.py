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

from logwatch.engine.window.stacked import NO_STEP, Stacked, extend_tracks, pivot_cells


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
    names, stacked = pivot_frame(frame, components, labels=labels)
    bounds = stacked.bounds(len(names))
    out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
    for t, name in enumerate(names):
        lo, hi = bounds[t], bounds[t + 1]
        flags = None if stacked.labels is None else stacked.labels[lo:hi]
        out[name] = (stacked.steps[lo:hi], stacked.values[lo:hi], flags)
    return out


def pivot_frame(
    frame: pl.DataFrame, components: tuple[str, ...], *, labels: bool = False
) -> tuple[list[str], Stacked]:
    """The servers of `frame` in order of first appearance, and their step rows stacked
    (track i is the i-th server); see `pivot_steps`."""
    known = frame.filter(pl.col("component").is_in(list(components)))
    if known.height == 0:
        return [], pivot_cells(*(np.zeros(0, np.int64),) * 3, np.zeros(0), len(components))
    names = known["server"].unique(maintain_order=True)
    server = known["server"].replace_strict(
        names, pl.int_range(names.len(), eager=True), return_dtype=pl.Int64
    ).to_numpy()
    comp = known["component"].replace_strict(
        list(components), list(range(len(components))), return_dtype=pl.Int64
    ).to_numpy()
    flag = known["anomalous"].fill_null(False).to_numpy() if labels else None
    stacked = pivot_cells(server, known["step"].to_numpy(), comp, known["value"].to_numpy(), len(components), flag)
    return names.to_list(), stacked


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
    have_prev = history is not None and len(history) > 0
    last_step = np.array([history.steps[-1] if have_prev else NO_STEP], np.int64)  # type: ignore[union-attr]
    last_values = history.values[-1:] if have_prev else np.full((1, n_comp), np.nan)  # type: ignore[union-attr]
    last_position = np.array([history.position[-1] if have_prev else 0], np.int64)  # type: ignore[union-attr]
    one = Stacked(np.zeros(len(steps), np.int64), np.asarray(steps, np.int64), values, None, flags)
    out = extend_tracks(one, last_step, last_values, last_position, max_gap_steps)
    return Rows(out.steps, out.values, out.position, out.labels)  # type: ignore[arg-type]
