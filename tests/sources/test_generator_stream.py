"""The in-process generator as a live source: paced, whole steps, the same world as
`logwatch generate`, and a clean stop."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import polars as pl
import pytest

from logwatch.engine.config import load_config
from logwatch.engine.errors import UserError
from logwatch.engine.generate import Simulator
from logwatch.engine.sources.base import Source
from logwatch.engine.sources.generator_stream import GeneratorSource

START = datetime(2025, 1, 5, 12)


def _take(source: GeneratorSource, batches: int, pause: float = 0.0) -> list:
    taken = []
    for batch in source:
        taken.append(batch)
        if len(taken) == batches:
            break
        time.sleep(pause)
    return taken


def test_batches_continue_one_simulated_world_in_whole_steps():
    config = load_config(None)
    source = GeneratorSource(config, seed=4, start=START, speed=20_000, batches_per_second=20)
    assert isinstance(source, Source)
    taken = _take(source, 4)
    assert all(len(b) % config.entries_per_step == 0 and len(b) > 0 for b in taken)
    frame = pl.concat([b.frame for b in taken])
    assert frame.equals(Simulator(config, seed=4, start=START).next_rows(frame.height))
    assert {"anomalous", "anomaly_type"} <= set(frame.columns)
    assert all(b.bad_lines == 0 for b in taken)


def test_rate_and_speed_are_two_views_of_one_pace():
    config = load_config(None)
    per_second = config.entries_per_step / config.frequency_seconds
    by_speed = GeneratorSource(config, speed=360)
    assert by_speed.rate == pytest.approx(360 * per_second)
    by_rate = GeneratorSource(config, rate=900)
    assert by_rate.speed == pytest.approx(900 / per_second)
    assert GeneratorSource(config).speed == 360  # a day in four minutes by default
    with pytest.raises(UserError, match="not both"):
        GeneratorSource(config, rate=10, speed=10)
    with pytest.raises(UserError, match="rate"):
        GeneratorSource(config, rate=-1)


def test_never_ahead_of_the_clock_and_no_flood_after_a_slow_consumer(monkeypatch):
    monkeypatch.setattr("logwatch.engine.sources.generator_stream.MAX_LAG_SECONDS", 0.1)
    config = load_config(None)
    source = GeneratorSource(config, seed=1, start=START, rate=9_000, batches_per_second=10)
    started = time.monotonic()
    taken = _take(source, 3, pause=0.6)  # the consumer dawdles between batches
    elapsed = time.monotonic() - started
    assert source.sent <= 9_000 * elapsed + config.entries_per_step
    # After a 0.6 s pause the next batch holds at most the allowed lag plus one interval.
    assert max(len(b) for b in taken[1:]) <= 9_000 * (0.1 + 0.1) + 2 * config.entries_per_step


def test_stop_from_another_thread_ends_iteration():
    source = GeneratorSource(load_config(None), speed=60)
    threading.Timer(0.3, source.stop).start()
    finished = threading.Event()

    def drain() -> None:
        for _ in source:
            pass
        finished.set()

    threading.Thread(target=drain, daemon=True).start()
    assert finished.wait(10)
    assert source.status.startswith("generating")
