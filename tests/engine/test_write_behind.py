"""The export's writer thread: rows exactly once and in order, errors raised in the caller,
abort leaves nothing; and the headless runner's threads change no byte of the output."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import polars as pl
import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.export import WriteBehind, open_writer
from logwatch.engine.headless import run_headless
from logwatch.engine.parse import read_batches
from logwatch.engine.score import Scorer
from logwatch.engine.detect import ZScoreDetector


def _frames(count: int, rows: int) -> list[pl.DataFrame]:
    """Scored-looking frames whose `value` numbers the rows; thresholds vary between and
    inside frames (the TUI may change the threshold; a batch may mix)."""
    t0 = datetime(2025, 1, 5)
    out = []
    for f in range(count):
        ids = range(f * rows, (f + 1) * rows)
        threshold = [0.1 + 0.2] * rows if f % 3 else [6.0 + (i % 2) * 1e-7 for i in ids]
        out.append(pl.DataFrame({
            "timestamp": [t0 + timedelta(seconds=i, microseconds=i) for i in ids],
            "server": ["server_1"] * rows, "component": ["CPU"] * rows,
            "value": [float(i) for i in ids], "anomalous": [i % 7 == 0 for i in ids],
            "score": [i / 3 for i in ids], "threshold": threshold,
            "predicted": [i % 5 == 0 for i in ids], "reason": [f"CPU {i}, as usual" for i in ids],
            "expected": [0.0] * rows,
        }, schema_overrides={"timestamp": pl.Datetime("us")}))
    return out


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_rows_arrive_once_in_order_and_match_a_direct_write(tmp_path, suffix):
    frames = _frames(40, 250)
    behind = WriteBehind(open_writer(tmp_path / f"behind{suffix}", labels=True), depth=2)
    direct = open_writer(tmp_path / f"direct{suffix}", labels=True)
    for frame in frames:
        behind.write(frame)
        direct.write(frame)
    behind.close()
    direct.close()
    assert behind.rows == 10_000
    if suffix == ".parquet":
        assert pl.read_parquet(tmp_path / "behind.parquet").equals(pl.read_parquet(tmp_path / "direct.parquet"))
    else:
        assert (tmp_path / f"behind{suffix}").read_bytes() == (tmp_path / f"direct{suffix}").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"behind{suffix}", f"direct{suffix}"]


def test_csv_thresholds_are_written_exactly_as_polars_writes_floats(tmp_path):
    frames = _frames(6, 10)
    writer = open_writer(tmp_path / "out.csv", labels=True)
    for frame in frames:
        writer.write(frame)
    writer.close()
    lines = (tmp_path / "out.csv").read_text().splitlines()[1:]
    column = pl.concat(frames).select(pl.col("threshold").cast(pl.String))["threshold"]
    assert [line.split(",")[5] for line in lines] == column.to_list()
    assert {"0.30000000000000004", "6.0", "6.0000001"} <= set(column)


def test_a_failed_write_is_raised_in_the_caller_and_abort_finishes(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    target = tmp_path / "full.csv"
    target.symlink_to("/dev/full")  # appends go to a device that is always full
    behind = WriteBehind(open_writer(target, labels=True, append=True), depth=1)
    with pytest.raises(UserError, match="cannot write"):
        for frame in _frames(50, 2000):
            behind.write(frame)
        behind.close()
    behind.abort()
    assert not behind._thread.is_alive()


def test_abort_drops_queued_frames_and_leaves_no_file(tmp_path):
    behind = WriteBehind(open_writer(tmp_path / "out.csv", labels=True), depth=4)
    for frame in _frames(8, 5000):
        behind.write(frame)
    behind.abort()
    assert list(tmp_path.iterdir()) == []
    assert not behind._thread.is_alive()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_headless_threads_change_no_byte_of_the_export(generated, tmp_path, suffix):
    outputs = []
    for read_ahead, write_behind in ((0, 0), (2, 2), (1, 1)):
        out = tmp_path / f"out-{read_ahead}-{write_behind}{suffix}"
        summary = run_headless(
            read_batches(generated, chunk_bytes=40_000), Scorer(ZScoreDetector()),
            lambda labels, out=out: open_writer(out, labels=labels), write_all=True,
            err=open(os.devnull, "w"), read_ahead=read_ahead, write_behind=write_behind,
        )
        assert summary.entries == summary.written == 12_000
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
