"""The log lines behind an incident, as they were written: from the file when tailing (with
its line numbers), from memory for the generator.

The file is searched backwards from its end in bounded blocks (incidents are recent), for
the line of the incident's peak entry: same server, component and timestamp (compared in
UTC, so any offset the writer used matches). Only JSON lines are recognised; a CSV log or
a line rotated away since gets a note instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from logwatch.engine.sources.backfill import count_lines, record_time

BLOCK_BYTES = 1 << 20
SEARCH_BYTES = 64 << 20
"""How far back from the end of the file the peak's line is looked for."""
CONTEXT_BYTES = 1 << 16
"""Bytes read on either side of the line found, for the lines around it."""
AROUND = 3
"""Lines shown before and after the peak's line."""
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class RawLine:
    number: int
    """1-based line number in the file (for the generator: the entry's number in the stream)."""
    text: str
    peak: bool = False


@dataclass(frozen=True, slots=True)
class RawLines:
    where: str
    """The file (or "generator (in memory)")."""
    lines: tuple[RawLine, ...] = ()
    note: str | None = None
    """Why there are no lines, when there are none."""


def lines_in_file(path: str, server: str, component: str, timestamp_us: int, *, around: int = AROUND,
                  search_bytes: int = SEARCH_BYTES) -> RawLines:
    """The peak entry's line in `path` and `around` lines either side."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as error:
        return RawLines(path, note=f"cannot open it ({error.strerror or error})")
    try:
        size = os.fstat(fd).st_size
        found = _find(fd, size, server.encode(), component.encode(), (server, component, timestamp_us), search_bytes)
        if found is None:
            return RawLines(path, note=f"the line is not in the last {min(size, search_bytes) / 2**20:.0f} MB "
                                       "of the file (rotated away, or not JSON lines)")
        return RawLines(path, _around(fd, size, *found, around))
    finally:
        os.close(fd)


def _find(fd: int, size: int, server: bytes, component: bytes, wanted: tuple[str, str, int],
          search_bytes: int) -> tuple[int, int] | None:
    """(start, end) of the newest line holding the wanted entry, searching backwards."""
    end, carry, stop = size, b"", max(0, size - search_bytes)
    while end > stop:
        begin = max(stop, end - BLOCK_BYTES)
        block = os.pread(fd, end - begin, begin) + carry
        cut = block.find(b"\n") + 1 if begin > stop else 0  # the first line may be partial
        carry = block[:cut]
        lines = block[cut:]
        at = len(lines)
        while at > 0:
            start = lines.rfind(b"\n", 0, at - 1) + 1
            line = lines[start:at]
            if server in line and component in line and _entry(line) == wanted:
                return begin + cut + start, begin + cut + at
            at = start
        end = begin
    return None


def _entry(line: bytes) -> tuple[str, str, int] | None:
    try:
        record = json.loads(line)
        server, component = record["server"], record["component"]
    except (ValueError, KeyError, TypeError):
        return None
    stamp = record_time(record)
    if stamp is None:
        return None
    return str(server), str(component), (stamp - EPOCH) // timedelta(microseconds=1)


def _around(fd: int, size: int, start: int, end: int, around: int) -> tuple[RawLine, ...]:
    begin = max(0, start - CONTEXT_BYTES)
    before = os.pread(fd, start - begin, begin).split(b"\n")[:-1]  # it ends where the line starts
    before = before[1:] if begin > 0 else before  # a partial first line
    before = before[-around:] if around else []
    after = os.pread(fd, min(CONTEXT_BYTES, size - end), end).split(b"\n")[:-1][:around]  # the last piece may be unfinished
    number = count_lines(fd, start) + 1
    line = os.pread(fd, end - start, start).rstrip(b"\n")
    rows = [RawLine(number - len(before) + i, _text(b)) for i, b in enumerate(before)]
    rows.append(RawLine(number, _text(line), peak=True))
    rows += [RawLine(number + 1 + i, _text(a)) for i, a in enumerate(after)]
    return tuple(rows)


def _text(line: bytes) -> str:
    return line.rstrip(b"\r").decode("utf-8", "replace")
