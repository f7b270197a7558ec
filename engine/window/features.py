"""Feature vectors from step rows, and the per-component error that turns into a score.

One implementation for training and scoring: see `FeatureSpec` for the layout.
"""

from __future__ import annotations

import numpy as np

from logwatch.engine.window.grid import StepGrid
from logwatch.engine.window.rows import Rows
from logwatch.engine.window.spec import FeatureSpec

VOL_EPS = 1e-2
"""Added to the rolling std of scaled differences before the log (a stuck value -> log(eps))."""

_DAY_US = 86_400 * 1_000_000


def window_features(
    history: Rows,
    new: Rows,
    spec: FeatureSpec,
    center: np.ndarray,
    scale: np.ndarray,
    grid: StepGrid,
) -> tuple[np.ndarray, np.ndarray]:
    """Features (k, dim) float32 for the rows of `new` whose window is complete, and their
    indices in `new`. `history` holds the rows before `new` (at least the last W-1 of the
    segment `new` continues; older rows are ignored)."""
    w = spec.window
    past = history.tail(w - 1)
    values = np.vstack([past.values, new.values])
    position = np.concatenate([past.position, new.position])
    steps = np.concatenate([past.steps, new.steps])
    ends = np.flatnonzero(position >= w - 1)
    ends = ends[ends >= len(past)]
    n_comp = spec.n_components
    if len(ends) == 0:
        return np.zeros((0, spec.dim), np.float32), np.zeros(0, np.int64)
    z = np.nan_to_num((values - center) / scale, nan=0.0)
    windows = np.lib.stride_tricks.sliding_window_view(z, w, axis=0)[ends - w + 1]
    parts = [windows.transpose(0, 2, 1).reshape(len(ends), w * n_comp)]
    if spec.time_of_day:
        angle = (grid.step_times_us(steps[ends]) % _DAY_US) * (2 * np.pi / _DAY_US)
        parts += [np.sin(angle)[:, None], np.cos(angle)[:, None]]
    if spec.volatility:
        parts.append(_log_volatility(z, ends, w))
    return np.hstack(parts).astype(np.float32), (ends - len(past)).astype(np.int64)


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


def component_errors(x: np.ndarray, x_hat: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """Squared reconstruction error per component, (n, C): the newest step's scaled value
    plus (when present) the volatility feature. Scores are the square root of this."""
    last = spec.last_step
    err = (x[:, last] - x_hat[:, last]).astype(np.float64) ** 2
    vol = spec.volatility_columns
    if vol is not None:
        err += (x[:, vol] - x_hat[:, vol]).astype(np.float64) ** 2
    return err


def expected_values(
    x_hat: np.ndarray, spec: FeatureSpec, center: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """What the model expected at the newest step, in the data's own units (n, C)."""
    return center + scale * x_hat[:, spec.last_step].astype(np.float64)
