"""What an operator on call does in the monitor: filter and jump, acknowledge, mute (and find
the mute again after a restart), read the counts, export the feed. Real app, real keys."""

from __future__ import annotations

import csv
import json
import re

from tui_support import FROZEN_NOW, make_app, screen_text, settle, wait_until, write_log

from logwatch.tui.screens.export_feed import ExportFeedScreen
from logwatch.tui.screens.info import InfoScreen
from logwatch.tui.screens.mute import MuteScreen
from logwatch.tui.screens.mutes import MutesScreen
from logwatch.tui.widgets.feed_table import FeedTable


def shown(app) -> list:
    table = app.main.query_one(FeedTable)
    return [app.state.feed.get(int(table.coordinate_to_cell_key((r, 0)).row_key.value)) for r in range(table.row_count)]


def notified(app) -> str:
    """The messages of the notifications the app has shown (toasts may be off screen)."""
    return "\n".join(n.message for n in app._notifications)


async def type_filter(pilot, app, text: str) -> None:
    await pilot.press("slash")
    app.main.query_one("#filter").value = text
    await pilot.pause()


async def test_field_filters_narrow_the_feed_and_n_jumps_between_matches(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        everything = shown(app)
        assert {i.server for i in everything} >= {"server_1", "server_2"}
        await type_filter(pilot, app, "server:server_1 thr>1.5")
        kept = shown(app)
        assert kept and all(i.server == "server_1" and i.relative / app.state.factor > 1.5 for i in kept)
        await type_filter(pilot, app, "score>oops")
        assert shown(app) == kept  # a bad term keeps the last good filter and says why
        assert "filter: 'score>oops'" in screen_text(app)
        await pilot.press("escape")
        await type_filter(pilot, app, "server:server_1")
        await pilot.press("enter")
        table = app.main.query_one(FeedTable)
        rows = table.row_count
        assert rows >= 2 and table.cursor_row == 0
        await pilot.press("n")
        assert table.cursor_row == 1
        await pilot.press("N", "N")
        assert table.cursor_row == rows - 1  # wraps around
        await pilot.press("escape")
        await pilot.pause()
        assert len(shown(app)) == len(everything)


async def test_acknowledged_incidents_stay_dimmed_also_after_a_new_threshold(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        first = shown(app)[0]
        await pilot.press("x")
        await pilot.pause()
        assert first.acknowledged
        cell = app.main.query_one(FeedTable).get_row_at(0)[1]
        assert "dim" in str(cell.spans[0].style)
        await pilot.press("minus")
        await pilot.pause()
        again = [i for i in shown(app) if (i.server, i.component) == (first.server, first.component)
                 and i.first <= first.last and first.first <= i.last]
        assert again and all(i.acknowledged for i in again)
        await pilot.press("x")  # the cursor is on the first row again: x toggles
        await pilot.pause()


async def test_a_mute_hides_a_server_says_so_and_survives_a_restart(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        server = shown(app)[0].server
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MuteScreen)
        await pilot.press("j", "j", "j", "j", "enter")  # the whole server, for an hour
        await pilot.pause()
        assert all(i.server != server for i in shown(app))
        assert "muted 1" in screen_text(app)
    state = tmp_path / "monitor-state.json"
    assert server in state.read_text()

    restarted = make_app(tmp_path)
    async with restarted.run_test(size=(120, 40)) as pilot:
        await settle(pilot, restarted)
        assert all(i.server != server for i in shown(restarted))
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(restarted.screen, MutesScreen) and server in screen_text(restarted)
        await pilot.press("enter", "escape")  # lift it
        await pilot.pause()
        assert any(i.server == server for i in shown(restarted))
        assert "muted" not in screen_text(restarted)


async def test_counts_add_up_to_what_the_source_sent(tmp_path):
    app = make_app(tmp_path, steps=1000)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InfoScreen)
        counts = app.state.counts
        assert counts.read == 9000 == counts.scored + counts.unscored + counts.bad
        assert counts.scored > 8000 and counts.flagged == app.state.flagged_count(9000)
        assert "9,000" in screen_text(app)


async def test_e_writes_the_filtered_feed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await type_filter(pilot, app, "server:server_2")
        await pilot.press("enter", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExportFeedScreen)
        app.screen.query_one("#path").value = "out/feed.csv"
        await pilot.press("enter")  # the folder does not exist: an error, nothing written
        await pilot.pause(0.3)
        assert not (tmp_path / "out").exists() and "cannot write there" in notified(app)
        (tmp_path / "out").mkdir()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#path").value = "out/feed.csv"
        await pilot.press("enter")
        await pilot.pause()
        rows = list(csv.DictReader((tmp_path / "out" / "feed.csv").open()))
        assert len(rows) == len(app.state.incidents(app.main.feed_query)) > 0
        assert {r["server"] for r in rows} == {"server_2"} and "feed.csv" in notified(app)


async def test_rows_of_another_day_show_date_and_time(tmp_path):
    app = make_app(tmp_path, steps=12_000)  # 33 hours from Jan 05 00:00
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("G")  # the oldest of the rows shown: yesterday's
        await pilot.pause()
        text = screen_text(app)
        assert re.search(r"Jan 05 \d\d:\d\d ", text), text
        newest = app.main.query_one(FeedTable).get_row_at(0)[0].plain
        assert re.fullmatch(r"\d\d:\d\d:\d\d", newest)  # the newest day's rows keep their seconds


async def test_details_show_the_incidents_own_log_lines_from_the_file(tmp_path):
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    log = write_log(tmp_path / "server_logs.txt", 2000)
    options = MonitorOptions(source=log, model_dir=tmp_path / "models" / "current", auto_train=False, zoom=300.0)
    app = LogwatchApp(options, clock=lambda: FROZEN_NOW)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.main.query_one(FeedTable).row_count > 0)
            incident = shown(app)[0]
            await pilot.press("enter")
            await wait_until(pilot, lambda: "log lines in" in screen_text(app))
            await pilot.pause(0.2)
            text = screen_text(app)
            lines = log.read_text().splitlines()
            peak = next(n for n, line in enumerate(lines, 1)
                        if f'"server": "{incident.server}"' in line and f'"component": "{incident.component}"' in line
                        and _stamp(line) == incident.peak_time)
            assert re.search(rf"{peak} > ", text), text
            assert str(log) in text.replace("\n", "")  # the file it came from (it may wrap)
    finally:
        app.stop_background()  # the tailer follows the file until told to stop


async def test_details_show_the_generators_lines_from_memory(tmp_path):
    app = make_app(tmp_path, steps=600, source=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        incident = shown(app)[0]
        await pilot.press("enter")
        await wait_until(pilot, lambda: "log lines in generator" in screen_text(app))
        text = screen_text(app)
        assert re.search(rf"{incident.peak_number + 1} > .*\"server\": \"{incident.server}\"", text), text


def _stamp(line: str) -> int:
    from datetime import datetime, timezone

    value = datetime.fromisoformat(json.loads(line)["timestamp"]).replace(tzinfo=timezone.utc)
    return round(value.timestamp() * 1_000_000)
