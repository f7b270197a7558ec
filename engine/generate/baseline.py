"""Normal server behaviour: daily patterns, a shared load, slow trends and noise.

Everything is computed for a block of time steps at once, as arrays shaped
(servers, components, steps). Slow random processes are AR(1) knots linearly
interpolated between, so they continue smoothly from one block to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logwatch.engine.config import GeneratorConfig

KNOT_SECONDS = 600.0
"""Spacing of the slow random processes' knots (load wander, per-component wander)."""
KNOT_CORRELATION = 0.8
"""AR(1) coefficient between consecutive knots: the wander is slow, not a random walk."""
LOAD_WANDER = 0.08
"""Size of the shared load's wander, as a share of the peak-minus-off range."""
RAMP_HOURS = 0.75
"""How long the busy hours take to ramp up and down."""


def busy_share(hours: np.ndarray, start: float, end: float) -> np.ndarray:
    """0 in quiet hours, 1 in busy hours, with smooth ramps; `hours` in [0, 24)."""
    rise = 1 / (1 + np.exp(-(hours - start) / (RAMP_HOURS / 4)))
    fall = 1 / (1 + np.exp(-(end - hours) / (RAMP_HOURS / 4)))
    return rise * fall


@dataclass
class SlowProcess:
    """A smooth AR(1) wander per row, sampled at any step; state carries across blocks."""

    rows: int
    knot_steps: int
    last_knot: np.ndarray = field(init=False)
    next_knot: np.ndarray = field(init=False)
    knot_index: int = 0

    def start(self, rng: np.random.Generator) -> None:
        self.last_knot = rng.standard_normal(self.rows)
        self.next_knot = self._step(rng, self.last_knot)

    def _step(self, rng: np.random.Generator, knot: np.ndarray) -> np.ndarray:
        noise = rng.standard_normal(self.rows)
        return KNOT_CORRELATION * knot + np.sqrt(1 - KNOT_CORRELATION**2) * noise

    def sample(self, rng: np.random.Generator, first_step: int, steps: int) -> np.ndarray:
        """Values for steps [first_step, first_step + steps), shape (rows, steps)."""
        positions = np.arange(first_step, first_step + steps) / self.knot_steps
        last_needed = int(np.floor(positions[-1])) + 1
        knots = [self.last_knot, self.next_knot]
        base = self.knot_index
        while base + len(knots) - 1 < last_needed:
            knots.append(self._step(rng, knots[-1]))
        grid = np.stack(knots, axis=1)  # (rows, knots)
        local = positions - base
        left = np.floor(local).astype(np.int64)
        frac = local - left
        values = grid[:, left] * (1 - frac) + grid[:, left + 1] * frac
        keep = int(np.floor(positions[-1])) - base
        self.knot_index = base + keep
        self.last_knot, self.next_knot = grid[:, keep], grid[:, keep + 1]
        return values


@dataclass
class NormalBlock:
    """The normal values of one block plus what anomalies need to stay realistic."""

    values: np.ndarray  # (servers, components, steps)
    busy: np.ndarray  # (components, steps): 0 in quiet hours .. 1 in busy hours
    share: np.ndarray  # (servers, components, steps): the load share each value follows


class NormalBehaviour:
    """Generates normal values block after block for a config."""

    def __init__(self, config: GeneratorConfig, rng: np.random.Generator, start_seconds_of_day: float):
        self.config = config
        self.rng = rng
        self.start_seconds = start_seconds_of_day
        knot_steps = max(1, round(KNOT_SECONDS / config.frequency_seconds))
        servers, comps = len(config.servers), len(config.components)
        self.load_process = SlowProcess(servers, knot_steps)
        self.own_process = SlowProcess(servers * comps, knot_steps)
        self.load_process.start(rng)
        self.own_process.start(rng)
        patterns = [config.patterns[c] for c in config.components]
        self.off = np.array([p.off_hours_value for p in patterns])[None, :, None]
        self.span = np.array([p.peak_value - p.off_hours_value for p in patterns])[None, :, None]
        self.coupling = np.array([p.load_coupling for p in patterns])[None, :, None]
        self.noise = np.array([p.noise for p in patterns])[None, :, None]
        self.trend = np.array([p.trend_per_day for p in patterns])[None, :, None]
        self.baseline = np.array([s.baseline for s in config.servers])[:, None, None]
        self.hours = [p.peak_hours for p in patterns]

    def hours_of(self, first_step: int, steps: int) -> np.ndarray:
        seconds = self.start_seconds + np.arange(first_step, first_step + steps) * self.config.frequency_seconds
        return (seconds % 86400.0) / 3600.0

    def block(self, first_step: int, steps: int) -> NormalBlock:
        servers, comps = len(self.config.servers), len(self.config.components)
        hours = self.hours_of(first_step, steps)
        busy = np.stack([busy_share(hours, a, b) for a, b in self.hours])[None, :, :]  # (1, C, T)
        wander = self.load_process.sample(self.rng, first_step, steps)[:, None, :]  # (S, 1, T)
        own = self.own_process.sample(self.rng, first_step, steps).reshape(servers, comps, steps)
        load = busy + LOAD_WANDER * wander
        own_load = busy + LOAD_WANDER * own
        share = self.coupling * load + (1 - self.coupling) * own_load
        days = np.arange(first_step, first_step + steps) * self.config.frequency_seconds / 86400.0
        values = self.baseline * (self.off + self.span * share) + self.trend * days[None, None, :]
        values = values + self.noise * self.rng.standard_normal((servers, comps, steps))
        return NormalBlock(values=values, busy=busy[0], share=share)

    def level(self, server: int, component: int, share: np.ndarray) -> np.ndarray:
        """The value a component would have at a given load share (for anomalies that fake one)."""
        return self.baseline[server, 0, 0] * (self.off[0, component, 0] + self.span[0, component, 0] * share)

    def noise_of(self, component: int, steps: int) -> np.ndarray:
        return self.noise[0, component, 0] * self.rng.standard_normal(steps)
