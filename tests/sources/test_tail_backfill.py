"""Where following starts in a file that already exists."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

import pytest

from logwatch.engine.sources.backfill import Backfill, count_lines, start_offset


def _write(tmp_path, data: bytes):
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    return fd, len(data)


def _entries(count: int, start=datetime(2025, 1, 5), every=timedelta(seconds=1)) -> bytes:
    lines = []
    for i in range(count):
        stamp = (start + i * every).isoformat(timespec="microseconds")
        lines.append(json.dumps({"timestamp": stamp, "server": "s", "component": "CPU", "value": i}))
    return ("\n".join(lines) + "\n").encode()


def _rest(fd: int, offset: int, size: int) -> bytes:
    return os.pread(fd, size - offset, offset)


@pytest.mark.parametrize("block", [None, 7])
def test_last_n_lines_and_a_partial_tail(tmp_path, block, monkeypatch):
    if block:  # tiny blocks: lines span many reads
        monkeypatch.setattr("logwatch.engine.sources.backfill.BLOCK_BYTES", block)
    data = b"".join(b"line %d\n" % i for i in range(100)) + b"partial"
    fd, size = _write(tmp_path, data)
    offset = start_offset(fd, size, Backfill(lines=3))
    assert _rest(fd, offset, size) == b"line 97\nline 98\nline 99\npartial"
    assert count_lines(fd, offset) == 97
    assert start_offset(fd, size, Backfill(lines=1000)) == 0
    assert _rest(fd, start_offset(fd, size, Backfill(lines=0)), size) == b"partial"
    assert _rest(fd, start_offset(fd, size, Backfill(lines=None)), size) == b"partial"


def test_last_minutes_counted_from_the_newest_entry(tmp_path):
    fd, size = _write(tmp_path, _entries(600))  # ten minutes, one entry per second
    offset = start_offset(fd, size, Backfill(lines=None, minutes=2))
    values = [json.loads(line)["value"] for line in _rest(fd, offset, size).splitlines()]
    assert values == list(range(479, 600))  # 599 - 120 s = 479 is the first not older
    both = start_offset(fd, size, Backfill(lines=10, minutes=2))
    assert len(_rest(fd, both, size).splitlines()) == 10


def test_minutes_skip_unparsable_lines_and_an_empty_file(tmp_path):
    fd, size = _write(tmp_path, _entries(5) + b"not json\n")
    assert start_offset(fd, size, Backfill(lines=None, minutes=60)) == 0
    empty, zero = _write(tmp_path, b"")
    assert start_offset(empty, zero, Backfill()) == 0
