"""--notify in the monitor: the feed's incidents (one rule with headless notifications) run
the command, and a failing command is reported once as a Textual notification."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import polars as pl
from tui_support import make_app, settle, wait_until

from logwatch.engine.monitor import IncidentOpener
from logwatch.engine.monitor.feed import Feed
from logwatch.engine.monitor.history import History


def flagged_frame() -> pl.DataFrame:
    """Flagged entries of two servers with gaps, repeats and a jump back in log time."""
    start, rows = datetime(2025, 1, 5), []
    seconds = [0, 10, 20, 200, 205, 400, 30, 40, 1000, 1100, 1250]
    for n, at in enumerate(seconds):
        for server in ("a", "b"):
            score = 3.0 + n + (server == "b")
            rows.append((start + timedelta(seconds=at + (7 if server == "b" else 0)), server, "CPU", float(n),
                         score, 2.0, True, f"r{n}", 0.0))
    rows.append((start, "a", "Disk", 1.0, 1.0, 2.0, False, "", 0.0))  # not flagged: opens nothing
    return pl.DataFrame(rows, orient="row", schema={
        "timestamp": pl.Datetime("us"), "server": pl.String, "component": pl.String, "value": pl.Float64,
        "score": pl.Float64, "threshold": pl.Float64, "predicted": pl.Boolean, "reason": pl.String,
        "expected": pl.Float64})


def test_the_feed_and_headless_notifications_open_the_same_incidents():
    frame = flagged_frame()
    for cut in (1, 5, frame.height):  # however the entries arrive in batches
        history, feed, opener = History(1000), Feed(), IncidentOpener()
        from_feed, from_opener = [], []
        for offset in range(0, frame.height, cut):
            part = frame.slice(offset, cut)
            from_feed += [i.start(1.0) for i in feed.add(history, history.append(part), 1.0)]
            from_opener += opener.update(part)
        assert sorted(from_feed, key=repr) == sorted(from_opener, key=repr)
        assert len(from_opener) == len(feed) >= 10  # per server at least 0-40, 200-205, 400, 1000-1100, 1250


async def test_the_monitor_notifies_each_new_incident(tmp_path):
    got = tmp_path / "got.jsonl"
    app = make_app(tmp_path, notify=f"cat >> '{got}'", notify_every=0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        incidents = {(i.server, i.component, i.first) for i in app.state.feed.view()}
        assert incidents
        await wait_until(pilot, lambda: app.notifier.pending() == 0)
        counts = app.notifier.close(wait=5)
        notes = [json.loads(line) for line in got.read_text().splitlines()]
        us = lambda text: int((datetime.fromisoformat(text) - datetime(1970, 1, 1)) / timedelta(microseconds=1))  # noqa: E731
        assert {(n["server"], n["component"], us(n["first"])) for n in notes} <= incidents
        assert counts.delivered == len(notes) and counts.delivered + counts.queue_full == len(incidents)
        await pilot.press("q")


async def test_a_failing_command_is_one_textual_notification(tmp_path):
    app = make_app(tmp_path, notify="cat >/dev/null; echo nope >&2; exit 3", notify_every=0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await wait_until(pilot, lambda: app.notifier.pending() == 0 and app.notifier.counts.failed)
        await pilot.pause(0.2)
        said = [n.message for n in app._notifications if n.title == "Notifications"]
        assert said == ["--notify command failed (exit 3): nope; later failures are only counted"]
        assert app.notifier.counts.failed["exit 3"] >= 2
        await pilot.press("q")


async def test_a_muted_server_is_not_notified(tmp_path):
    from tui_support import FROZEN_NOW

    got = tmp_path / "got.jsonl"
    mutes = {"format_version": 1, "mutes": [{"server": "server_1", "component": None, "until": FROZEN_NOW + 3600}]}
    (tmp_path / "monitor-state.json").write_text(json.dumps(mutes))  # muted before a restart
    app = make_app(tmp_path, notify=f"cat >> '{got}'", notify_every=0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert any(i.server == "server_1" for i in app.state.feed.view())  # flagged, but muted
        await wait_until(pilot, lambda: app.notifier.pending() == 0)
        app.notifier.close(wait=5)
        servers = {json.loads(line)["server"] for line in got.read_text().splitlines()}
        assert servers and "server_1" not in servers
        await pilot.press("q")
