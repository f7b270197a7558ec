"""The source `logwatch tui` reads: the file named on the command line, or the generator.

Interim generator stream (until `logwatch.engine.sources` provides one): the simulator
paced on the wall clock at `options.speed` simulated seconds per second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from logwatch.engine.batch import Batch
from logwatch.tui.options import MonitorOptions

TICK_SECONDS = 0.05


class PacedGenerator:
    """Simulated entries, as many as are due at `speed` times real time."""

    def __init__(self, config_path: str | None, speed: float, seed: int | None) -> None:
        from datetime import datetime, timezone

        from logwatch.engine.config import load_config
        from logwatch.engine.generate import Simulator

        config = load_config(config_path)
        now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        self.simulator = Simulator(config, seed=seed, start=now)
        self.rate = speed * config.entries_per_step / config.frequency_seconds
        self._stop = threading.Event()

    def __iter__(self) -> Iterator[Batch]:
        started, sent = time.monotonic(), 0
        while not self._stop.is_set():
            due = int((time.monotonic() - started) * self.rate)
            if due > sent:
                yield Batch(self.simulator.next_rows(due - sent))
                sent = due
            self._stop.wait(TICK_SECONDS)

    def stop(self) -> None:
        self._stop.set()


def open_source(options: MonitorOptions):
    if options.source is None:
        return PacedGenerator(options.config, options.speed, options.seed)
    raise NotImplementedError("file tailing arrives with logwatch.engine.sources")
