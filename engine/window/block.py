"""The windows of one block of entries, every track at once (the streaming windower's core).

A block's cells, pivoted for all tracks in one pass (`stacked.pivot_cells`), are gap-filled
and carried forward on from each track's history, put after that history's needed tail,
scaled and cut into windows as one array: numpy calls per block, not per server. Only
reading and storing each track's history loops over tracks (a few slices each).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logwatch.engine.window.features import features_at, stacked_scaling
from logwatch.engine.window.grid import StepGrid
from logwatch.engine.window.rows import Rows
from logwatch.engine.window.spec import FeatureSpec, Scaling
from logwatch.engine.window.stacked import NO_STEP, Stacked, extend_tracks


@dataclass(slots=True)
class BlockWindows:
    """Feature rows of a block, track by track in the order given, step order inside."""

    track: np.ndarray
    """Track index of each feature row (int64)."""
    step: np.ndarray
    """Step of each feature row (int64)."""
    x: np.ndarray
    """(n, dim) float32 features."""
    center: np.ndarray
    """(n, C) the scaling center of each row."""
    scale: np.ndarray
    """(n, C) the scaling scale of each row."""


def block_windows(
    cells: Stacked, servers: list[str], histories: list[Rows | None], spec: FeatureSpec,
    scaling: Scaling, grid: StepGrid,
) -> tuple[BlockWindows, list[Rows]]:
    """Windows of `cells` (track t is server `servers[t]`'s track, continuing `histories[t]`)
    and each track's history to keep (its last `spec.history_rows` rows)."""
    n_tracks, n_comp = len(servers), spec.n_components
    need = spec.history_rows
    empty = Rows(np.zeros(0, np.int64), np.zeros((0, n_comp)), np.zeros(0, np.int64))
    pasts = [empty if h is None else h.tail(need) for h in histories]
    has = np.array([len(p) > 0 for p in pasts], bool)
    last_step = np.array([p.steps[-1] if len(p) else NO_STEP for p in pasts], np.int64)
    last_position = np.array([p.position[-1] if len(p) else 0 for p in pasts], np.int64)
    last_values = np.full((n_tracks, n_comp), np.nan)
    if has.any():
        last_values[has] = np.vstack([p.values[-1:] for p in pasts if len(p)])
    new = extend_tracks(cells, last_step, last_values, last_position, spec.max_gap_steps)
    # Each track's history tail, then its new rows (a stable sort keeps both in step order).
    lengths = np.array([len(p) for p in pasts], np.int64)
    track = np.concatenate([np.repeat(np.arange(n_tracks), lengths), new.track])
    is_new = np.concatenate([np.zeros(int(lengths.sum()), bool), np.ones(len(new), bool)])
    order = np.lexsort((is_new, track))
    track, is_new = track[order], is_new[order]
    steps = np.concatenate([*(p.steps for p in pasts), new.steps])[order]
    values = np.vstack([*(p.values for p in pasts), new.values])[order]
    position = np.concatenate([*(p.position for p in pasts), new.position])[order]  # type: ignore[list-item]
    center, scale, profile, noise = _track_scaling(servers, scaling, spec)
    row_center, row_scale = stacked_scaling(
        steps, values, position, track, spec, center[track], scale[track], grid, profile,
        None if noise is None else noise[track],
    )
    ends = np.flatnonzero(is_new & (position >= spec.window - 1))
    x = (features_at(steps, values, ends, spec, center[track], scale[track], grid, (row_center, row_scale))
         if len(ends) else np.zeros((0, spec.dim), np.float32))
    bounds = np.searchsorted(track, np.arange(n_tracks + 1))
    kept = [Rows(steps[lo:hi], values[lo:hi], position[lo:hi]).tail(need) for lo, hi in zip(bounds[:-1], bounds[1:])]
    return BlockWindows(track[ends], steps[ends], x, row_center[ends], row_scale[ends]), kept


def _track_scaling(
    servers: list[str], scaling: Scaling, spec: FeatureSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Per track: center (T, C), scale (T, C), daily profile (T, bins, C) when the spec has
    one, training noise (T, C) when the scaling has it (a server without gets inf: its
    scale is never widened, as with none)."""
    n_comp = spec.n_components
    pairs = [scaling.for_server(s) for s in servers]
    center = np.array([c for c, _ in pairs], np.float64).reshape(len(servers), n_comp)
    scale = np.array([s for _, s in pairs], np.float64).reshape(len(servers), n_comp)
    profile = None
    if spec.profile_bins:
        profiles = [scaling.profile_for(s) for s in servers]
        if any(p is None for p in profiles):
            raise ValueError("a spec with profile_bins needs the server's daily profile and the step grid")
        profile = np.stack(profiles) if profiles else np.zeros((0, spec.profile_bins, n_comp))  # type: ignore[arg-type]
    noises = [scaling.noise_for(s) for s in servers]
    noise = None
    if any(n is not None for n in noises):
        noise = np.array([np.full(n_comp, np.inf) if n is None else n for n in noises], np.float64)
    return center, scale, profile, noise
