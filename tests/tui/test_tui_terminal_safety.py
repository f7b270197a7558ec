"""Over SSH in any terminal: log text is shown literally, NO_COLOR keeps every mark visible."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
from tui_support import FROZEN_NOW, Finite, make_app, screen_text, settle

from logwatch.engine.batch import Batch
from logwatch.tui.app import LogwatchApp
from logwatch.tui.options import MonitorOptions

EVIL = "[bold red]x\x1b[31m"


def evil_source() -> Finite:
    """One server whose name is markup plus an escape sequence, with a spike at the end."""
    start = datetime(2025, 1, 5)
    values = [50.0 + (i % 5) for i in range(80)] + [500.0] * 3
    frame = pl.DataFrame({
        "timestamp": [start + timedelta(seconds=10 * i) for i in range(len(values))],
        "server": [EVIL] * len(values),
        "component": ["CPU"] * len(values),
        "value": values,
    }, schema_overrides={"timestamp": pl.Datetime("us")})
    return Finite([Batch(frame)])


async def test_log_text_is_shown_literally_never_styled_or_run(tmp_path):
    options = MonitorOptions(model_dir=tmp_path / "none", auto_train=False)
    app = LogwatchApp(options, source=evil_source(), clock=lambda: FROZEN_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        shown = "[bold red]x\\x1b[31m"
        assert f"server {shown}" in text  # the server bar
        feed_row = next(line for line in text.splitlines() if line.startswith(" 00:13:40"))
        assert "[bold red]x…" in feed_row  # cut to the column, but literal
        assert "\x1b" not in text
        await pilot.press("enter")
        assert shown in screen_text(app)  # details too


async def test_no_color_keeps_anomaly_marks_as_characters(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.no_color
        lines = screen_text(app).splitlines()
        cpu = next(i for i, line in enumerate(lines) if line.startswith("CPU "))
        assert "▲" in lines[cpu + 1]  # the marker lane under the CPU bars
        score = next(i for i, line in enumerate(lines) if line.startswith("score "))
        assert lines[score][14:].strip()  # scores above the threshold drawn in the upper row
        svg = app.export_screenshot()
        assert "#b93c5b" not in svg  # the theme's error red is gone


async def test_the_status_line_keeps_the_flagged_share_at_80_columns_when_paused(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        await settle(pilot, app)
        status = screen_text(app).splitlines()[0]
        assert status.startswith("PAUSED") and status.rstrip().endswith("flagged/15m"), status
