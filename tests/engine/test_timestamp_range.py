"""Entry times outside 1970-01-01..2200-01-01 once in UTC are bad lines: year 0001 or 9999
with a zone used to be exported as `0000-12-31T19:00:00` or `+10000-01-01T...`, which
nothing reads back."""

from __future__ import annotations

import os

import polars as pl
from engine_support import run_cli

from logwatch.engine.parse import parse_lines
from logwatch.engine.sources.backfill import Backfill, start_offset

RANGE = "outside 1970-01-01..2200-01-01 UTC"


def _line(stamp: str, value: int = 1) -> bytes:
    return (b'{"timestamp": "%s", "server": "a", "component": "CPU", "value": %d}\n'
            % (stamp.encode(), value))


def test_times_outside_the_range_are_bad_lines_with_that_reason():
    stamps = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "1969-12-31T23:59:59",
              "2200-01-01T00:00:01", "1970-01-01T01:00:00+02:00",  # 23:00 the day before, in UTC
              "1970-01-01T00:00:00", "2200-01-01T00:00:00", "2199-12-31T20:00:00-04:00",
              "2025-01-05T00:00:00"]
    batch = parse_lines(b"".join(_line(s) for s in stamps), where="log", first_line=1)
    assert [(b.where, b.reason) for b in batch.bad_samples] == [
        (f"log:{i + 1}", f"timestamp {stamps[i]!r} {RANGE}") for i in range(5)
    ]
    assert batch.bad_lines == 5
    assert batch.frame["timestamp"].dt.year().to_list() == [1970, 2200, 2200, 2025]


def test_export_skips_them_and_reads_back(tmp_path):
    log, out = tmp_path / "log.jsonl", tmp_path / "out.csv"
    good = [_line(f"2025-01-05T00:{m:02d}:00", m) for m in range(40)]
    log.write_bytes(_line("0001-01-01T00:00:00+05:00") + b"".join(good)
                    + _line("9999-12-31T23:00:00-05:00"))
    done = run_cli("tui", str(log), "--export", str(out), "--all", "--detector", "zscore")
    assert done.returncode == 0, done.stderr.decode()
    errors = done.stderr.decode().splitlines()
    assert f"logwatch: skipped {log}:1: timestamp '0001-01-01T00:00:00+05:00' {RANGE}" in errors
    assert f"logwatch: skipped {log}:42: timestamp '9999-12-31T23:00:00-05:00' {RANGE}" in errors
    assert "read 40 entries, 2 bad lines skipped" in done.stdout.decode()
    back = pl.read_csv(out, infer_schema=False)["timestamp"]
    assert back.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=True).dt.year().unique().to_list() == [2025]


def test_time_backfill_passes_over_them(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(_line(f"2025-01-05T00:{m:02d}:00", m) for m in range(30))
                     + _line("9999-12-31T23:00:00-05:00") + _line("0001-01-01T00:00:00+05:00"))
    fd = os.open(path, os.O_RDONLY)
    try:
        offset = start_offset(fd, os.fstat(fd).st_size, Backfill(lines=None, minutes=10))
    finally:
        os.close(fd)
    assert path.read_bytes()[offset:].startswith(_line("2025-01-05T00:19:00", 19))
