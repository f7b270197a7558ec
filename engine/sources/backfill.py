"""Where to start reading a file that already exists: the recent past, then follow.

The file is read backwards in bounded blocks (never mmap, never whole) to find the start
of the last N complete lines, or of the lines written in the last T minutes before the
newest entry (entry time, not wall-clock time, so an old file still shows its tail).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from logwatch.engine.errors import UserError
from logwatch.engine.parse.timestamps import EARLIEST, LATEST

BLOCK_BYTES = 1 << 16
MAX_PROBE_BYTES = 1 << 16
"""A line is read at most this far to find its timestamp."""


@dataclass(frozen=True)
class Backfill:
    """How much of an existing file to read before following it.

    Args:
        lines: at most this many of the last complete lines (None: no limit).
        minutes: at most the lines within this many minutes of the newest entry's
            timestamp (None: no limit). With both limits the smaller backfill wins;
            with neither, reading starts at the end of the file.
    """

    lines: int | None = 10_000
    minutes: float | None = None

    @classmethod
    def parse(cls, text: str) -> Backfill:
        """From a command-line value: "500" (entries), "15m" or "2h" (time before the
        newest entry), "0" (none: only new lines)."""
        value = text.strip().lower()
        unit = {"m": 1.0, "h": 60.0}.get(value[-1:], 0.0)
        number = value[:-1] if unit else value
        try:
            amount = float(number) if unit else int(number)
        except ValueError:
            amount = -1
        if amount < 0 or (unit and not math.isfinite(amount)):
            raise UserError(
                f"--backfill: expected a number of entries (500), or minutes or hours before "
                f"the newest entry (15m, 2h), got {text!r}"
            )
        return cls(lines=None, minutes=amount * unit) if unit else cls(lines=int(amount))


def start_offset(fd: int, size: int, backfill: Backfill) -> int:
    """Byte offset of the first line to read; a partial last line is always included."""
    lines = 0 if backfill.lines is None and backfill.minutes is None else backfill.lines
    cutoff: datetime | None = None
    for index, (begin, end) in enumerate(_complete_lines_backward(fd, size)):
        if lines is not None and index >= lines:
            return end + 1
        if backfill.minutes is not None:
            stamp = _timestamp(os.pread(fd, min(end - begin, MAX_PROBE_BYTES), begin))
            if stamp is None:
                continue
            if cutoff is None:
                cutoff = stamp - timedelta(minutes=backfill.minutes)
            elif stamp < cutoff:
                return end + 1
    return 0


def count_lines(fd: int, stop: int) -> int:
    """Newlines in the first `stop` bytes, read in bounded blocks."""
    count, at = 0, 0
    while at < stop:
        block = os.pread(fd, min(1 << 20, stop - at), at)
        if not block:
            break
        count += block.count(b"\n")
        at += len(block)
    return count


def _complete_lines_backward(fd: int, size: int) -> Iterator[tuple[int, int]]:
    """(start, newline position) of each complete line, newest first."""
    newline: int | None = None
    end = size
    while end > 0:
        begin = max(0, end - BLOCK_BYTES)
        block = os.pread(fd, end - begin, begin)
        at = len(block)
        while (at := block.rfind(b"\n", 0, at)) >= 0:
            if newline is not None:
                yield begin + at + 1, newline
            newline = begin + at
        end = begin
    if newline is not None:
        yield 0, newline


def _timestamp(line: bytes) -> datetime | None:
    """The entry's timestamp as naive UTC, or None for a line that is not an entry."""
    try:
        return record_time(json.loads(line))
    except ValueError:
        return None


def record_time(record: object) -> datetime | None:
    """A parsed JSON entry's timestamp as naive UTC, or None when it has none the parser
    would accept (missing, not ISO 8601, out of range)."""
    try:
        stamp = datetime.fromisoformat(record["timestamp"])  # type: ignore[index]
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None
    return stamp if EARLIEST <= stamp <= LATEST else None  # else a bad line, as the parser says
