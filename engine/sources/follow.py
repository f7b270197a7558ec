"""Headless `--follow`: tail a file until SIGINT or SIGTERM, then finish cleanly.

The first signal stops the tailer; the headless runner then scores and writes everything
already read, flushes the scorer and closes the export (CSV and JSON lines grew row by
row all along; Parquet is written now). A second Ctrl-C interrupts at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from logwatch.engine.errors import UserError
from logwatch.engine.export import ExportWriter, open_writer
from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.tail import TailSource


def follow_batches(
    path: str | None, *, from_start: bool = False, poll: bool = False, backfill: str | None = None
) -> TailSource:
    """A tailer for `path` whose notices go to stderr; SIGINT/SIGTERM stop it (when
    called from the main thread, where Python delivers signals)."""
    if path is None or path == "-":
        raise UserError("--follow needs a log file path (standard input cannot be followed)")
    if path.endswith(".gz"):
        raise UserError(f"--follow {path}: a compressed file cannot be followed")
    source = TailSource(
        path,
        from_start=from_start,
        backfill=Backfill() if backfill is None else Backfill.parse(backfill),
        poll=poll,
        on_notice=lambda message: print(f"logwatch: {message}", file=sys.stderr, flush=True),
    )
    if threading.current_thread() is threading.main_thread():
        _stop_on_signals(source)
    return source


def open_follow_export(path: str | Path, *, labels: bool) -> ExportWriter:
    """CSV and JSON lines: a fresh OUT that grows as entries are scored, whole rows at a
    time. Parquet cannot grow: it is written when following ends."""
    if str(path).lower().endswith(".parquet"):
        return open_writer(path, labels=labels)
    try:
        os.unlink(path)  # like a run without --follow, OUT holds this run's rows only
    except FileNotFoundError:
        pass
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None
    return open_writer(path, labels=labels, append=True)


def _stop_on_signals(source: TailSource) -> None:
    def stop(signum: int, frame: object) -> None:
        if signum == signal.SIGINT:  # a second Ctrl-C is the usual way out
            signal.signal(signal.SIGINT, signal.default_int_handler)
        source.stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
