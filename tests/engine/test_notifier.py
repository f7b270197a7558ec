"""The notifier on its own, with real commands: the timeout kills a hung command and what it
started, `submit` never waits for the command, and the rate limit counts wall-clock time."""

from __future__ import annotations

import os
import time
from pathlib import Path

from logwatch.engine.monitor import IncidentStart
from logwatch.engine.notify import Notifier


def incident(server: str = "s1", component: str = "CPU") -> IncidentStart:
    return IncidentStart(server, component, first=0, last=0, count=1, score=9.0, ratio=1.5, reason="CPU 99")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_hung_command_and_its_children_are_killed_at_the_timeout(tmp_path: Path):
    pidfile, said = tmp_path / "child.pid", []
    notifier = Notifier(f"sleep 60 & echo $! > '{pidfile}'; wait", timeout=0.5, on_problem=said.append)
    started = time.monotonic()
    notifier.submit(incident())
    counts = notifier.close(wait=5)
    assert time.monotonic() - started < 4
    assert dict(counts.failed) == {"timeout": 1} and counts.delivered == 0
    assert said == ["--notify command ran longer than 0.5 s and was killed; later failures are only counted"]
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 2
    while alive(child) and time.monotonic() < deadline:  # killed; reaped by init
        time.sleep(0.02)
    assert not alive(child)


def test_submit_never_waits_and_a_full_queue_drops_and_says_so_once(tmp_path: Path):
    said: list[str] = []
    notifier = Notifier("sleep 30", queue_size=3, every=0, on_problem=said.append)
    started = time.monotonic()
    for n in range(200):
        notifier.submit(incident(server=f"s{n}"))
    assert time.monotonic() - started < 0.5
    assert notifier.counts.queue_full >= 196  # 3 wait, at most 1 runs
    assert said == ["--notify: 3 notifications are waiting for the command; new ones are dropped "
                    "(and counted) until it catches up"]
    started = time.monotonic()
    counts = notifier.close(wait=0.3)
    assert time.monotonic() - started < 3  # the wait at stop is bounded: the running one is killed
    assert counts.delivered == 0 and not counts.failed
    assert counts.unsent + counts.queue_full == 200


def test_rate_limit_is_per_server_and_component_in_wall_clock_time(tmp_path: Path):
    got, now = tmp_path / "got.jsonl", [0.0]
    notifier = Notifier(f"cat >> '{got}'", every=300, clock=lambda: now[0])
    for at, server in [(0, "s1"), (1, "s2"), (100, "s1"), (299, "s1"), (300, "s1"), (301, "s2")]:
        now[0] = at
        notifier.submit(incident(server=server))
    counts = notifier.close()
    assert (counts.delivered, counts.rate_limited) == (4, 2)
    assert got.read_text().count('"server": "s1"') == 2 and got.read_text().count('"server": "s2"') == 2
