"""Headless: scored frames in, the incidents they open handed to a notifier."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from logwatch.engine.monitor.incidents import IncidentOpener
from logwatch.engine.notify.notifier import Notifier


def notify_scored(notifier: Notifier) -> Callable[[pl.DataFrame], None]:
    """A `run_headless(on_scored=...)` hook: each frame's new incidents go to `notifier`
    (entries that join an incident already open notify nothing)."""
    opener = IncidentOpener()

    def take(scored: pl.DataFrame) -> None:
        for incident in opener.update(scored):
            notifier.submit(incident)

    return take
