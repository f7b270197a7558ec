"""The notifier: incidents in, one command run per incident on one thread, counted.

`submit` never blocks the scorer: an incident its server and component notified about less
than `every` seconds ago is dropped by the rate limit, and one that finds `QUEUE_SIZE`
incidents waiting is dropped too. One thread runs the command for each queued incident in
turn; one that fails or outlives `timeout` (killed) is reported once through `on_problem`,
then only counted. `close` delivers what is queued, waiting at most `wait` seconds; then
the running command is killed and the rest counted as not sent.
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from logwatch.engine.monitor.incidents import IncidentStart
from logwatch.engine.notify.command import Outcome, kill, run_command
from logwatch.engine.notify.options import format_every
from logwatch.engine.notify.payload import incident_json
from logwatch.engine.notify.rate import RateLimit

NOTIFY_EVERY = 300.0
"""Default `--notify-every`: one notification per server and component per 5 minutes."""
COMMAND_TIMEOUT = 10.0
"""A command still running after this many seconds is killed (and counted as failed)."""
QUEUE_SIZE = 100
"""Incidents waiting for the command; more are dropped (and counted) until it catches up."""
STOP_WAIT = 5.0
"""On a clean stop, how long queued notifications may still take to be delivered."""


@dataclass
class NotifyCounts:
    delivered: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    """Failures by status: "exit 7", "signal 9", "timeout", "could not start"."""
    rate_limited: int = 0
    queue_full: int = 0
    unsent: int = 0
    """Still queued when the wait at stop ran out."""

    def line(self, every: float) -> str:
        """The summary, e.g. "notifications: 3 delivered, 1 failed (exit 7 x1), ..."."""
        failed = sum(self.failed.values())
        statuses = ", ".join(f"{status} x{n}" for status, n in sorted(self.failed.items()))
        return (
            f"notifications: {self.delivered:,} delivered, {failed:,} failed"
            + (f" ({statuses})" if failed else "")
            + f", {self.rate_limited:,} dropped by the rate limit ("
            + (f"one per server and component per {format_every(every)}" if every > 0 else "off")
            + f"), {self.queue_full:,} dropped with the queue full"
            + (f", {self.unsent:,} not sent at stop" if self.unsent else "")
        )


class Notifier:
    """Runs `command` (through the shell) once per submitted incident, on its own thread."""

    def __init__(
        self,
        command: str,
        *,
        every: float = NOTIFY_EVERY,
        timeout: float = COMMAND_TIMEOUT,
        queue_size: int = QUEUE_SIZE,
        on_problem: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Args:
            command: a shell command; it reads the incident's JSON on stdin.
            every: seconds before a server and component may notify again (0: always).
            timeout: seconds a command may run before it is killed.
            queue_size: incidents that may wait for the command.
            on_problem: called with a sentence, once per kind of trouble (from any thread).
            clock: wall-clock seconds for the rate limit.
        """
        self.command = command
        self.every = every
        self.timeout = timeout
        self.counts = NotifyCounts()
        self._on_problem = on_problem or (lambda text: None)
        self._clock = clock
        self._rate = RateLimit(every)
        self._queue: queue.Queue[IncidentStart] = queue.Queue(maxsize=max(1, queue_size))
        self._closing = threading.Event()
        self._abandon = threading.Event()
        self._lock = threading.Lock()
        self._running: subprocess.Popen | None = None
        self._reported: set[str] = set()
        self._thread = threading.Thread(target=self._work, name="logwatch-notify", daemon=True)
        self._thread.start()

    def submit(self, incident: IncidentStart) -> None:
        """Queue a notification for `incident`, or count why not; never blocks."""
        key, now = (incident.server, incident.component), self._clock()
        if not self._rate.allows(key, now):
            self.counts.rate_limited += 1
            return
        try:
            self._queue.put_nowait(incident)
        except queue.Full:
            self.counts.queue_full += 1
            self._report("full", f"--notify: {self._queue.maxsize} notifications are waiting for the "
                         "command; new ones are dropped (and counted) until it catches up")
            return
        self._rate.record(key, now)

    def pending(self) -> int:
        """Notifications queued or running."""
        return self._queue.unfinished_tasks

    def close(self, wait: float = STOP_WAIT, *, say: Callable[[str], None] | None = None) -> NotifyCounts:
        """Deliver what is queued within `wait` seconds, then stop; the final counts.
        `say` is told when there is something to wait for."""
        if say is not None and (pending := self.pending()):
            say(f"delivering {pending} queued notifications (waiting at most {wait:g} s)")
        self._closing.set()
        self._thread.join(wait)
        if self._thread.is_alive():
            self._abandon.set()
            with self._lock:
                if self._running is not None:
                    kill(self._running)
            self._thread.join(1.0)
        return self.counts

    def _work(self) -> None:
        while True:
            try:
                incident = self._queue.get(timeout=0.05)
            except queue.Empty:
                if self._closing.is_set():
                    return
                continue
            try:
                if self._abandon.is_set():
                    self.counts.unsent += 1
                    continue
                outcome = run_command(self.command, incident_json(incident), self.timeout, started=self._started)
                self._count(outcome)
            finally:
                with self._lock:
                    self._running = None
                self._queue.task_done()

    def _started(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running = process
            if self._abandon.is_set():  # the wait at stop ran out as it started
                kill(process)

    def _count(self, outcome: Outcome) -> None:
        if outcome.status is None:
            self.counts.delivered += 1
            return
        if self._abandon.is_set():  # killed because the wait at stop ran out
            self.counts.unsent += 1
            return
        self.counts.failed[outcome.status] += 1
        what = (f"ran longer than {self.timeout:g} s and was killed" if outcome.status == "timeout"
                else f"failed ({outcome.status})")
        said = f": {outcome.said}" if outcome.said else ""
        self._report("failed", f"--notify command {what}{said}; later failures are only counted")

    def _report(self, kind: str, text: str) -> None:
        if kind not in self._reported:
            self._reported.add(kind)
            self._on_problem(text)
