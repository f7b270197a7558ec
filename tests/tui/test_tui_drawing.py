"""Pure drawing: literal log text, sparkline columns and steady scales, charts."""

from __future__ import annotations

import numpy as np
import polars as pl
from datetime import datetime, timedelta, timezone

from logwatch.engine.monitor.history import History
from logwatch.tui.literal import literal, visible
from logwatch.engine.monitor.series import StableScale, aligned_end, bucket, newest_timeline, step_seconds
from logwatch.tui.widgets.charts import histogram_chart, line_chart
from logwatch.tui.widgets.feed_table import DAY_US, clock
from logwatch.tui.widgets.spark_text import MARK, bar_row, label, levels, mark_row, times


def test_log_text_is_shown_literally():
    assert literal("[bold red]x").plain == "[bold red]x"
    assert literal("[bold red]x").spans == []
    assert visible("a\x1b[31mb\x07\nc\x9b") == "a\\x1b[31mb\\x07\\x0ac\\x9b"


def test_flagged_columns_get_a_mark_that_needs_no_colour():
    flagged = np.array([False, True, True, False])
    assert mark_row(flagged, None).plain == f" {MARK}{MARK} "
    row = bar_row(levels(np.array([0.0, 1.0, np.nan, 0.5]), 0.0, 1.0), flagged, None, "red")
    assert row.plain == "▁█ ▅"


def test_labels_have_a_fixed_width():
    from rich.text import Text

    for name in ("CPU", "a-very-long-component-name"):
        for right in ("1.00", "123456789"):
            assert label(Text(name), right).cell_len == 14


def _frame(times, values, scores):
    n = len(values)
    return pl.DataFrame({
        "timestamp": times, "server": ["s"] * n, "component": ["c"] * n, "value": values,
        "score": scores, "threshold": [1.0] * n, "reason": [""] * n, "expected": [0.0] * n,
    }, schema_overrides={"timestamp": pl.Datetime("us")})


def test_a_column_shows_its_mean_or_its_most_anomalous_entry():
    t0 = datetime(2025, 1, 5)
    history = History(100)
    times = [t0 + timedelta(seconds=s) for s in (0, 10, 60, 70, 80)]
    history.append(_frame(times, [1.0, 3.0, 10.0, 99.0, 20.0], [0, 0, 0, 5, 2]))
    order = history.order()
    end = aligned_end(int(history.timestamp[order[-1]]), 60_000_000)
    columns = bucket(history, order, end_us=end, span_us=60_000_000, columns=3, factor=1.0)
    assert np.isnan(columns.values[0])
    assert columns.values[1:].tolist() == [2.0, 99.0]  # 99 has the higher score of the two flagged
    assert columns.flagged.tolist() == [False, False, True]
    assert (columns.low, columns.high, columns.current) == (1.0, 99.0, 20.0)


def test_scale_widens_at_once_and_narrows_only_when_data_shrinks_a_lot():
    scale = StableScale()
    first = scale.fit(10, 60)
    assert scale.fit(12, 58) == first  # small changes keep the axis
    wider = scale.fit(0, 95)
    assert wider[0] <= 0 and wider[1] >= 95
    assert scale.fit(40, 45) != wider


def test_charts_draw_loss_curves_and_the_threshold_line():
    chart = line_chart([("loss", [1.0, 0.5, 0.2], "•", None), ("val_loss", [1.1, 0.7, 0.4], "×", None)], 40, 10, "epoch")
    assert "•" in chart.plain and "×" in chart.plain and "val_loss" in chart.plain
    hist = histogram_chart([0, 1, 2, 3, 4], [5, 10, 3, 1], 2.5, 40, 10, None, None)
    assert "│ threshold 2.50" in hist.plain
    assert all(len(line) <= 40 for line in hist.plain.splitlines())


def test_ratios_to_the_threshold_fit_five_columns_however_large():
    cases = {0.84: "0.8", 12.46: "12.5", 99.96: "100", 3021.4: "3021", 99_999.4: "99999",
             99_999.6: "1e5", 8_188_180.1: "8e6", 9.6e6: "1e7", 1e300: "1e300"}
    assert {value: times(value) for value in cases} == cases
    assert times(float("nan")) == "-" and times(float("inf")) == "-"


def test_the_log_step_is_read_through_timestamp_jitter():
    t0 = datetime(2025, 1, 5)
    jitter = [0, 425, -91, 300, -12, 77, 1500, -800, 3, 0]  # microseconds, as real logs have
    times = [t0 + timedelta(seconds=10 * i, microseconds=500_000 + j) for i, j in enumerate(jitter)]
    history = History(100)
    history.append(_frame(times, [1.0] * 10, [0] * 10))
    assert step_seconds(history, history.order()) == 10.0
    quarter = History(100)
    quarter.append(_frame([t0 + timedelta(seconds=0.25 * i) for i in range(10)], [1.0] * 10, [0] * 10))
    assert step_seconds(quarter, quarter.order()) == 0.25
    # Two timelines a day apart, their steps in turn: still the 10 s step.
    turns = [t0 + timedelta(days=i % 2, seconds=10 * (i // 2)) for i in range(40)]
    both = History(100)
    both.append(_frame(turns, [1.0] * 40, [0] * 40))
    assert step_seconds(both, both.order()) == 10.0


def test_after_a_replay_the_chart_shows_the_replayed_entries_only():
    """A log that went back in time (a replay, a rotated-in older file): the columns hold
    the newest timeline, not the old entries at the same or later times."""
    t0 = datetime(2025, 1, 5)
    history = History(100)
    old = [t0 + timedelta(seconds=10 * i) for i in range(12)]        # 00:00:00 .. 00:01:50
    replay = [t0 + timedelta(seconds=10 * i) for i in range(3)]      # 00:00:00 .. 00:00:20 again
    history.append(_frame(old + replay, [1.0] * 12 + [50.0] * 3, [0] * 15))
    order = history.order()
    times = history.timestamp[order]
    start = newest_timeline(times, 10_000_000)
    assert start == 12
    kept = order[start:]
    end = aligned_end(int(history.timestamp[kept[-1]]), 10_000_000)
    columns = bucket(history, kept, end_us=end, span_us=10_000_000, columns=3, factor=1.0)
    assert columns.values.tolist() == [50.0, 50.0, 50.0]
    # Without the cut the old entries at the same times would be averaged in.
    mixed = bucket(history, order, end_us=end, span_us=10_000_000, columns=3, factor=1.0)
    assert mixed.values.tolist() != [50.0, 50.0, 50.0]
    # A straggler the live entries have passed again cuts nothing.
    live = old + [t0] + [t0 + timedelta(seconds=120)]
    assert newest_timeline(np.array([int(t.timestamp() * 1e6) for t in live]), 10_000_000) == 0
    # Two writers a day apart, in turn: every step jumps, but their times never overlap, so
    # nothing is cut (the columns' time range keeps the other writer's entries out).
    turns = [t0 + timedelta(days=1 - i % 2, seconds=10 * (i // 2)) for i in range(40)]  # older last
    assert newest_timeline(np.array([int(t.timestamp() * 1e6) for t in turns]), 10_000_000) == 0


def test_the_flagged_share_leaves_out_entries_after_the_newest():
    t0 = datetime(2025, 1, 5)
    history = History(100)
    times = [t0 + timedelta(seconds=s) for s in (100, 110, 120, 10)]  # then a replay from 00:00:10
    history.append(_frame(times, [1.0] * 4, [5, 5, 5, 0]))
    assert history.rate(1.0, 60) == (0.0, 1)


def test_the_flagged_share_looks_at_each_servers_own_newest_entries():
    """One server replays an old file; the other's recent flagged entries still count."""
    t0 = datetime(2025, 1, 5)
    history = History(100)
    live = _frame([t0 + timedelta(seconds=s) for s in (100, 110, 120)], [1.0] * 3, [5, 0, 0])
    replay = _frame([t0 + timedelta(seconds=s) for s in (0, 10)], [1.0] * 2, [0, 0])
    history.append(pl.concat([live.with_columns(server=pl.lit("t")), replay]))
    assert history.rate(1.0, 60) == (1 / 5, 5)


def test_the_flagged_share_is_unknown_while_nothing_is_scored():
    t0 = datetime(2025, 1, 5)
    history = History(100)
    frame = _frame([t0 + timedelta(seconds=s) for s in (0, 10)], [1.0] * 2, [0, 0])
    history.append(frame.with_columns(pl.lit(None, pl.Float64).alias("score")))
    share, count = history.rate(1.0, 60)
    assert np.isnan(share) and count == 0
    # Once some are scored, the share is of those: warm-up entries cannot be flagged.
    history.append(_frame([t0 + timedelta(seconds=s) for s in (20, 30)], [1.0] * 2, [5, 0]))
    assert history.rate(1.0, 60) == (0.5, 2)


def test_feed_times_of_another_log_day_show_their_date():
    at = int(datetime(2025, 1, 5, 14, 22, 31, tzinfo=timezone.utc).timestamp() * 1e6)
    assert clock(at) == clock(at, at // DAY_US) == "14:22:31"
    assert clock(at, at // DAY_US + 1) == "Jan 05 14:22"  # a replay of yesterday, or a long run: date and time
