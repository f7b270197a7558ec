"""Run the notify command once: `sh -c CMD` with the payload on stdin, killed at a timeout.

Its standard input and error are temporary files, not pipes: a command that ignores its
input cannot block the writer, and one that leaves a child running in the background (with
the same stderr) is done when the shell exits. It runs in its own session, so Ctrl-C at
the terminal does not reach it and a timeout kills its whole process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

STDERR_TAIL = 4096
"""Bytes of the command's stderr read back to quote its last line in a report."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str | None
    """None when it exited 0; else "exit 7", "signal 9", "timeout" or "could not start"."""
    said: str = ""
    """The last line the command wrote to stderr (for the report)."""


def run_command(
    command: str, payload: bytes, timeout: float, *, started: Callable[[subprocess.Popen], None] | None = None
) -> Outcome:
    """Run `command` through the shell with `payload` on stdin; wait at most `timeout` s.
    `started(process)` is called once it runs (so another thread can kill it)."""
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stderr:
        stdin.write(payload)
        stdin.seek(0)
        try:
            process = subprocess.Popen(command, shell=True, stdin=stdin, stdout=subprocess.DEVNULL,
                                       stderr=stderr, start_new_session=True)
        except OSError as error:
            return Outcome("could not start", str(error.strerror or error))
        if started is not None:
            started(process)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            kill(process)
            process.wait()
            return Outcome("timeout", _last_line(stderr))
        if code == 0:
            return Outcome(None)
        return Outcome(f"signal {-code}" if code < 0 else f"exit {code}", _last_line(stderr))


def kill(process: subprocess.Popen) -> None:
    """Kill the command and whatever it started in its process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _last_line(stderr) -> str:
    stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - STDERR_TAIL))
    lines = stderr.read().decode(errors="replace").strip().splitlines()
    line = lines[-1].strip()[:200] if lines else ""
    return "".join(c if c.isprintable() else "?" for c in line)  # no escape sequences to the terminal
