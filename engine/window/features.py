"""Feature vectors from step rows (their errors and scores: `window.errors`).

One implementation for training and scoring: see `FeatureSpec` for the layout.
"""

from __future__ import annotations

import numpy as np

from logwatch.engine.window.grid import StepGrid
from logwatch.engine.window.rows import Rows
from logwatch.engine.window.spec import FeatureSpec

VOL_EPS = 1e-2
"""Added to the rolling std of scaled differences before the log (a stuck value -> log(eps))."""

Z_LIMIT = 1e4
"""Scaled values are clipped to +-this: a burst 10,000 scales away is alarm enough, and
float32 models must not overflow on it."""

BASELINE_MIN_BLOCKS = 4
"""Complete blocks needed before the baseline replaces the training center."""

STUCK_FULL = 3.0
"""Stuck feature of a value unchanged over the whole window (a few robust scale units)."""

_DAY_US = 86_400 * 1_000_000


def window_features(
    history: Rows,
    new: Rows,
    spec: FeatureSpec,
    center: np.ndarray,
    scale: np.ndarray,
    grid: StepGrid,
    profile: np.ndarray | None = None,
    noise: np.ndarray | None = None,
    row_scaling: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Features (k, dim) float32 for the rows of `new` whose window is complete, and their
    indices in `new`. `history` holds the rows before `new` (at least the last W-1 of the
    segment `new` continues; older rows are ignored). `profile`: the server's daily profile
    (bins, C) when the spec has `profile_bins`: every step of a window is then centred on
    its own expected level (`row_centers`). `noise`: the server's typical step-to-step
    change in training, when the spec has `adaptive_scale` (`row_scales`). `row_scaling`:
    the `joined_scaling` of the same rows when the caller has it already (saves computing
    it twice)."""
    first, steps, values, position = _with_history(history, new, spec)
    ends = np.flatnonzero(position >= spec.window - 1)
    ends = ends[ends >= first]
    if len(ends) == 0:
        return np.zeros((0, spec.dim), np.float32), np.zeros(0, np.int64)
    if (spec.profile_bins or spec.baseline_blocks) and row_scaling is None:
        row_scaling = _row_scaling(steps, values, position, spec, center, scale, grid, profile, noise)
    return features_at(steps, values, ends, spec, center, scale, grid, row_scaling), (ends - first).astype(np.int64)


def features_at(
    steps: np.ndarray, values: np.ndarray, ends: np.ndarray, spec: FeatureSpec, center: np.ndarray,
    scale: np.ndarray, grid: StepGrid, row_scaling: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """Features (len(ends), dim) float32 of the windows ending at rows `ends` of `values`
    (each with W-1 rows of its own segment before it). `center` and `scale` are (C,) or one
    per row (n, C); `row_scaling` is the rows' `_row_scaling`, needed with a baseline or a
    daily profile."""
    w, n_comp = spec.window, spec.n_components
    n = len(ends)
    out = np.empty((n, spec.dim), np.float32)
    # The windows' columns, step by step with the components inside, written in place.
    newest = out[:, : w * n_comp].reshape(n, w, n_comp).transpose(0, 2, 1)
    if spec.profile_bins or spec.baseline_blocks:
        centers, spreads = row_scaling  # type: ignore[misc]
    z = None
    if spec.profile_bins:  # every step on its own centre
        z = _clipped((values - centers) / spreads)
        np.copyto(newest, np.lib.stride_tricks.sliding_window_view(z, w, axis=0)[ends - w + 1])
    elif spec.baseline_blocks:  # the whole window on its newest step's centre
        windows = np.lib.stride_tricks.sliding_window_view(values, w, axis=0)[ends - w + 1]  # a copy
        windows -= centers[ends][:, :, None]
        windows /= spreads[ends][:, :, None]
        np.copyto(newest, _clipped(windows))
    else:
        z = _clipped((values - center) / scale)
        np.copyto(newest, np.lib.stride_tricks.sliding_window_view(z, w, axis=0)[ends - w + 1])
    col = w * n_comp
    if spec.time_of_day:
        angle = (grid.step_times_us(steps[ends]) % _DAY_US) * (2 * np.pi / _DAY_US)
        out[:, col], out[:, col + 1] = np.sin(angle), np.cos(angle)
        col += 2
    if spec.volatility:
        if z is None:  # with a baseline: of the values on the training scale
            z = _clipped((values - center) / scale)
        out[:, col : col + n_comp] = _log_volatility(z, ends, w)
        col += n_comp
    if spec.stuck:
        out[:, col : col + n_comp] = stuck_feature(_unchanged_run(values, ends, w, spec.bounds), w)
    return out


def _clipped(z: np.ndarray) -> np.ndarray:
    """`z` (a fresh array, changed in place) with NaN as 0 and clipped to +-Z_LIMIT."""
    np.nan_to_num(z, copy=False, nan=0.0)
    return np.clip(z, -Z_LIMIT, Z_LIMIT, out=z)


def joined_scaling(
    history: Rows, new: Rows, spec: FeatureSpec, center: np.ndarray, scale: np.ndarray,
    grid: StepGrid | None = None, profile: np.ndarray | None = None, noise: np.ndarray | None = None,
) -> tuple[int, tuple[np.ndarray, np.ndarray]]:
    """`(first, (centers, scales))`: `row_centers` and `row_scales` of `history`'s needed
    tail followed by `new` (rows from `first` on are `new`'s: what a window ending there was
    scaled with). Pass the pair to `window_features` as `row_scaling`."""
    first, steps, values, position = _with_history(history, new, spec)
    return first, _row_scaling(steps, values, position, spec, center, scale, grid, profile, noise)


def _row_scaling(
    steps: np.ndarray, values: np.ndarray, position: np.ndarray, spec: FeatureSpec, center: np.ndarray,
    scale: np.ndarray, grid: StepGrid | None, profile: np.ndarray | None, noise: np.ndarray | None,
    track: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    level = daily_level(profile, grid, steps, track) if spec.profile_bins else None
    return (
        row_centers(steps, values, position, spec, center, level, track),
        row_scales(steps, values, position, spec, scale, noise, track),
    )


def stacked_scaling(
    steps: np.ndarray, values: np.ndarray, position: np.ndarray, track: np.ndarray, spec: FeatureSpec,
    center: np.ndarray, scale: np.ndarray, grid: StepGrid | None, profile: np.ndarray | None,
    noise: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """`(centers, scales)` (rows, C) of the rows of many tracks end to end (`track` per row,
    each track's rows in step order): what `joined_scaling` gives each track on its own.
    `center`, `scale` and `noise` are one row per row; `profile` is (tracks, bins, C)."""
    return _row_scaling(steps, values, position, spec, center, scale, grid, profile, noise, track)


def _with_history(history: Rows, new: Rows, spec: FeatureSpec) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The rows `new`'s features depend on, `history`'s needed tail first: (index of the
    first new row, steps, values, position)."""
    past = history.tail(spec.history_rows)
    return (
        len(past),
        np.concatenate([past.steps, new.steps]),
        np.vstack([past.values, new.values]),
        np.concatenate([past.position, new.position]),
    )


def daily_level(
    profile: np.ndarray | None, grid: StepGrid | None, steps: np.ndarray, track: np.ndarray | None = None
) -> np.ndarray:
    """The daily profile (bins, C) at each step, (n, C): linear between bin centres,
    wrapping at midnight. With `track`, `profile` is (tracks, bins, C), one per track."""
    if profile is None or grid is None:
        raise ValueError("a spec with profile_bins needs the server's daily profile and the step grid")
    bins = profile.shape[-2]
    where = (grid.step_times_us(steps) % _DAY_US) / _DAY_US * bins - 0.5
    left = np.floor(where).astype(np.int64)
    frac = (where - left)[:, None]
    if track is not None:
        return profile[track, left % bins] * (1.0 - frac) + profile[track, (left + 1) % bins] * frac
    return profile[left % bins] * (1.0 - frac) + profile[(left + 1) % bins] * frac


def row_centers(
    steps: np.ndarray, values: np.ndarray, position: np.ndarray, spec: FeatureSpec, center: np.ndarray,
    level: np.ndarray | None = None, track: np.ndarray | None = None,
) -> np.ndarray:
    """The center each row is scaled with, (rows, C).

    Without a baseline: the training center. With one: the median of the means of the
    previous `baseline_blocks` complete blocks of `baseline_block_steps` steps (blocks
    aligned on absolute step numbers, inside the row's segment), so a metric that settles
    on a new level is judged against it a few hours later, while a fault filling a block
    or two does not move it; the training center until BASELINE_MIN_BLOCKS blocks are
    complete. Blocks are summed value by value in row order, so streaming and batch give
    the same numbers to the bit.

    With `level` (the daily profile at each row, (n, C)), the baseline is taken of the
    values minus that level, and the center is the level plus it: the daily rhythm is
    expected, only a lasting move away from it shifts the center. `track`: rows of several
    tracks end to end (blocks are never shared between tracks).
    """
    n, c = values.shape
    if level is not None:
        return level + row_centers(steps, values - level, position, spec, np.zeros(c), track=track)
    out = np.broadcast_to(center, (n, c)).astype(np.float64)
    if not spec.baseline_blocks or n == 0:
        return out
    median = _previous_blocks_median(steps, values, position, spec, track)
    return np.where(np.isnan(median), out, median)


def row_scales(
    steps: np.ndarray, values: np.ndarray, position: np.ndarray, spec: FeatureSpec, scale: np.ndarray,
    noise: np.ndarray | None, track: np.ndarray | None = None,
) -> np.ndarray:
    """The scale each row is scaled with, (rows, C).

    The training scale, widened when the typical step-to-step change over the previous
    blocks (the median of their mean `step_changes`, as for `row_centers`) exceeds
    `noise`, the typical change in training: a metric whose noise grew with a new
    regime is judged by its new noise once the baseline has followed it, instead of
    alarming on every wiggle. Never narrower than the training scale.
    """
    n, c = values.shape
    out = np.broadcast_to(scale, (n, c)).astype(np.float64)
    if noise is None or not spec.adaptive_scale or not spec.baseline_blocks or n == 0:
        return out
    recent = _previous_blocks_median(steps, step_changes(values, position, track), position, spec, track)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(np.isnan(recent), 1.0, np.maximum(recent / noise, 1.0))
    return out * factor


def step_changes(values: np.ndarray, position: np.ndarray, track: np.ndarray | None = None) -> np.ndarray:
    """|value - the previous row's value| inside a segment (and `track`), (rows, C); NaN on
    a segment's first row."""
    out = np.full(values.shape, np.nan)
    if len(values) > 1:
        follows = position[1:] == position[:-1] + 1
        if track is not None:
            follows &= track[1:] == track[:-1]
        follows = follows[:, None]
        out[1:] = np.where(follows, np.abs(values[1:] - values[:-1]), np.nan)
    return out


def _previous_blocks_median(
    steps: np.ndarray, values: np.ndarray, position: np.ndarray, spec: FeatureSpec, track: np.ndarray | None = None
) -> np.ndarray:
    """Per row, the median of the means of the previous `baseline_blocks` complete blocks of
    its segment, (rows, C); NaN until BASELINE_MIN_BLOCKS of them exist. With `track` (rows
    of several tracks end to end, each in step order), blocks belong to one track."""
    n, c = values.shape
    size = spec.baseline_block_steps
    block = steps // size
    first_block = -((steps - position) // -size)  # first block wholly inside the segment
    if track is not None and n:  # one key per (track, block): tracks far enough apart that
        # looking back `baseline_blocks` never reaches the previous track's blocks
        low = block.min() - spec.baseline_blocks - 1
        span = block.max() - low + 1
        block, first_block = track * span + (block - low), track * span + (first_block - low)
    ids, inverse = np.unique(block, return_inverse=True)
    known = ~np.isnan(values)
    # bincount adds in row order, as np.add.at does, several times faster.
    sums = _sum_by(inverse, np.where(known, values, 0.0), len(ids))
    counts = _sum_by(inverse, known.astype(np.float64), len(ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    # Consecutive rows of one block and segment share their previous blocks: work once per run.
    starts = np.ones(n, bool)
    starts[1:] = (block[1:] != block[:-1]) | (first_block[1:] != first_block[:-1])
    row_run = np.cumsum(starts) - 1
    run_block, run_first = block[starts], first_block[starts]
    previous = np.full((spec.baseline_blocks, len(run_block), c), np.nan)
    for back in range(1, spec.baseline_blocks + 1):
        wanted = run_block - back
        at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        found = (wanted >= run_first) & (ids[at] == wanted)
        previous[back - 1] = np.where(found[:, None], means[at], np.nan)
    enough = np.sum(~np.isnan(previous), axis=0) >= min(BASELINE_MIN_BLOCKS, spec.baseline_blocks)
    median = _nan_median(previous)
    return np.where(enough, median, np.nan)[row_run]


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """(size, C): the rows of `values` (n, C) added up by `index`."""
    return np.stack([np.bincount(index, weights=values[:, j], minlength=size) for j in range(values.shape[1])], axis=1)


def _nan_median(stack: np.ndarray) -> np.ndarray:
    """`np.nanmedian(stack, axis=0)` to the bit (mean of the two middle values, computed as
    (low + high) / 2), without its slow masked-array path for short axes."""
    ordered = np.sort(stack, axis=0)  # NaN sorts last
    count = np.sum(~np.isnan(stack), axis=0)
    half = count // 2
    low = np.where(count % 2 == 1, half, half - 1).clip(0)
    pick = lambda i: np.take_along_axis(ordered, i[None], axis=0)[0]  # noqa: E731
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, (pick(low) + pick(half.clip(max=len(stack) - 1))) / 2, np.nan)


def _unchanged_run(
    values: np.ndarray, ends: np.ndarray, w: int, bounds: tuple[float, ...] | None
) -> np.ndarray:
    """How many steps each component's value has equalled the one before, ending at each
    of `ends` and counted inside the window only (0 .. W-1), (len(ends), C). A value at
    one of `bounds` (pinned at a floor or ceiling) does not count."""
    same = np.zeros(values.shape, bool)
    same[1:] = values[1:] == values[:-1]  # NaN never equals: an absent value is no run
    if bounds is not None:
        low, high = np.asarray(bounds[0::2]), np.asarray(bounds[1::2])
        same &= (values > low) & (values < high)
    index = np.arange(len(values))[:, None]
    last_change = np.maximum.accumulate(np.where(same, -1, index), axis=0)
    return np.minimum(index[ends] - last_change[ends], w - 1)


def stuck_feature(run: np.ndarray, w: int) -> np.ndarray:
    """The stuck feature for runs of unchanged steps: 0 up to one repeat (noise rounded to
    the same number now and then), rising to STUCK_FULL for a window-long run."""
    return np.maximum(run - 1, 0) * (STUCK_FULL / max(w - 2, 1))


def stuck_steps(feature: np.ndarray, w: int) -> np.ndarray:
    """Steps a value has not changed, back from the stuck feature (for reasons)."""
    return np.where(feature > 0, np.round(feature * max(w - 2, 1) / STUCK_FULL) + 1, 0)


def _log_volatility(z: np.ndarray, ends: np.ndarray, w: int) -> np.ndarray:
    """log(std + eps) of the w-1 differences inside each window ending at `ends`.

    Summed slice by slice in a fixed order, so a window's number does not depend on what
    else is in the array (streaming and batch agree to the bit) and no (n, C, w) copy is
    made."""
    if w < 2:
        return np.full((len(ends), z.shape[1]), np.log(VOL_EPS))
    diffs = np.diff(z[ends.min() - w + 1 : ends.max() + 1], axis=0)
    first = ends - ends.min()  # index in `diffs` of each window's first difference
    count = len(diffs) - (w - 2)
    total = np.zeros((count, z.shape[1]))
    for k in range(w - 1):
        total += diffs[k : k + count]
    mean = total / (w - 1)
    spread = np.zeros_like(total)
    for k in range(w - 1):
        spread += np.square(diffs[k : k + count] - mean)
    return np.log(np.sqrt(spread[first] / (w - 1)) + VOL_EPS)
