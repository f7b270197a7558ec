"""Anomaly episodes: when they start, how long they last, what they do to the values.

An episode hits one component of one server for a number of steps; a server has at most
one episode at a time, so every anomalous entry carries exactly one `anomaly_type`.
Only the entries whose values the episode altered are labeled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logwatch.engine.config import ANOMALY_KINDS, GeneratorConfig
from logwatch.engine.generate.baseline import NormalBehaviour, NormalBlock

QUIET_BELOW = 0.05
"""Busy share under which a step counts as quiet hours (where contextual anomalies start)."""


@dataclass
class Episode:
    kind: str
    server: int
    component: int
    start: int  # absolute step
    end: int  # absolute step, exclusive
    magnitude: float = 0.0
    stuck_value: float = 0.0


class AnomalyInjector:
    """Starts episodes at each kind's configured rate and applies them block by block."""

    def __init__(self, config: GeneratorConfig, behaviour: NormalBehaviour, rng: np.random.Generator):
        self.config = config
        self.behaviour = behaviour
        self.rng = rng
        self.kinds = [config.anomalies[k] for k in ANOMALY_KINDS
                      if k in config.anomalies and config.anomalies[k].probability > 0]
        self.busy_until = np.zeros(len(config.servers), dtype=np.int64)
        self.active: list[Episode] = []

    def apply(self, block: NormalBlock, first_step: int) -> np.ndarray:
        """Alter `block.values` in place; return labels (servers, components, steps), 0 = normal,
        k = ANOMALY_KINDS[k - 1]."""
        steps = block.values.shape[2]
        self._start_episodes(block, first_step, steps)
        labels = np.zeros(block.values.shape, dtype=np.int8)
        block_end = first_step + steps
        for episode in self.active:
            a, b = max(episode.start, first_step) - first_step, min(episode.end, block_end) - first_step
            if a < b:
                self._alter(episode, block, first_step, a, b)
                labels[episode.server, episode.component, a:b] = ANOMALY_KINDS.index(episode.kind) + 1
        self.active = [e for e in self.active if e.end > block_end]
        return labels

    def _start_episodes(self, block: NormalBlock, first_step: int, steps: int) -> None:
        servers = len(self.config.servers)
        candidates: list[tuple[int, int, int]] = []
        for order, kind in enumerate(self.kinds):
            draws = self.rng.random((servers, steps)) < kind.probability
            if kind.name == "contextual":
                draws &= (block.busy.max(axis=0) < QUIET_BELOW)[None, :]
            for server, step in zip(*np.nonzero(draws)):
                candidates.append((int(step), order, int(server)))
        for step, order, server in sorted(candidates):
            absolute = first_step + step
            if absolute >= self.busy_until[server]:
                episode = self._new_episode(self.kinds[order], server, absolute, block, step)
                self.busy_until[server] = episode.end
                self.active.append(episode)

    def _new_episode(self, kind, server: int, start: int, block: NormalBlock, local: int) -> Episode:
        low, high = kind.duration_seconds
        steps = max(1, round(self.rng.uniform(low, high) / self.config.frequency_seconds))
        component = self.config.components.index(kind.components[self.rng.integers(len(kind.components))])
        episode = Episode(kind.name, server, component, start, start + steps)
        if kind.magnitude is not None:
            sign = -1.0 if kind.name == "level_shift" and self.rng.random() < 0.5 else 1.0
            episode.magnitude = sign * self.rng.uniform(*kind.magnitude)
        if kind.name == "flatline":
            episode.stuck_value = float(block.values[server, component, local])
        return episode

    def _alter(self, episode: Episode, block: NormalBlock, first_step: int, a: int, b: int) -> None:
        values = block.values[episode.server, episode.component]
        kind, n = episode.kind, b - a
        if kind in ("spike", "drop", "over_usage"):
            values[a:b] = self.rng.uniform(*self.config.anomalies[kind].value_range, size=n)
        elif kind == "drift":
            progress = (np.arange(first_step + a, first_step + b) - episode.start + 1) / (episode.end - episode.start)
            values[a:b] += episode.magnitude * progress
        elif kind == "level_shift":
            values[a:b] += episode.magnitude
        elif kind == "flatline":
            values[a:b] = episode.stuck_value
        else:
            share = block.share[episode.server, episode.component, a:b]
            if kind == "contextual":  # busy-hours level in quiet hours, with the usual wander
                share = share - block.busy[episode.component, a:b] + 1.0
            else:  # correlation_break: move against the load the component normally follows
                share = 1.0 - share
            level = self.behaviour.level(episode.server, episode.component, share)
            values[a:b] = level + self.behaviour.noise_of(episode.component, n)
