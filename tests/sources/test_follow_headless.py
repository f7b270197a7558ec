"""`logwatch tui PATH --export OUT --follow` in a real subprocess: the export grows whole
rows at a time while following, and SIGTERM / SIGINT end the run cleanly with every entry
read scored and written."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime

import polars as pl

from logwatch.engine.config import load_config
from logwatch.engine.generate import Simulator, encode_json_lines

KEY = ["timestamp", "server", "component", "value"]


def _follow(log, out, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    command = [sys.executable, "-m", "logwatch.tui", "tui", str(log), "--export", str(out),
               "--follow", "--all", "--detector", "zscore", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _wait_for_stderr(process: subprocess.Popen, start: str) -> list[str]:
    """Read stderr lines until one starts with `start` (the rest is left to communicate)."""
    seen = []
    for raw in process.stderr:
        seen.append(raw.decode().rstrip("\n"))
        if seen[-1].startswith(start):
            return seen
    raise AssertionError(f"the follower never said {start!r}: {seen}")


def _entries(rows: int, seed: int = 1) -> pl.DataFrame:
    return Simulator(load_config(None), seed=seed, start=datetime(2025, 1, 5)).next_rows(rows)


def _read_count(stdout: str) -> tuple[int, int]:
    match = re.search(r"read ([\d,]+) entries.*wrote ([\d,]+) rows", stdout)
    assert match, stdout
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def _wait_until_stable(path, seconds: float = 1.0, limit: float = 30.0) -> None:
    """Until OUT exists and has not grown for `seconds`."""
    last, since, deadline = -1, time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        if size != last:
            last, since = size, time.monotonic()
        elif size > 0 and time.monotonic() - since >= seconds:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never settled")


def test_csv_grows_in_whole_rows_and_sigterm_keeps_every_entry(tmp_path):
    log, out = tmp_path / "app.jsonl", tmp_path / "scored.csv"
    frame = _entries(2_700)
    data = encode_json_lines(frame)
    log.write_bytes(data[:100_000])
    data = data[100_000:]  # the rest arrives while following, cut mid-line
    process = _follow(log, out, "--from-start")
    samples = []
    try:
        with open(log, "ab") as writer:
            for start in range(0, len(data), 30_001):
                writer.write(data[start : start + 30_001])
                writer.flush()
                for _ in range(5):
                    time.sleep(0.03)
                    if out.exists():
                        samples.append(out.read_bytes())
        _wait_until_stable(out)
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert _read_count(stdout.decode()) == (2_700, 2_700)
    assert [s for s in samples if s and not s.endswith(b"\n")] == []  # never half a row
    scored = pl.read_csv(out, try_parse_dates=False)
    assert scored.height == 2_700
    expected = frame.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"))
    assert scored.select(KEY).equals(expected.select(KEY))


def test_sigterm_mid_stream_writes_exactly_what_was_read(tmp_path):
    log, out = tmp_path / "app.jsonl", tmp_path / "scored.jsonl"
    log.write_bytes(b"")
    process = _follow(log, out)
    frame = _entries(50_000, seed=2)
    data = encode_json_lines(frame)
    try:
        _wait_for_stderr(process, "logwatch: following")
        with open(log, "ab") as writer:  # about 5,000 entries a second until the signal
            for start in range(0, len(data), 20_000):
                writer.write(data[start : start + 20_000])
                writer.flush()
                time.sleep(0.02)
                if start > 1_000_000 and out.exists() and out.stat().st_size > 0:
                    break
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    read, wrote = _read_count(stdout.decode())
    rows = [json.loads(line) for line in out.read_text().splitlines()]  # all whole rows
    assert read == wrote == len(rows) > 0
    got = [(r["timestamp"], r["server"], r["component"], r["value"]) for r in rows]
    head = frame.head(len(rows)).with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"))
    assert got == list(head.select(KEY).iter_rows())  # in order, none missing, none twice


def test_parquet_is_finalized_on_sigint(tmp_path):
    log, out = tmp_path / "app.jsonl", tmp_path / "scored.parquet"
    frame = _entries(900, seed=3)
    log.write_bytes(encode_json_lines(frame.head(450)))
    process = _follow(log, out, "--backfill", "100")
    try:
        seen = _wait_for_stderr(process, "logwatch: following")
        assert seen[-1] == f"logwatch: following {log} from line 351"
        with open(log, "ab") as writer:
            writer.write(encode_json_lines(frame.tail(450)))
        time.sleep(1.5)
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    read, wrote = _read_count(stdout.decode())
    scored = pl.read_parquet(out)
    assert read == wrote == scored.height
    assert 100 < scored.height <= 550  # the backfill (last 100) and what followed
    expected = frame.slice(350, scored.height)  # the backfill starts at entry 350 of 450
    assert scored.select(KEY).equals(expected.select(KEY))


def test_follow_refuses_standard_input(tmp_path):
    process = _follow("-", tmp_path / "out.csv")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "logwatch: --follow needs a log file path (standard input cannot be followed)"
    )


def test_follow_refuses_a_gz_file_in_one_line(tmp_path):
    packed, out = tmp_path / "app.jsonl.gz", tmp_path / "out.csv"
    packed.write_bytes(gzip.compress(encode_json_lines(_entries(90))))
    process = _follow(packed, out)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.decode() == f"logwatch: --follow {packed}: a compressed file cannot be followed\n"
    assert stdout == b"" and not out.exists()
