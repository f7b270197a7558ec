"""Denoising: synthetic faults injected into the step rows, windows rebuilt by the engine.

A plain autoencoder learns to reproduce whatever it is shown, including a component that
drifted away from the others, and after a fault ends it still "sees" the fault in its
window and flags the healthy values that follow. Training it to map *corrupted* windows
back to the clean ones teaches it what a component should look like given the others, the
time of day and its own recent past, and to ignore a fault that is over.

Faults are generic, one component at a time, in the data's own units (a multiple of the
component's robust scale): a step offset, a ramp, a value frozen in place, or a burst of a
few steps far out. They are injected into the per-server step rows, and the features are
rebuilt with the engine's `window_features`, so corrupted windows are built exactly like
real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logwatch.engine.window import FeatureSpec, Rows, StepGrid, window_features

CORRUPT_SHARE = 0.3
"""About this share of windows holds some injected fault (fresh faults every epoch)."""

AMPLITUDE = (0.3, 3.0)
"""Offsets and ramp heights, in robust scale units of the component (uniform)."""

BURST_AMPLITUDE = (3.0, 8.0)
"""Heights of short bursts (a few steps), in robust scale units: far outside anything
normal, so the model learns to reconstruct the other components, and the steps after
the burst, as if it had not happened. (Up to 15 made the validation loss so noisy that
early stopping ended training on 100,000 entries after 9 epochs, still improving.)"""


@dataclass(frozen=True)
class ServerRows:
    """One server's step rows and scaling, as the engine aligned them."""

    server: str
    rows: Rows
    center: np.ndarray
    scale: np.ndarray
    profile: np.ndarray | None = None
    noise: np.ndarray | None = None


def features(series: list[ServerRows], spec: FeatureSpec, grid: StepGrid) -> np.ndarray:
    """Feature rows of every server, in the order of `series` (the engine's own builder)."""
    out = []
    for s in series:
        empty = Rows(s.rows.steps[:0], s.rows.values[:0], s.rows.position[:0])
        x, _ = window_features(empty, s.rows, spec, s.center, s.scale, grid, profile=s.profile, noise=s.noise)
        out.append(x)
    return np.vstack(out) if out else np.zeros((0, spec.dim), np.float32)


def corrupted_features(
    series: list[ServerRows], spec: FeatureSpec, grid: StepGrid, rng: np.random.Generator
) -> np.ndarray:
    """`features` of a copy of the rows with faults injected (same row order and count)."""
    broken = [
        ServerRows(
            s.server, Rows(s.rows.steps, inject_faults(s.rows.values, s.scale, spec.window, rng), s.rows.position),
            s.center, s.scale, s.profile, s.noise,
        )
        for s in series
    ]
    return features(broken, spec, grid)


def inject_faults(values: np.ndarray, scale: np.ndarray, window: int, rng: np.random.Generator) -> np.ndarray:
    """A copy of `values` (steps, components) with random single-component faults."""
    out = values.copy()
    steps, components = values.shape
    if steps == 0:
        return out
    mean_length = 2.0 * window
    n = rng.poisson(CORRUPT_SHARE * steps / (mean_length + window))
    starts = rng.integers(0, steps, n)
    lengths = rng.integers(1, 4 * window + 1, n)
    which = rng.integers(0, components, n)
    kinds = rng.integers(0, 4, n)
    heights = rng.choice([-1.0, 1.0], n) * rng.uniform(*AMPLITUDE, n)
    for start, length, c, kind, height in zip(starts, lengths, which, kinds, heights):
        end = min(steps, start + length)
        span = out[start:end, c]
        if kind == 0:  # step offset
            span += height * scale[c]
        elif kind == 1:  # ramp
            span += height * scale[c] * np.arange(1, end - start + 1) / length
        elif kind == 3:  # short burst far out: 1 to window/2 steps
            burst_steps = 1 + length % max(window // 2, 1)
            burst = out[start : min(steps, start + burst_steps), c]
            burst += np.sign(height) * rng.uniform(*BURST_AMPLITUDE) * scale[c]
        else:  # frozen value
            span[:] = span[0]
    return out
