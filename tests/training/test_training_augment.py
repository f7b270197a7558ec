"""The synthetic faults denoising trains on (training/augment.py)."""

from __future__ import annotations

import numpy as np

from logwatch.training.augment import AMPLITUDE, BURST_AMPLITUDE, inject_faults


def test_faults_alter_some_rows_and_bursts_stay_short_and_far_out():
    values = np.zeros((50_000, 3))
    out = inject_faults(values, np.ones(3), window=16, rng=np.random.default_rng(0))
    assert (values == 0).all() and out.shape == values.shape  # a copy; the input is untouched
    changed = out != 0
    assert 0.05 < changed.any(axis=1).mean() < 0.6  # some, not all, of the rows
    far = np.abs(out) > AMPLITUDE[1] + 1e-9  # beyond any offset or ramp: a burst
    assert far.any() and np.abs(out).max() <= BURST_AMPLITUDE[1] + 2 * AMPLITUDE[1]
    for c in range(3):  # runs of far-out values last at most window / 2 steps
        edges = np.flatnonzero(np.diff(np.r_[0, far[:, c].astype(int), 0]))
        assert (edges[1::2] - edges[::2]).max() <= 8 * 2  # two bursts can touch
