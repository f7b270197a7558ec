"""Time steps: how long one is and where its boundaries fall, learned from the data.

Entries of one tick rarely share a timestamp (a writer logs CPU, then Memory a millisecond
later), so steps are centred on the typical offset of entries within a step (the *phase*):
step k holds the entries within half a step of `k * step + phase`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from logwatch.engine.errors import UserError


@dataclass(frozen=True, slots=True)
class StepGrid:
    """Step length and phase in microseconds since the Unix epoch (naive UTC)."""

    step_us: int
    phase_us: int = 0

    @property
    def step_seconds(self) -> float:
        return self.step_us / 1e6

    def step_ids(self, timestamp: pl.Expr) -> pl.Expr:
        """Integer step index of each timestamp (Datetime("us") expression)."""
        shifted = timestamp.cast(pl.Int64) - self.phase_us + self.step_us // 2
        return (shifted // self.step_us).alias("step")

    def step_times_us(self, steps: np.ndarray) -> np.ndarray:
        """Centre time of each step, microseconds since the epoch."""
        return steps.astype(np.int64) * self.step_us + self.phase_us


def infer_step_seconds(frame: pl.DataFrame) -> float:
    """The typical spacing of consecutive entries of one server's component (median).

    Raises UserError when no series has two distinct timestamps.
    """
    diffs = (
        frame.select("server", "component", pl.col("timestamp").cast(pl.Int64).alias("t"))
        .sort("server", "component", "t")
        .select(pl.col("t").diff().over("server", "component").alias("d"))
        .filter(pl.col("d") > 0)["d"]
    )
    if diffs.len() == 0:
        raise UserError("cannot learn the time step: no series has two distinct timestamps")
    step_us = float(diffs.median())  # type: ignore[arg-type]
    return _round_step(step_us) / 1e6


def _round_step(step_us: float) -> int:
    """Whole seconds for steps of a second or more, whole milliseconds below."""
    unit = 1_000_000 if step_us >= 1_000_000 else 1_000
    return max(unit, int(round(step_us / unit)) * unit)


def infer_phase_us(frame: pl.DataFrame, step_us: int) -> int:
    """The circular mean of timestamps modulo the step (robust to wrap-around at 0)."""
    if frame.height == 0:
        return 0
    t = frame["timestamp"].cast(pl.Int64).to_numpy()
    angle = (t % step_us) * (2 * math.pi / step_us)
    mean = math.atan2(float(np.sin(angle).mean()), float(np.cos(angle).mean()))
    return int(round((mean % (2 * math.pi)) * step_us / (2 * math.pi))) % step_us


def infer_grid(frame: pl.DataFrame, step_seconds: float | None = None) -> StepGrid:
    """The grid for `frame`: the given step (from config or a bundle) or the learned one."""
    step = step_seconds if step_seconds else infer_step_seconds(frame)
    step_us = int(round(step * 1e6))
    if step_us <= 0:
        raise UserError(f"step_seconds must be positive, got {step_seconds}")
    return StepGrid(step_us, infer_phase_us(frame, step_us))
