"""The best recall a point-wise detector can reach on the generator's shifted kinds.

An ideal point-wise detector knows every entry's normal level exactly: what is left is the
component's Gaussian noise (the config's `noise`). Flagging at most `target_far` of
normal entries, it flags an entry when the value is more than z noise widths away from
that level, z the two-sided normal quantile of the rate. An entry shifted by d is then
caught with probability Phi(d/sigma - z) + Phi(-d/sigma - z). Averaged over the episodes
the config draws (magnitude and duration uniform in their ranges; a drift rises linearly
from magnitude/n at its first step to magnitude at its last, as the injector makes it),
this is the recall no detector that judges one entry at a time, and flags departures
either way, can beat at that rate. (One that knew drifts only go up could spend the
whole rate on one side: 0.908 instead of 0.902 with the default config.) Real detectors
do worse: they estimate the level, and share the rate between components.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from logwatch.engine.config import GeneratorConfig

SHIFTED_KINDS = ("drift", "level_shift")
"""Kinds that add an offset (their `magnitude`) to the normal value."""


def pointwise_recall_bound(
    config: GeneratorConfig, kind: str, target_far: float, *, noise_factor: float = 1.0,
    episodes: int = 20_000, seed: int = 0,
) -> float:
    """Entry-weighted recall of the ideal point-wise detector on `kind` (see module doc).
    `noise_factor` > 1 widens the noise, for a detector that has to estimate the level
    (from k earlier entries: sqrt(1 + 1/k))."""
    if kind not in SHIFTED_KINDS:
        raise ValueError(f"{kind}: the bound covers {', '.join(SHIFTED_KINDS)}")
    spec = config.anomalies[kind]
    if spec.magnitude is None:
        raise ValueError(f"{kind}: the config gives no magnitude")
    rng = np.random.default_rng(seed)
    z = NormalDist().inv_cdf(1.0 - target_far / 2.0)
    caught = entries = 0.0
    for _ in range(episodes):
        steps = max(1, round(rng.uniform(*spec.duration_seconds) / config.frequency_seconds))
        component = spec.components[rng.integers(len(spec.components))]
        sigma = config.patterns[component].noise * noise_factor
        magnitude = rng.uniform(*spec.magnitude)
        progress = np.arange(1, steps + 1) / steps if kind == "drift" else np.ones(steps)
        shift = magnitude * progress / sigma
        caught += float(np.sum(_normal_sf(z - shift) + _normal_sf(z + shift)))
        entries += steps
    return caught / entries


_ERFC = np.vectorize(math.erfc, otypes=[float])


def _normal_sf(x: np.ndarray) -> np.ndarray:
    """P(N(0, 1) > x), elementwise."""
    return 0.5 * _ERFC(np.asarray(x) / math.sqrt(2.0))
