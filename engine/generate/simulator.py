"""The simulated world: servers whose metrics follow daily patterns, with anomalies.

`Simulator.next_rows(n)` and `next_chunk(steps)` return polars frames in the Batch schema.
Blocks of a fixed size are generated internally, so the same seed and start give the same
entries however they are requested.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from logwatch.engine.config import ANOMALY_KINDS, GeneratorConfig
from logwatch.engine.generate.anomalies import AnomalyInjector
from logwatch.engine.generate.baseline import NormalBehaviour

BLOCK_STEPS = 1024
"""Time steps generated per internal block (fixed, for determinism)."""
ENTRY_SPACING_US = 1000
"""Microseconds between the entries of one time step (the servers log one after another)."""
DEFAULT_START = datetime(2025, 1, 5)
"""Start of simulated time when none is given (the date of the original example)."""


class Simulator:
    """Deterministic generator of log entries for a config, a seed and a start time."""

    def __init__(self, config: GeneratorConfig, *, seed: int | None = None, start: datetime | None = None):
        self.config = config
        self.seed = config.seed if seed is None else seed
        self.start = DEFAULT_START if start is None else start
        self.rng = np.random.default_rng(self.seed)
        midnight = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        self.behaviour = NormalBehaviour(config, self.rng, (self.start - midnight).total_seconds())
        self.injector = AnomalyInjector(config, self.behaviour, self.rng)
        self.steps_done = 0
        self._pending = self._empty()

    @property
    def entries_per_step(self) -> int:
        return self.config.entries_per_step

    def next_chunk(self, steps: int) -> pl.DataFrame:
        """The next `steps` time steps: every component of every server once per step."""
        return self.next_rows(steps * self.entries_per_step)

    def next_rows(self, rows: int) -> pl.DataFrame:
        """The next `rows` entries (a step may be split across calls)."""
        parts = [self._pending]
        have = self._pending.height
        while have < rows:
            block = self._block()
            parts.append(block)
            have += block.height
        frame = pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0]
        self._pending = frame.slice(rows)
        return frame.slice(0, rows).rechunk()

    def _empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema={
            "timestamp": pl.Datetime("us"), "server": pl.String, "component": pl.String,
            "value": pl.Float64, "anomalous": pl.Boolean, "anomaly_type": pl.String,
        })

    def _block(self) -> pl.DataFrame:
        first, steps = self.steps_done, BLOCK_STEPS
        normal = self.behaviour.block(first, steps)
        labels = self.injector.apply(normal, first)
        low = np.array([self.config.value_range[c][0] for c in self.config.components])[None, :, None]
        high = np.array([self.config.value_range[c][1] for c in self.config.components])[None, :, None]
        values = np.round(np.clip(normal.values, low, high), 2)
        self.steps_done += steps
        return self._frame(first, steps, values, labels)

    def _frame(self, first: int, steps: int, values: np.ndarray, labels: np.ndarray) -> pl.DataFrame:
        servers, comps = len(self.config.servers), len(self.config.components)
        per_step = servers * comps
        # Entry order inside a step: server by server, each server's components in turn.
        flat_values = values.transpose(2, 0, 1).reshape(-1)
        flat_labels = labels.transpose(2, 0, 1).reshape(-1)
        step_us = self.config.frequency_seconds * 1_000_000
        spacing = max(1, min(ENTRY_SPACING_US, int(step_us // per_step)))
        jitter = self.rng.integers(0, spacing, size=steps * per_step)
        offsets = (np.arange(first, first + steps).repeat(per_step) * step_us).astype(np.int64)
        offsets += np.tile(np.arange(per_step) * spacing, steps) + jitter
        timestamps = np.datetime64(self.start, "us") + offsets.astype("timedelta64[us]")
        server_codes = np.tile(np.repeat(np.arange(servers, dtype=np.uint32), comps), steps)
        component_codes = np.tile(np.arange(comps, dtype=np.uint32), servers * steps)
        kinds = pl.Series(flat_labels.astype(np.uint32))
        return pl.DataFrame({
            "timestamp": pl.Series(timestamps, dtype=pl.Datetime("us")),
            "server": _names(server_codes, [s.name for s in self.config.servers]),
            "component": _names(component_codes, list(self.config.components)),
            "value": flat_values,
            "anomalous": flat_labels > 0,
            "anomaly_type": kinds.replace_strict(
                list(range(1, len(ANOMALY_KINDS) + 1)), list(ANOMALY_KINDS), default=None, return_dtype=pl.String
            ),
        })


def _names(codes: np.ndarray, names: list[str]) -> pl.Series:
    return pl.Series(codes).replace_strict(list(range(len(names))), names, return_dtype=pl.String)
