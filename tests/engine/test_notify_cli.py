"""`--notify CMD` end to end: `logwatch tui LOG --export OUT [--follow] --notify CMD` in real
subprocesses, the command a real shell script that appends its stdin to a file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from engine_support import run_cli

START = datetime(2025, 1, 5)
SPIKES = {("s1", 100), ("s1", 101), ("s1", 102), ("s2", 150), ("s1", 250)}
"""(server, step) of the spikes: s1 100-102 is one incident (10 s apart), s2 150 another,
s1 250 a third (1,480 s after s1's first: past the 120 s merge window)."""
STEPS = 400


def spiky_log(path: Path, spikes: set[tuple[str, int]] = SPIKES, servers: tuple[str, ...] = ("s1", "s2")) -> Path:
    """CPU every 10 s per server, 50 +- 2 (seeded), 200 at the spikes: the z-score flags
    exactly the spikes."""
    noise = np.random.default_rng(1).normal(0, 2, (STEPS, len(servers)))
    lines = []
    for step in range(STEPS):
        for at, server in enumerate(servers):
            value = 200.0 if (server, step) in spikes else 50.0 + noise[step, at]
            stamp = (START + timedelta(seconds=10 * step)).isoformat()
            lines.append(json.dumps({"timestamp": stamp, "server": server, "component": "CPU", "value": value}))
    path.write_text("\n".join(lines) + "\n")
    return path


def recorder(tmp_path: Path, *, before: str = "") -> tuple[str, Path]:
    """A notify command (a shell script) that runs `before`, then appends its stdin to a file."""
    got = tmp_path / "got.jsonl"
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\n{before}\ncat >> '{got}'\n")
    script.chmod(0o755)
    return str(script), got


def received(got: Path) -> list[dict]:
    return [json.loads(line) for line in got.read_text().splitlines()] if got.exists() else []


def counts(stdout: bytes) -> dict[str, int]:
    line = re.search(r"notifications: .*", stdout.decode())
    assert line, stdout.decode()
    found = dict((what, int(n.replace(",", ""))) for n, what in re.findall(
        r"([\d,]+) (delivered|failed|dropped by the rate limit|dropped with the queue full|not sent at stop)",
        line[0]))
    return found


def headless(log: Path, out: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return run_cli("tui", str(log), "--export", str(out), "--detector", "zscore", "--no-trace-back",
                   *extra, timeout=timeout)


def test_one_notification_per_merged_incident_with_the_export_s_numbers(tmp_path):
    log, out = spiky_log(tmp_path / "log.jsonl"), tmp_path / "flagged.csv"
    command, got = recorder(tmp_path)
    done = headless(log, out, "--notify", command, "--notify-every", "0")
    assert done.returncode == 0, done.stderr.decode()
    flagged = pl.read_csv(out)
    assert sorted(zip(flagged["server"], flagged["timestamp"])) == sorted(
        (s, (START + timedelta(seconds=10 * i)).isoformat(timespec="microseconds")) for s, i in SPIKES)
    notes = sorted(received(got), key=lambda n: n["first"])
    assert [(n["server"], n["component"], n["count"]) for n in notes] == [
        ("s1", "CPU", 3), ("s2", "CPU", 1), ("s1", "CPU", 1)]
    assert set(notes[0]) == {"server", "component", "first", "last", "peak_score", "times_threshold",
                             "reason", "count"}
    assert (notes[0]["first"], notes[0]["last"]) == ("2025-01-05T00:16:40.000000", "2025-01-05T00:17:00.000000")
    for note in notes:  # the peak is the export's highest-scored row of the incident
        rows = flagged.filter((pl.col("server") == note["server"]) & (pl.col("timestamp") >= note["first"])
                              & (pl.col("timestamp") <= note["last"]))
        assert rows.height == note["count"]
        peak = rows.row(int(rows["score"].arg_max()), named=True)
        assert abs(note["peak_score"] - peak["score"]) < 1e-5 and note["reason"] == peak["reason"]
        assert abs(note["times_threshold"] - peak["score"] / peak["threshold"]) < 1e-5
    assert counts(done.stdout) == {"delivered": 3, "failed": 0, "dropped by the rate limit": 0,
                                   "dropped with the queue full": 0}


def test_rate_limit_one_per_server_and_component(tmp_path):
    log = spiky_log(tmp_path / "log.jsonl")
    command, got = recorder(tmp_path)
    done = headless(log, tmp_path / "out.csv", "--notify", command)  # default: one per 5m
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(n["first"] for n in received(got)) == ["2025-01-05T00:16:40.000000", "2025-01-05T00:25:00.000000"]
    assert counts(done.stdout)["delivered"] == 2 and counts(done.stdout)["dropped by the rate limit"] == 1
    assert "per 5m" in done.stdout.decode()


def test_a_failing_command_is_reported_once_and_counted(tmp_path):
    log = spiky_log(tmp_path / "log.jsonl")
    done = headless(log, tmp_path / "out.csv", "--notify", "cat >/dev/null; echo 'no route to hook' >&2; exit 7",
                    "--notify-every", "0s")
    assert done.returncode == 0, done.stderr.decode()
    reports = [line for line in done.stderr.decode().splitlines() if "--notify command" in line]
    assert reports == ["logwatch: --notify command failed (exit 7): no route to hook; later failures are only counted"]
    assert counts(done.stdout) == {"delivered": 0, "failed": 3, "dropped by the rate limit": 0,
                                   "dropped with the queue full": 0}
    assert "(exit 7 x3)" in done.stdout.decode()
    assert "Traceback" not in done.stderr.decode()


def slow_run(tmp_path: Path, sleep: float) -> tuple[subprocess.CompletedProcess, list[dict], float]:
    """The spiky log's three incidents with a command that sleeps first; the run, what the
    command received and the wall time of the whole run."""
    log = spiky_log(tmp_path / "log.jsonl")
    command, got = recorder(tmp_path, before=f"sleep {sleep:g}")
    started = time.monotonic()
    done = headless(log, tmp_path / "out.csv", "--notify", command, "--notify-every", "0")
    assert done.returncode == 0, done.stderr.decode()
    return done, received(got), time.monotonic() - started


def test_a_slow_command_does_not_slow_scoring_and_the_queue_is_delivered_at_the_end(tmp_path):
    done, got, took = slow_run(tmp_path, 1)
    scoring = float(re.search(r"; ([\d.]+) s, ", done.stdout.decode())[1])
    assert scoring < 1.0  # the three notifications take 3 s; scoring waited for none of them
    assert "delivering" in done.stderr.decode() and "waiting at most 5 s" in done.stderr.decode()
    assert len(got) == 3 and counts(done.stdout)["delivered"] == 3
    assert took < 15


def test_the_wait_at_stop_is_bounded(tmp_path):
    done, got, took = slow_run(tmp_path, 60)
    assert 5 <= took < 12  # 5 s of waiting, then the running command is killed
    assert got == []
    assert counts(done.stdout)["not sent at stop"] == 3 and counts(done.stdout)["failed"] == 0


def test_follow_notifies_while_following_and_delivers_the_queue_on_ctrl_c(tmp_path):
    log, out = tmp_path / "log.jsonl", tmp_path / "out.jsonl"
    spiky_log(log, {("s1", 100)})
    command, got = recorder(tmp_path, before="sleep 0.5")
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    process = subprocess.Popen(
        [sys.executable, "-m", "logwatch.tui", "tui", str(log), "--export", str(out), "--follow", "--from-start",
         "--detector", "zscore", "--notify", command, "--notify-every", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while not received(got) and time.monotonic() < deadline:  # the backlog's incident, while following
            time.sleep(0.1)
        assert len(received(got)) == 1
        later = START + timedelta(seconds=10 * STEPS)
        with open(log, "a") as writer:  # two more incidents arrive while following
            for at, server in enumerate(("s1", "s2")):
                for step in range(3):
                    stamp = (later + timedelta(seconds=10 * step)).isoformat()
                    value = 300.0 if step == 2 else 50.0 + at
                    writer.write(json.dumps({"timestamp": stamp, "server": server, "component": "CPU",
                                             "value": value}) + "\n")
        while (not out.exists() or out.read_text().count("300.0") < 2) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert sorted((n["server"], n["count"]) for n in received(got)) == [("s1", 1), ("s1", 1), ("s2", 1)]
    assert counts(stdout)["delivered"] == 3


def test_bad_notify_options_are_one_line_errors(tmp_path):
    log = spiky_log(tmp_path / "log.jsonl")
    for extra, message in [
        (["--notify", "true", "--notify-every", "5 minutes"],
         "logwatch: --notify-every: expected seconds (300) or a duration (90s, 5m, 1h), got '5 minutes'"),
        (["--notify", "true", "--notify-every=-1m"],
         "logwatch: --notify-every: expected seconds (300) or a duration (90s, 5m, 1h), got '-1m'"),
        (["--notify-every", "5m"], "logwatch: --notify-every needs --notify CMD"),
        (["--notify", " "], "logwatch: --notify: expected a shell command, got an empty one"),
    ]:
        for mode in (["--export", str(tmp_path / "out.csv")], []):  # headless, and the monitor
            done = run_cli("tui", str(log), *mode, *extra)
            assert done.returncode == 2
            assert done.stderr.decode().splitlines() == [message], (mode, extra)
    assert not (tmp_path / "out.csv").exists()
