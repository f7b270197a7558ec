"""Writing generated entries on a clock: as fast as possible, or paced in real time.

Live output is written in whole lines only (each write ends with a newline and is flushed),
so another process tailing the file never sees a partial entry.
"""

from __future__ import annotations

import math
import threading
import time
from typing import BinaryIO

from logwatch.engine.generate.encode import encode_json_lines
from logwatch.engine.generate.simulator import Simulator

FAST_CHUNK_ROWS = 200_000
"""Entries encoded and written per chunk in fast mode (bounds memory)."""
LIVE_TICK_SECONDS = 0.05
"""Longest sleep between two live writes."""


def write_fast(sim: Simulator, out: BinaryIO, rows: int) -> int:
    """Write `rows` entries as fast as possible; return how many were written."""
    written = 0
    while written < rows:
        n = min(FAST_CHUNK_ROWS, rows - written)
        out.write(encode_json_lines(sim.next_rows(n)))
        written += n
    out.flush()
    return written


def write_live(sim: Simulator, out: BinaryIO, rows_per_second: float, rows: int | None,
               stop: threading.Event) -> int:
    """Write entries when they are due in real time until `rows` are written or `stop` is set.

    A time step's entries (every server and component) are written together when its first
    entry is due, as servers that report each interval do; spread out at the average rate,
    the last entry of a step would reach the file up to a whole step after its timestamp.
    """
    per_step = max(1, sim.entries_per_step)
    started = time.monotonic()
    written = 0
    while not stop.is_set() and (rows is None or written < rows):
        due = math.floor((time.monotonic() - started) * rows_per_second) + 1
        due = math.ceil(due / per_step) * per_step
        if rows is not None:
            due = min(due, rows)
        if due > written:
            out.write(encode_json_lines(sim.next_rows(due - written)))
            out.flush()
            written = due
        wait = (written / rows_per_second) - (time.monotonic() - started)
        stop.wait(min(LIVE_TICK_SECONDS, max(wait, 0.001)))
    return written
