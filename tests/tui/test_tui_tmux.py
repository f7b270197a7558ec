"""The real `logwatch tui` in a real terminal (tmux): it tails a file another process
appends to, an injected anomaly shows up in the feed, and `q` leaves the terminal clean."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from tui_support import START, Tmux

from logwatch.engine.config import load_config
from logwatch.engine.generate import Simulator, encode_json_lines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make test installs it)"),
]

MARKER = 4242.42
"""The injected value: far outside anything the generator produces, shown as "4242"."""


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
        # An operator narrows the feed to it and reads the lines it came from.
        tmux.run("send-keys", "-t", "t", "/")
        tmux.wait_for("filter: server:web-1")  # the field is open (its placeholder shows)
        tmux.run("send-keys", "-t", "t", "-l", "value>4000 server:server_1")
        tmux.run("send-keys", "-t", "t", "Enter")
        screen = tmux.wait_for("4242")
        rows = [line for line in screen.splitlines() if "server_1" in line and "CPU" in line]
        assert rows and all("4242" in line for line in rows), screen
        time.sleep(0.5)  # the feed has the focus again
        tmux.run("send-keys", "-t", "t", "Enter")
        screen = tmux.wait_for('"server": "server_1"', "4242.42")  # its line, as written
        assert "log lines in" in screen and "metrics.jsonl" in screen
        tmux.run("send-keys", "-t", "t", "Escape")
        tmux.wait_for("Thr+")
        tmux.run("send-keys", "-t", "t", "q")
        screen = tmux.wait_for("EXIT=0")
        assert "Thr+" not in screen and "z-score" not in screen  # the UI is gone, shell is back
    finally:
        stop.set()
        tmux.close()
