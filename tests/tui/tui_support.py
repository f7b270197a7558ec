"""Helpers for the TUI tests: a seeded, finite generator source and a frozen clock, so the
app is deterministic. (A module with its own name: `from conftest import` would pick up
whichever tests folder's conftest was imported first.)"""

from __future__ import annotations

import io
import os
import subprocess
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console

from logwatch.engine.batch import Batch
from logwatch.engine.config import load_config
from logwatch.engine.generate import Simulator, encode_json_lines

FROZEN_NOW = 1736208000.0
"""2025-01-07 00:00:00 UTC: the clock every test app sees."""
START = datetime(2025, 1, 5)


def generated(steps: int, seed: int = 7, chunk: int = 200) -> list[Batch]:
    """`steps` time steps of the default config (9 entries each), in batches of `chunk` steps."""
    sim = Simulator(load_config(None), seed=seed, start=START)
    return [Batch(sim.next_chunk(min(chunk, steps - done))) for done in range(0, steps, chunk)]


class Finite(list):
    """A finite source: the batches, then the end (with a name for the status line)."""

    name = "generated, seed 7"


def make_app(tmp_path: Path, steps: int = 3000, **options):
    """The real app over a finite seeded source, z-score (no model in `tmp_path`), frozen clock."""
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    settings = {"model_dir": tmp_path / "models" / "current", "auto_train": False, "zoom": 300.0}
    settings.update(options)
    return LogwatchApp(MonitorOptions(**settings), source=Finite(generated(steps)), clock=lambda: FROZEN_NOW)


async def settle(pilot, app, timeout: float = 30.0) -> None:
    """Wait until the finite source is read to its end and every entry is on screen."""
    waited = 0.0
    while app.ended is None and waited < timeout and app.is_running:
        await pilot.pause(0.05)
        waited += 0.05
    assert app.ended == "source ended", app.ended
    app.main.reset_scales()  # steady scales depend on when repaints happened; start afresh
    for _ in range(2):  # a first repaint mounts the sparklines, the second draws at their size
        app.main.repaint(force=True)
        await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 60.0, step: float = 0.1) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, "timed out"
        assert pilot.app.is_running, "the app stopped (an exception?)"
        await pilot.pause(step)
        waited += step


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (no colours)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def write_log(path: Path, steps: int, seed: int = 3) -> Path:
    sim = Simulator(load_config(None), seed=seed, start=START)
    path.write_bytes(encode_json_lines(sim.next_chunk(steps)))
    return path


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
