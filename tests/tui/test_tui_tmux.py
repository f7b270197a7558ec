"""The real `logwatch tui` in a real terminal (tmux): it tails a file another process
appends to, an injected anomaly shows up in the feed, and `q` leaves the terminal clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tui_support import START

from logwatch.engine.config import load_config
from logwatch.engine.generate import Simulator, encode_json_lines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make test installs it)"),
]

MARKER = 4242.42
"""The injected value: far outside anything the generator produces, shown as "4242"."""


class Tmux:
    """One private tmux server (its own socket), one 120x40 session running a shell."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"lwtest-{os.getpid()}-{id(self)}"
        self.run("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "-c", str(tmp),
                 "env -u TMUX PS1='$ ' TERM=xterm-256color bash --norc --noprofile")

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              timeout=10, check=True).stdout

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "t", text, "Enter")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t")

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once one of its lines holds all of `texts`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(all(text in line for text in texts) for line in screen.splitlines()):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{texts!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def writer(path: Path, stop: threading.Event, inject: threading.Event) -> None:
    """Append a step of every server every 0.05 s; once `inject` is set, a few steps of
    server_1 CPU carry MARKER."""
    sim = Simulator(load_config(None), seed=11, start=START)
    with path.open("ab") as out:
        out.write(encode_json_lines(sim.next_chunk(400)))  # history for the z-score
        out.flush()
        injected = 0
        while not stop.wait(0.05):
            chunk = sim.next_chunk(2)
            if inject.is_set() and injected < 3:
                mark = (chunk["server"] == "server_1") & (chunk["component"] == "CPU")
                chunk = chunk.with_columns(value=chunk["value"].zip_with(~mark, chunk["value"] * 0 + MARKER))
                injected += 1
            out.write(encode_json_lines(chunk))
            out.flush()


def test_tailing_a_growing_file_shows_an_injected_anomaly(tmp_path):
    log = tmp_path / "metrics.jsonl"
    log.touch()
    stop, inject = threading.Event(), threading.Event()
    thread = threading.Thread(target=writer, args=(log, stop, inject), daemon=True)
    tmux = Tmux(tmp_path)
    try:
        logwatch = Path(sys.executable).with_name("logwatch")
        tmux.type(f"{logwatch} tui {log} --model {tmp_path / 'no-model'} --from-start; echo EXIT=$?")
        thread.start()
        tmux.wait_for("z-score (no model)")
        screen = tmux.wait_for("newest 2025-01-05")  # entries read and drawn
        assert "metrics.jsonl" in screen.splitlines()[0] and "4242" not in screen
        inject.set()
        screen = tmux.wait_for("server_1", "CPU", "4242")  # a feed row (time, server, component, value...)
        assert "..4242" in screen  # the CPU sparkline's recent max too
        tmux.run("send-keys", "-t", "t", "q")
        screen = tmux.wait_for("EXIT=0")
        assert "Thr+" not in screen and "z-score" not in screen  # the UI is gone, shell is back
    finally:
        stop.set()
        tmux.close()
