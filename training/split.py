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
    """Assign blocks of `BLOCK_WINDOWS * window` steps to validation at random (seeded)."""
    block = windows.step // max(1, BLOCK_WINDOWS * window)
    ids, inverse = np.unique(block, return_inverse=True)
    rng = np.random.default_rng(seed)
    n_val = max(1, int(round(len(ids) * VALIDATION_SHARE))) if len(ids) > 1 else 0
    chosen = np.zeros(len(ids), bool)
    chosen[rng.choice(len(ids), n_val, replace=False)] = True
    is_val = chosen[inverse]
    clean = np.ones(len(windows.x), bool) if windows.window_labels is None else ~windows.window_labels
    return Split(np.flatnonzero(~is_val & clean), np.flatnonzero(is_val & clean), np.flatnonzero(is_val))
