"""TailSource: the tailer's lines parsed into Batches, bad lines counted with their place."""

from __future__ import annotations

import os

from tail_support import Collector, append

from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.tail import TailSource


def _entry(i: int, end: bytes = b"\n") -> bytes:
    return (
        b'{"timestamp": "2025-01-05T00:00:%02d", "server": "server_1", "component": "CPU", '
        b'"value": %d}' % (i % 60, i) + end
    )


def _batches(batch) -> tuple[list, list]:
    values = [(0, v) for v in batch.frame.get_column("value").to_list()]
    return values, [(b.where, b.reason) for b in batch.bad_samples] + [("count", batch.bad_lines)]


def _start(path, **options) -> tuple[TailSource, Collector]:
    source = TailSource(path, **options)
    return source, Collector(source, explode=_batches).start()


def _bad(collector: Collector) -> tuple[list, int]:
    places = [s for s in collector.skipped if s[0] != "count"]
    return places, sum(n for where, n in collector.skipped if where == "count")


def test_bad_lines_are_counted_with_their_line_numbers_after_a_backfill(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(b"".join(_entry(i) for i in range(100)))
    source, got = _start(path, backfill=Backfill(lines=2))
    got.wait_count(2)
    append(path, b"not json\n" + _entry(100, b"\r\n") + b"\xff\xfe\x00binary\n")
    append(path, b'{"timestamp": "2025-01-05T00:00:00", "server": "s", "value": 1}\n')
    append(path, b"{" + b"x" * ((1 << 20) + 1) + b"}\n" + _entry(101))
    got.wait_count(4)
    got.finish(source.stop)
    assert [v for _, v in got.lines()] == [98.0, 99.0, 100.0, 101.0]
    places, count = _bad(got)
    where = str(path)
    assert count == 4
    assert places == [
        (f"{where}:101", "not JSON"),
        (f"{where}:103", "invalid UTF-8"),
        (f"{where}:104", "missing field 'component'"),
        (f"{where}:105", "line longer than 1 MiB"),
    ]


def test_each_file_gets_its_own_format_and_numbering(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_bytes(b"timestamp,value\n2025-01-05T00:00:00,1\n")
    source, got = _start(path, from_start=True)
    got.wait_count(1)
    os.rename(path, tmp_path / "metrics.csv.1")
    append(path, _entry(7) + b"oops\n")  # the new file is JSON lines
    got.wait_count(2)
    got.finish(source.stop)
    assert [v for _, v in got.lines()] == [1.0, 7.0]
    assert _bad(got) == ([(f"{path}:2", "not JSON")], 1)


def test_status_and_name_say_what_the_source_does(tmp_path):
    path = tmp_path / "app.log"
    source, got = _start(path)
    got.wait_for(lambda _: source.status.startswith("waiting for"), "the waiting status")
    path.write_bytes(_entry(1))
    got.wait_count(1)
    assert source.status == f"following {path}"
    assert source.name == f"tail {path}"
    got.finish(source.stop)
