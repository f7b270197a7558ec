"""The monitor following a folder of files (the real app, the real follower, real files):
every valid line of 20 files rotated and appended is scored exactly once, a file added
midway joins; with 1,000 files there is one watch, the thread count stays put, and the
screen keeps repainting; the info screen lists each file with its state and counts."""

from __future__ import annotations

import asyncio
import json
import os
import threading

import numpy as np
from fleet_harness import FleetWriter, exactly_once
from tui_support import screen_text, wait_until

from logwatch.tui.app import LogwatchApp
from logwatch.tui.options import MonitorOptions


def _app(tmp_path, logs) -> LogwatchApp:
    options = MonitorOptions(source=logs, from_start=True, detector="zscore",
                             model_dir=tmp_path / "models" / "current", auto_train=False)
    return LogwatchApp(options)


def _read(app: LogwatchApp) -> int:
    return sum(f.lines for f in app.source.files())


async def _stop_reading(pilot, app: LogwatchApp) -> None:
    app.ingest.stop()
    await wait_until(pilot, lambda: all(w.is_finished for w in app.workers if w.name == "ingest"))


async def test_the_monitor_scores_every_line_of_20_rotated_files_once(tmp_path):
    logs = tmp_path / "logs"
    writer = FleetWriter(logs, 20, seed=8)
    writer.create(lines_each=50)
    app = _app(tmp_path, logs)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: _read(app) == 20 * 50)
        try:
            written = await asyncio.to_thread(writer.run, 2.5, 3_000)
        finally:
            writer.close()
        await wait_until(pilot, lambda: _read(app) >= written.lines)
        seen = -1
        while seen != app.state.counts.read:  # every scored message has been taken in
            seen = app.state.counts.read
            await pilot.pause(0.6)
        assert "following 21 files" in screen_text(app).splitlines()[0]
        await _stop_reading(pilot, app)
        held = app.scorer.flush()["value"].to_numpy()  # the latest time steps, still held back
        scored = np.concatenate([app.state.history.frame()["value"].to_numpy(), held]).astype(np.int64)
        assert exactly_once(written.valid, scored.tolist()) == []
        assert app.state.bad_lines == written.bad_lines
        await pilot.press("i")
        await pilot.pause()
        shown = screen_text(app)
        assert "21 files" in shown and "web-01.log" in shown and "following" in shown
        new = next(f for f in app.source.files() if f.path.endswith(written.new_file))
        assert new.state == "following" and new.lines > 20
        assert app.source.file_of("web-03") == str(logs / "web-03.log")  # where details look for lines


def _inotify_watches() -> int:
    watches = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:inotify":
                with open(f"/proc/self/fdinfo/{fd}") as info:
                    watches += sum(line.startswith("inotify wd:") for line in info)
        except OSError:
            continue
    return watches


async def test_a_thousand_files_take_one_watch_and_the_screen_keeps_repainting(tmp_path):
    logs = tmp_path / "logs"
    writer = FleetWriter(logs, 1_000, seed=9, bad_share=0.0)
    writer.create(lines_each=3)
    writer.close()
    threads, watches = threading.active_count(), _inotify_watches()
    app = _app(tmp_path, logs)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: _read(app) == 3_000)
        await wait_until(pilot, lambda: "following 1,000 files" in screen_text(app).splitlines()[0])
        assert _inotify_watches() - watches == 1
        assert threading.active_count() - threads <= 4  # ingest reader and scorer, the watch's
        for i in range(1, 1_001, 10):  # a later entry in every tenth file, the first one too
            line = {"timestamp": "2025-01-05T02:00:00", "server": f"web-{i:02d}", "component": "CPU", "value": 1}
            with open(logs / f"web-{i:02d}.log", "a") as file:
                file.write(json.dumps(line) + "\n")
        await wait_until(pilot, lambda: "2025-01-05 02:00:00" in screen_text(app))  # drawn anew
        await pilot.press("i")
        await wait_until(pilot, lambda: "1,000 files" in screen_text(app))
        await pilot.press("escape")
        await _stop_reading(pilot, app)
