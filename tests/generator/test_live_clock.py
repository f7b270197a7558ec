"""The live clock appends whole, flushed lines that another process can tail."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time


def test_live_clock_appends_whole_lines_and_stops_cleanly(tmp_path):
    out = tmp_path / "server_logs.txt"
    out.write_bytes(b'{"kept": "line written before"}\n')
    process = subprocess.Popen([sys.executable, "-m", "logwatch.tui", "generate", "--rate", "3000",
                                "--out", str(out)], stderr=subprocess.PIPE)
    snapshots = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        snapshots.append(out.read_bytes())
        time.sleep(0.013)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0, process.stderr.read()
    assert process.stderr.read() == b""
    final = out.read_bytes()
    grew = [s for s in snapshots if len(s) > len(snapshots[0])]
    assert len({len(s) for s in grew}) > 5, "the file should grow while it is written"
    assert final.endswith(b"\n")
    for snapshot in snapshots:
        assert final.startswith(snapshot)
    # Each write is whole lines, flushed. A read that lands while a write is being copied
    # into the file can still see part of it (Linux grows a file page by page), so a rare
    # snapshot may end mid-line; a writer that left partial lines between writes would
    # show it in most snapshots.
    torn = [s for s in grew if not s.endswith(b"\n")]
    assert len(torn) <= max(2, len(grew) // 50), f"{len(torn)} of {len(grew)} reads ended mid-line"
    lines = final.decode().splitlines()
    assert lines[0] == '{"kept": "line written before"}'
    entries = [json.loads(line) for line in lines[1:]]
    assert len(entries) > 1000
    stamps = [e["timestamp"] for e in entries]
    assert stamps == sorted(stamps)


def test_rate_paces_in_real_time(tmp_path):
    out = tmp_path / "paced.txt"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--rate", "200",
                             "--entries", "300", "--out", str(out)], capture_output=True, timeout=30)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().count(b"\n") == 300
    assert elapsed >= 1.4  # 300 entries at 200/s cannot finish in much less than 1.5 s


def test_speed_runs_simulated_time_faster(tmp_path):
    out = tmp_path / "fast.txt"
    result = subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--speed", "100",
                             "--entries", "180", "--out", str(out)], capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr
    stamps = [json.loads(line)["timestamp"] for line in out.read_text().splitlines()]
    # 180 entries = 20 steps of 10 s: 190 simulated seconds in about 2 real seconds.
    first, last = (time.mktime(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")) for s in (stamps[0], stamps[-1]))
    assert last - first == 190


def test_a_time_step_is_written_whole_when_it_is_due(tmp_path):
    """At 9 entries/s (3 servers x 3 components = one 10 s step per second) the file holds
    whole steps: a step's last entry does not reach the file most of a second after its first."""
    out = tmp_path / "steps.txt"
    process = subprocess.Popen([sys.executable, "-m", "logwatch.tui", "generate", "--rate", "9",
                                "--out", str(out)], stderr=subprocess.PIPE)
    counts = set()
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        text = out.read_bytes() if out.exists() else b""
        if text.endswith(b"\n"):
            counts.add(text.count(b"\n"))
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0, process.stderr.read()
    assert len(counts - {0}) >= 2, counts
    assert all(count % 9 == 0 for count in counts), sorted(counts)
