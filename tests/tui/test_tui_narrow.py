"""At 80x24: the source keeps its file name, toasts leave the feed visible, and the feed's
values read as its reasons do (real app, z-score, Pilot)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import polars as pl
from tui_support import FROZEN_NOW, Finite, generated, screen_text, settle

from logwatch.engine.batch import Batch
from logwatch.tui.widgets.feed_table import FeedTable

SOURCE = "tail /home/operator/data/logs/server_logs.txt"


def _app(batches: list[Batch], tmp_path):
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    source = Finite(batches)
    source.name = SOURCE
    options = MonitorOptions(model_dir=tmp_path / "models", auto_train=False, zoom=300.0)
    return LogwatchApp(options, source=source, clock=lambda: FROZEN_NOW)


def _spikes(values: dict[int, float], steps: int = 400) -> Batch:
    """One CPU series near 50 with small, varied noise, and the given spikes (index: value)."""
    start = datetime(2025, 1, 5)
    series = [values.get(i, 50.0 + 0.3 * math.sin(i * 1.7)) for i in range(steps)]
    return Batch(pl.DataFrame({
        "timestamp": [start + timedelta(seconds=10 * i) for i in range(steps)],
        "server": ["web-1"] * steps, "component": ["CPU"] * steps, "value": series,
    }, schema_overrides={"timestamp": pl.Datetime("us")}))


async def test_the_status_line_keeps_the_file_name_whole_at_80_columns(tmp_path):
    app = _app(generated(50), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        top = screen_text(app).splitlines()[0]
        assert top.startswith("…/logs/server_logs.txt │ "), top
        app.stop_background()


async def test_the_value_column_writes_values_as_the_reason_does(tmp_path):
    spikes = {200: 62.25, 260: 100.0, 320: 0.1325, 380: 5.0}  # ties and round numbers
    app = _app([_spikes(spikes)], tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.main.query_one(FeedTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        shown = {str(row[3]): str(row[-1]) for row in rows}  # value column: reason
        assert set(shown) >= {"62.3", "100", "0.133", "5.0"}, shown
        for value, reason in shown.items():
            assert reason.startswith(f"CPU {value} vs usual "), (value, reason)
        app.stop_background()


async def test_toasts_do_not_cover_the_feed_at_80x24(tmp_path):
    from textual.widgets._toast import Toast

    app = _app(generated(3000), tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, app)
        for text in ("a source notice that is long enough to need a second line of the toast",
                     "a second notice", "a third notice, while the others are still shown"):
            app.notify(text, title="Source", markup=False)
        await pilot.pause(0.3)
        table = app.main.query_one(FeedTable)
        feed = table.region
        shown = 1 + min(table.row_count, feed.height - 1)  # the header, then the incidents
        assert table.row_count >= 8 and shown >= 9, (table.row_count, feed)
        last_row = feed.y + shown - 1
        toasts = [toast.region for toast in app.screen.query(Toast)]
        assert len(toasts) == 3 and all(region.height for region in toasts)
        assert "a second notice" in screen_text(app)
        assert not any(region.contains(x, last_row) for region in toasts for x in range(feed.x, feed.right))
        assert not any(region.overlaps(feed) for region in toasts), (toasts, feed)
        app.stop_background()
