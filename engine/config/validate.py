"""Turns a parsed config.json into a GeneratorConfig, or one clear error.

Every error names the key path (`anomalies.spike.probability`) and what was expected.
"""

from __future__ import annotations

import math
from typing import Any

from logwatch.engine.config.schema import (
    ANOMALY_KINDS,
    POINT_KINDS,
    SHIFT_KINDS,
    AnomalyKind,
    GeneratorConfig,
    Pattern,
    Server,
)
from logwatch.engine.errors import UserError


class ConfigError(UserError):
    """A config value is missing, unknown or of the wrong shape."""


TOP_KEYS = {"frequency_seconds", "server_name", "servers", "seed", "components",
            "value_range", "patterns", "anomalies"}
PATTERN_DEFAULTS = {"noise": 1.0, "load_coupling": 0.5, "trend_per_day": 0.0}
PATTERN_KEYS = {"peak_hours", "peak_value", "off_hours_value"} | set(PATTERN_DEFAULTS)
ANOMALY_KEYS = {"probability", "components", "duration_seconds", "value_range", "magnitude"}


def _fail(path: str, expected: str, got: Any) -> ConfigError:
    return ConfigError(f"{path}: expected {expected}, got {got!r}")


def _mapping(value: Any, path: str, allowed: set[str] | None = None) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, "an object", value)
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise ConfigError(f"{path}.{key}: unknown key (expected one of {', '.join(sorted(allowed))})")
    return value


def _number(value: Any, path: str, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(path, "a number", value)
    if not low <= value <= high:
        raise _fail(path, f"a number in [{low:g}, {high:g}]", value)
    return float(value)


def _range(value: Any, path: str, low: float = -math.inf, high: float = math.inf) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(path, "[min, max]", value)
    lo = _number(value[0], f"{path}[0]", low, high)
    hi = _number(value[1], f"{path}[1]", low, high)
    if lo > hi:
        raise ConfigError(f"{path}: min {lo:g} is greater than max {hi:g}")
    return lo, hi


def _name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "a non-empty string", value)
    return value


def _required(raw: dict, key: str, path: str) -> Any:
    if key not in raw:
        raise ConfigError(f"{path}{key}: missing (required)")
    return raw[key]


def _servers(raw: dict) -> tuple[Server, ...]:
    if "servers" not in raw:
        return (Server(_name(_required(raw, "server_name", ""), "server_name"), 1.0),)
    items = raw["servers"]
    if not isinstance(items, list) or not items:
        raise _fail("servers", "a non-empty list", items)
    servers = []
    for i, item in enumerate(items):
        path = f"servers[{i}]"
        item = _mapping(item, path, {"name", "baseline"})
        name = _name(_required(item, "name", f"{path}."), f"{path}.name")
        baseline = _number(item.get("baseline", 1.0), f"{path}.baseline", 0.01, 100)
        servers.append(Server(name, baseline))
    names = [s.name for s in servers]
    if len(set(names)) != len(names):
        raise ConfigError(f"servers: names must be unique, got {names}")
    return tuple(servers)


def _components(raw: dict) -> tuple[str, ...]:
    items = _required(raw, "components", "")
    if not isinstance(items, list) or not items:
        raise _fail("components", "a non-empty list of names", items)
    names = tuple(_name(c, f"components[{i}]") for i, c in enumerate(items))
    if len(set(names)) != len(names):
        raise ConfigError(f"components: names must be unique, got {list(names)}")
    return names


def _per_component(raw: dict, key: str, components: tuple[str, ...]) -> dict:
    table = _mapping(_required(raw, key, ""), key, set(components))
    for name in components:
        if name not in table:
            raise ConfigError(f"{key}.{name}: missing (every component needs one)")
    return table


def _pattern(raw: Any, path: str) -> Pattern:
    raw = _mapping(raw, path, PATTERN_KEYS)
    start, end = _range(_required(raw, "peak_hours", f"{path}."), f"{path}.peak_hours", 0, 24)
    values = {k: raw.get(k, d) for k, d in PATTERN_DEFAULTS.items()}
    return Pattern(
        peak_hours=(start, end),
        peak_value=_number(_required(raw, "peak_value", f"{path}."), f"{path}.peak_value"),
        off_hours_value=_number(_required(raw, "off_hours_value", f"{path}."), f"{path}.off_hours_value"),
        noise=_number(values["noise"], f"{path}.noise", 0),
        load_coupling=_number(values["load_coupling"], f"{path}.load_coupling", 0, 1),
        trend_per_day=_number(values["trend_per_day"], f"{path}.trend_per_day"),
    )


def _anomaly(kind: str, raw: Any, components: tuple[str, ...]) -> AnomalyKind:
    path = f"anomalies.{kind}"
    raw = _mapping(raw, path, ANOMALY_KEYS)
    targets = raw.get("components", list(components))
    if not isinstance(targets, list) or not targets:
        raise _fail(f"{path}.components", "a non-empty list of component names", targets)
    for i, name in enumerate(targets):
        if name not in components:
            raise _fail(f"{path}.components[{i}]", f"one of {', '.join(components)}", name)
    value_range = magnitude = None
    if kind in POINT_KINDS:
        value_range = _range(_required(raw, "value_range", f"{path}."), f"{path}.value_range")
    elif "value_range" in raw:
        raise ConfigError(f"{path}.value_range: only spike, drop and over_usage take a value_range")
    if kind in SHIFT_KINDS:
        magnitude = _range(_required(raw, "magnitude", f"{path}."), f"{path}.magnitude", 0)
    elif "magnitude" in raw:
        raise ConfigError(f"{path}.magnitude: only drift and level_shift take a magnitude")
    return AnomalyKind(
        name=kind,
        probability=_number(raw.get("probability", 0.0), f"{path}.probability", 0, 1),
        components=tuple(targets),
        duration_seconds=_range(raw.get("duration_seconds", [0, 0]), f"{path}.duration_seconds", 0),
        value_range=value_range,
        magnitude=magnitude,
    )


def validate_config(raw: Any) -> GeneratorConfig:
    """Check every key of a parsed config.json; raise ConfigError naming the first problem."""
    raw = _mapping(raw, "config", TOP_KEYS)
    components = _components(raw)
    ranges = {c: _range(v, f"value_range.{c}") for c, v in _per_component(raw, "value_range", components).items()}
    patterns = {c: _pattern(v, f"patterns.{c}") for c, v in _per_component(raw, "patterns", components).items()}
    anomalies_raw = _mapping(raw.get("anomalies", {}), "anomalies", set(ANOMALY_KINDS))
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise _fail("seed", "a whole number >= 0", seed)
    if "server_name" in raw:
        _name(raw["server_name"], "server_name")
    return GeneratorConfig(
        frequency_seconds=_number(_required(raw, "frequency_seconds", ""), "frequency_seconds", 0.001, 86400),
        servers=_servers(raw),
        components=components,
        value_range=ranges,
        patterns=patterns,
        anomalies={k: _anomaly(k, v, components) for k, v in anomalies_raw.items()},
        seed=seed,
    )
