"""The real `logrotate`, forced again and again while a writer appends numbered entries in
batches: the engine's tail source and a headless `--follow --export` run each read every
entry exactly once, through `copytruncate` and `create` rotations alike.

The writer and logrotate take turns in one thread, as a logging program and a cron job
do not, so no batch lands between logrotate's copy and its truncate (those lines exist
only in the copy's past: no tailer can see them). A rotation comes right after a batch,
so the followers usually have not read that batch yet when the file is emptied.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import polars as pl
import pytest
from tail_support import Collector, append

from logwatch.engine.sources.tail import TailSource

LOGROTATE = shutil.which("logrotate") or shutil.which("logrotate", path="/usr/sbin:/sbin")
pytestmark = pytest.mark.skipif(
    LOGROTATE is None, reason="logrotate is not installed (make test installs it with apt-get)"
)

START = datetime(2025, 1, 5)
BATCH = 100
BATCH_SECONDS = 0.05
"""A batch every 50 ms: 2,000 entries a second."""
WAIT_SECONDS = 30.0


def _entries(first: int, count: int) -> bytes:
    """Entries numbered by their value, one second apart, over three servers."""
    return b"".join(
        b'{"timestamp": "%s", "server": "server_%d", "component": "CPU", "value": %d}\n'
        % ((START + timedelta(seconds=n)).isoformat().encode(), n % 3, n)
        for n in range(first, first + count)
    )


def _config(folder, log, name: str, directives: str) -> str:
    path = folder / name
    path.write_text(f"{log} {{\n    rotate 100\n    nocompress\n    missingok\n{directives}}}\n")
    return str(path)


def _write_and_rotate(log, configs: list[str], state: str, *, seconds: float,
                      rotate_every: float) -> tuple[int, int]:
    """Append batches for `seconds` after the first one (already written), forcing
    logrotate (taking `configs` in turn) every `rotate_every` seconds, right after a
    batch. Returns (entries written in all, rotations)."""
    written, rotations = BATCH, 0
    started = time.monotonic()
    next_rotation = started + rotate_every
    while time.monotonic() < started + seconds:
        append(log, _entries(written, BATCH))
        written += BATCH
        if time.monotonic() >= next_rotation:
            config = configs[rotations % len(configs)]
            done = subprocess.run([LOGROTATE, "-f", "-s", state, config], capture_output=True)
            assert done.returncode == 0, done.stderr.decode()
            rotations += 1
            next_rotation = time.monotonic() + rotate_every
        time.sleep(BATCH_SECONDS)
    return written, rotations


def _values(batch) -> tuple[list[int], list[tuple[int, str]]]:
    bad = [(0, f"{batch.bad_lines} bad lines")] if batch.bad_lines else []
    return batch.frame.get_column("value").cast(pl.Int64).to_list(), bad


def _exactly_once(values: list[int], written: int) -> list[str]:
    seen = set(values)
    problems = []
    if missing := written - len(seen & set(range(written))):
        problems.append(f"{missing} of {written} entries never read")
    if duplicates := len(values) - len(seen):
        problems.append(f"{duplicates} entries read twice")
    if values != sorted(values):
        problems.append("entries out of order")
    return problems


def _follow_headless(log, out) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    command = [sys.executable, "-m", "logwatch.tui", "tui", str(log), "--export", str(out),
               "--follow", "--from-start", "--all", "--detector", "zscore"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    for raw in process.stderr:  # reading starts before the first rotation
        if raw.startswith(b"logwatch: following"):
            return process
    raise AssertionError(f"the follower never started: {process.communicate()}")


def _rows(out) -> int:
    return max(0, len(out.read_bytes().splitlines()) - 1) if out.exists() else 0


def test_every_entry_read_once_through_copytruncate_and_create(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    log, out, state = logs / "app.log", tmp_path / "scored.csv", str(tmp_path / "state")
    configs = [
        _config(tmp_path, log, "copytruncate.conf", "    copytruncate\n"),
        _config(tmp_path, log, "create.conf", "    create\n"),
    ]
    append(log, _entries(0, BATCH))
    process = _follow_headless(log, out)
    notices: list[str] = []
    source = TailSource(log, from_start=True, on_notice=notices.append)
    collector = Collector(source, explode=_values).start()
    try:
        collector.wait_count(BATCH)  # both followers have the file open
        written, rotations = _write_and_rotate(
            log, configs, state, seconds=6.0, rotate_every=0.5
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while _rows(out) < written and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)  # anything read twice would arrive now
        values = collector.finish(source.stop)
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)

    assert rotations >= 8
    assert len(list(logs.iterdir())) == rotations + 1  # every rotation made a file
    assert collector.skipped == []
    assert _exactly_once(values, written) == [], (written, notices)
    assert any("reading the rest of its copy" in n for n in notices)

    assert process.returncode == 0, stderr.decode()
    exported = pl.read_csv(out).get_column("value").cast(pl.Int64).to_list()
    assert _exactly_once(exported, written) == [], (written, stderr.decode())
    assert f"read {written:,} entries, 0 bad lines" in stdout.decode()


def test_dated_copies_are_found_too(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    log, state = logs / "app.log", str(tmp_path / "state")
    # One name per second: rotations a little more than a second apart.
    config = _config(tmp_path, log, "dated.conf",
                     "    copytruncate\n    dateext\n    dateformat .%Y%m%d%H%M%S\n")
    append(log, _entries(0, BATCH))
    notices: list[str] = []
    source = TailSource(log, from_start=True, on_notice=notices.append)
    collector = Collector(source, explode=_values).start()
    collector.wait_count(BATCH)
    written, rotations = _write_and_rotate(log, [config], state, seconds=4.0, rotate_every=1.1)
    collector.wait_for(lambda values: len(values) >= written, f"{written} entries")
    time.sleep(0.3)
    values = collector.finish(source.stop)
    assert rotations >= 3
    assert len(list(logs.iterdir())) == rotations + 1
    assert _exactly_once(values, written) == [], (written, notices)
    copies = [re.search(r"rest of its copy (\S+),", n) for n in notices]
    assert any(re.fullmatch(r"app\.log\.\d{14}", os.path.basename(c[1])) for c in copies if c)
