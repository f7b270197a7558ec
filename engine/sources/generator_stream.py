"""The synthetic generator as a live source: the same simulated world as
`logwatch generate`, paced on the wall clock and sped up, so a demo shows a day's
patterns in minutes. Batches hold whole time steps (every server and component).

`speed` is simulated seconds per real second; `rate` is entries per real second; one
follows from the other (`rate = speed * entries_per_step / frequency_seconds`), so give at
most one. Entries come in a few batches a second, never one by one.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from logwatch.engine.batch import Batch
from logwatch.engine.config import GeneratorConfig
from logwatch.engine.errors import UserError

DEFAULT_SPEED = 360.0
"""Simulated seconds per real second by default: one simulated day in four minutes."""
BATCHES_PER_SECOND = 4.0
MAX_LAG_SECONDS = 2.0
"""A consumer further behind than this does not get a flood: simulated time slows down."""


class GeneratorSource:
    """Generated entries, as many as are due on the wall clock.

    Args:
        config: the generator config (`load_config(None)` gives the shipped one).
        seed: random seed (default: the config's).
        start: first simulated timestamp (default: now, UTC, whole seconds).
        rate: entries per real second; or
        speed: simulated seconds per real second (default DEFAULT_SPEED when neither).
        batches_per_second: how often a batch is handed out.
    """

    def __init__(
        self,
        config: GeneratorConfig,
        *,
        seed: int | None = None,
        start: datetime | None = None,
        rate: float | None = None,
        speed: float | None = None,
        batches_per_second: float = BATCHES_PER_SECOND,
    ) -> None:
        from logwatch.engine.generate import Simulator

        if rate is not None and speed is not None:
            raise UserError("give either a rate (entries/s) or a speed (simulated s per s), not both")
        for name, value in (("rate", rate), ("speed", speed), ("batches_per_second", batches_per_second)):
            if value is not None and not (value > 0 and math.isfinite(value)):
                raise UserError(f"{name}: expected a positive number, got {value!r}")
        per_second = config.entries_per_step / config.frequency_seconds  # at speed 1
        self.rate = rate if rate is not None else (speed or DEFAULT_SPEED) * per_second
        """Entries per real second."""
        self.speed = self.rate / per_second
        """Simulated seconds per real second."""
        if start is None:
            start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        self.simulator = Simulator(config, seed=seed, start=start)
        self.name = f"generator {self.speed:g}x"
        self.sent = 0
        """Entries handed out so far."""
        self._interval = 1.0 / batches_per_second
        self._stop = threading.Event()

    @property
    def simulated_now(self) -> datetime:
        """Simulated time reached by the entries handed out so far."""
        steps = self.sent / self.simulator.entries_per_step
        return self.simulator.start + timedelta(seconds=steps * self.simulator.config.frequency_seconds)

    @property
    def status(self) -> str:
        return (
            f"generating {self.rate:,.0f} entries/s ({self.speed:g}x simulated time), "
            f"at {self.simulated_now:%Y-%m-%d %H:%M}"
        )

    def stop(self) -> None:
        self._stop.set()

    def __iter__(self) -> Iterator[Batch]:
        started = time.monotonic()
        while not self._stop.wait(self._interval):
            due = math.floor((time.monotonic() - started) * self.rate)
            behind = due - self.sent - self.rate * MAX_LAG_SECONDS
            if behind > 0:  # the consumer fell behind: shift the clock instead of flooding
                started += behind / self.rate
                due -= math.floor(behind)
            due -= due % self.simulator.entries_per_step  # whole time steps only
            if due > self.sent:
                frame = self.simulator.next_rows(due - self.sent)
                self.sent = due
                yield Batch(frame)
