"""The generator's configuration as typed, validated values.

`config.json` keeps every key of the original design (`frequency_seconds`, `server_name`,
`components`, `value_range`, `patterns`, `anomalies`) and adds `servers` and `seed`.
"""

from __future__ import annotations

from dataclasses import dataclass

POINT_KINDS = ("spike", "drop", "over_usage")
"""Anomalies that replace values with draws from the kind's `value_range`."""
SHIFT_KINDS = ("drift", "level_shift")
"""Anomalies that move values by a `magnitude` (a ramp for drift, a step for level shift)."""
SHAPE_KINDS = ("flatline", "contextual", "correlation_break")
"""Anomalies that change the shape of the signal, not its range."""
ANOMALY_KINDS = POINT_KINDS + SHIFT_KINDS + SHAPE_KINDS


@dataclass(frozen=True)
class Server:
    name: str
    baseline: float
    """Multiplies every component's level, so servers differ."""


@dataclass(frozen=True)
class Pattern:
    """Time-of-day behaviour of one component (hours are 0-24, UTC)."""

    peak_hours: tuple[float, float]
    peak_value: float
    off_hours_value: float
    noise: float
    """Standard deviation of the per-entry noise, in value units."""
    load_coupling: float
    """0-1: how much this component follows the server's shared load (CPU and memory move together)."""
    trend_per_day: float
    """Slow linear trend, in value units per simulated day."""


@dataclass(frozen=True)
class AnomalyKind:
    name: str
    probability: float
    """Chance per server and time step that an episode of this kind starts."""
    components: tuple[str, ...]
    duration_seconds: tuple[float, float]
    value_range: tuple[float, float] | None = None
    magnitude: tuple[float, float] | None = None


@dataclass(frozen=True)
class GeneratorConfig:
    frequency_seconds: float
    servers: tuple[Server, ...]
    components: tuple[str, ...]
    value_range: dict[str, tuple[float, float]]
    patterns: dict[str, Pattern]
    anomalies: dict[str, AnomalyKind]
    seed: int

    @property
    def entries_per_step(self) -> int:
        return len(self.servers) * len(self.components)
