"""The point-wise recall bound that bench.quality reports next to the drift recall."""

from __future__ import annotations

import dataclasses
from statistics import NormalDist

import pytest

from bench.quality.bound import pointwise_recall_bound
from logwatch.engine.config import load_config

RATE = 0.001
Z = NormalDist().inv_cdf(1 - RATE / 2)


def _with_kind(kind: str, **changes):
    config = load_config(None)
    spec = dataclasses.replace(config.anomalies[kind], **changes)
    return dataclasses.replace(config, anomalies={**config.anomalies, kind: spec})


def test_a_shift_of_exactly_z_noise_widths_is_caught_half_the_time() -> None:
    sigma = load_config(None).patterns["Memory"].noise
    config = _with_kind("level_shift", components=("Memory",), magnitude=(Z * sigma, Z * sigma))
    assert pointwise_recall_bound(config, "level_shift", RATE, episodes=50) == pytest.approx(0.5, abs=1e-6)


def test_a_tiny_shift_is_caught_no_more_often_than_the_false_alarm_rate() -> None:
    config = _with_kind("drift", magnitude=(1e-6, 1e-6))
    assert pointwise_recall_bound(config, "drift", RATE, episodes=50) == pytest.approx(RATE, rel=1e-3)


def test_a_drift_is_harder_than_a_level_shift_of_the_same_height() -> None:
    drift = pointwise_recall_bound(_with_kind("drift", magnitude=(20.0, 20.0)), "drift", RATE, episodes=200)
    shift = pointwise_recall_bound(
        _with_kind("level_shift", components=("Memory",), magnitude=(20.0, 20.0)), "level_shift", RATE,
        episodes=200,
    )
    assert shift > 0.999
    assert 0.5 < drift < shift


def test_a_wider_noise_lowers_the_bound_and_other_kinds_are_refused() -> None:
    config = load_config(None)
    assert pointwise_recall_bound(config, "drift", RATE, noise_factor=1.5, episodes=300) < pointwise_recall_bound(
        config, "drift", RATE, episodes=300
    )
    with pytest.raises(ValueError, match="spike"):
        pointwise_recall_bound(config, "spike", RATE)
