"""Training / validation split of feature windows, by blocks of time.

Neighbouring windows share all but one step, so a random split by window would put near
copies of every validation window into training and make the validation loss (and the
threshold calibrated on it) optimistic. Whole blocks of consecutive steps go to one side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logwatch.engine.window import WindowSet

VALIDATION_SHARE = 0.2
BLOCK_WINDOWS = 10
"""Block length in windows (times the window length, in steps)."""


@dataclass
class Split:
    """Row indices into the WindowSet."""

    train: np.ndarray
    """Training rows: windows without any labeled anomaly (all windows when unlabeled)."""
    val: np.ndarray
    """Validation rows (same rule as `train`): the loss, early stopping, the error scales."""
    calibration: np.ndarray
    """Every validation window: the threshold is calibrated on their entries (the labeled
    normal ones when labels exist), including the moments just after a fault, where
    false alarms actually happen."""


def split_windows(windows: WindowSet, seed: int, window: int) -> Split:
    """Blocks of up to `BLOCK_WINDOWS * window` steps, in random (seeded) order, go to
    validation until it holds `VALIDATION_SHARE` of the windows."""
    n = len(windows.x)
    length = max(1, min(BLOCK_WINDOWS * window, n // 20))
    ids, inverse, counts = np.unique(windows.step // length, return_inverse=True, return_counts=True)
    order = np.random.default_rng(seed).permutation(len(ids))
    taken = np.cumsum(counts[order])
    n_val = int(np.searchsorted(taken, VALIDATION_SHARE * n)) + 1 if len(ids) > 1 else 0
    chosen = np.zeros(len(ids), bool)
    chosen[order[:n_val]] = True
    is_val = chosen[inverse]
    clean = np.ones(n, bool) if windows.window_labels is None else ~windows.window_labels
    return Split(np.flatnonzero(~is_val & clean), np.flatnonzero(is_val & clean), np.flatnonzero(is_val))
