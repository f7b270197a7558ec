"""The tailer parses a followed file's first line without its UTF-8 byte order mark, also
for a file that replaces it (rotation) and starts with one."""

from __future__ import annotations

import os

from tail_support import Collector, append

from logwatch.engine.sources.tail import TailSource

BOM = b"\xef\xbb\xbf"


def _entry(i: int) -> bytes:
    return b'{"timestamp": "2025-01-05T00:00:%02d", "server": "a", "component": "CPU", "value": %d}\n' % (i, i)


def _values(batch) -> tuple[list, list]:
    return [(0, v) for v in batch.frame["value"].to_list()], [(b.where, b.reason) for b in batch.bad_samples]


def test_first_lines_with_a_bom_are_entries(tmp_path):
    path = tmp_path / "app.jsonl"
    path.write_bytes(BOM + _entry(0) + _entry(1))
    source = TailSource(path, from_start=True, poll=True, poll_seconds=0.02)
    got = Collector(source, explode=_values).start()
    got.wait_count(2)
    os.rename(path, tmp_path / "app.jsonl.1")
    append(path, BOM + _entry(2))  # the new file after rotation starts with one too
    got.wait_count(3)
    assert [v for _, v in got.finish(source.stop)] == [0.0, 1.0, 2.0]
    assert got.skipped == []
