"""The UI's own data: ring buffers, threshold re-application, incident merging."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from logwatch.engine.monitor.feed import Feed
from logwatch.engine.monitor.history import History, Names
from logwatch.engine.monitor.state import ModelInfo, MonitorState


def scored(values: list[float], scores: list[float], *, server: str = "s1", component: str = "CPU",
           start: datetime = datetime(2025, 1, 5), step: float = 10.0, threshold: float = 2.0) -> pl.DataFrame:
    n = len(values)
    return pl.DataFrame({
        "timestamp": [start + timedelta(seconds=i * step) for i in range(n)],
        "server": [server] * n,
        "component": [component] * n,
        "value": values,
        "score": scores,
        "threshold": [threshold] * n,
        "predicted": [s is not None and s > threshold for s in scores],
        "reason": [f"r{i}" for i in range(n)],
        "expected": [0.0] * n,
    }, schema_overrides={"timestamp": pl.Datetime("us")})


def test_ring_keeps_the_newest_entries_in_order():
    history = History(capacity=5)
    history.append(scored([1, 2, 3], [0, 0, 0]))
    history.append(scored([4, 5, 6, 7], [0, 0, 0, 0]))
    assert len(history) == 5 and history.total == 7
    assert history.value[history.order()].tolist() == [3, 4, 5, 6, 7]
    assert history.position(1) is None and history.position(6) is not None
    frame = history.frame()
    assert frame.columns == ["timestamp", "server", "component", "value"]
    assert frame.get_column("value").to_list() == [3, 4, 5, 6, 7]


def test_relative_scores_make_the_threshold_a_cheap_filter():
    history = History(capacity=100)
    history.append(scored([0] * 4, [1.0, 3.0, None, 5.0], threshold=2.0))
    order = history.order()
    assert history.flagged(order, 1.0).tolist() == [False, True, False, True]
    assert history.flagged(order, 2.0).tolist() == [False, False, False, True]  # threshold 4


def test_names_are_interned_and_capped():
    names = Names(limit=4)
    codes = names.encode(pl.Series(["a", "b", "a", "c", "d", "e", None]))
    assert names.names == ["a", "b", "c", "(other)"]
    assert codes.tolist() == [0, 1, 0, 2, 3, 3, 3]  # the 4th name onwards (and null "") overflow


def test_repeats_merge_into_one_incident_and_gaps_split_them():
    history, feed = History(100), Feed(merge_seconds=60)
    # flagged at 0..40 s (merged), quiet until 200 s, flagged again (a new incident)
    scores = [5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 6]
    positions = history.append(scored([1.0] * len(scores), scores))
    feed.add(history, positions, factor=1.0)
    incidents = feed.view()
    assert [i.count for i in incidents] == [2, 5]
    assert incidents[0].last > incidents[1].last  # newest first


def test_merging_continues_across_batches():
    history, feed = History(100), Feed(merge_seconds=60)
    for start in (datetime(2025, 1, 5), datetime(2025, 1, 5, 0, 0, 30)):
        feed.add(history, history.append(scored([1.0] * 3, [5, 5, 5], start=start)), factor=1.0)
    assert [i.count for i in feed.view()] == [6]


def test_feed_cap_drops_the_oldest_and_filter_matches_text():
    history, feed = History(1000), Feed(merge_seconds=1, cap=3)
    for k, server in enumerate(["web-1", "web-2", "db-1", "db-2", "cache"]):
        start = datetime(2025, 1, 5) + timedelta(hours=k)
        feed.add(history, history.append(scored([1.0], [9.0], server=server, start=start)), factor=1.0)
    assert [i.server for i in feed.view()] == ["cache", "db-2", "db-1"]
    assert [i.server for i in feed.view("DB")] == ["db-2", "db-1"]


def test_new_threshold_rebuilds_the_feed_from_memory():
    state = MonitorState(ModelInfo("z", "z-score", 2.0), clock=lambda: 0.0)
    state.add(scored([1.0] * 6, [3.0, 3.0, 0.0, 9.0, 0.0, 3.0], step=600))
    assert sum(i.count for i in state.feed.view()) == 4
    state.set_threshold(5.0)
    assert [i.count for i in state.feed.view()] == [1]
    state.set_threshold(1.0)
    assert sum(i.count for i in state.feed.view()) == 4
    assert state.flagged_count(6) == 4


def test_peak_of_an_incident_is_its_most_anomalous_entry():
    history, feed = History(100), Feed()
    feed.add(history, history.append(scored([10, 50, 20], [3, 8, 4])), factor=1.0)
    (incident,) = feed.view()
    assert (incident.value, incident.score, incident.reason) == (50, 8, "r1")
    assert history.value[history.position(incident.peak_number)] == 50


def test_history_frame_round_trips_labels():
    history = History(10)
    frame = scored([1.0, 2.0], [0.0, 9.0]).with_columns(
        anomalous=pl.Series([False, True]), anomaly_type=pl.Series([None, "spike"], dtype=pl.String))
    history.append(frame)
    out = history.frame()
    assert out.get_column("anomaly_type").to_list() == [None, "spike"]
    assert out.get_column("anomalous").to_list() == [False, True]
    assert out.get_column("server").to_list() == ["s1", "s1"]


def test_a_replay_s_incidents_come_first_and_a_new_threshold_keeps_them_once():
    """Log time going back (a replay, a rotated-in older file): the feed is in arrival
    order, so what was just flagged is on top, and rebuilding does not duplicate it."""
    state = MonitorState(ModelInfo("z", "z-score", 2.0), clock=lambda: 0.0)
    state.add(scored([1.0] * 3, [9.0, 0.0, 0.0], server="old", start=datetime(2025, 1, 6)))
    state.add(scored([1.0] * 3, [9.0, 0.0, 0.0], server="replay", start=datetime(2025, 1, 5)))
    assert [i.server for i in state.feed.view()] == ["replay", "old"]
    state.set_threshold(3.0)
    assert [i.server for i in state.feed.view()] == ["replay", "old"]


def test_the_entry_rate_falls_to_zero_when_the_input_goes_quiet():
    now = [0.0]
    state = MonitorState(ModelInfo("z", "z-score", 2.0), clock=lambda: now[0])
    state.add(scored([1.0] * 100, [0.0] * 100))  # the backfill: not a rate
    assert state.entries_per_second() is None
    for second in range(1, 11):  # ten entries a second for ten seconds
        now[0] = float(second)
        state.add(scored([1.0] * 10, [0.0] * 10))
    assert state.entries_per_second() == 10.0
    now[0] = 30.0  # nothing for twenty seconds
    assert state.entries_per_second() == 0.0


def test_a_recalibration_never_proposes_more_than_what_it_left_out():
    import numpy as np

    # Three servers' recent scores with a heavy (Pareto) tail: the tail fit extrapolates far,
    # beyond the model's threshold, where everything flagged was left out.
    rng = np.random.default_rng(4)
    model = ModelInfo(name="current", backend="sklearn", threshold=2.0,
                      meta={"threshold": {"target_false_alarm_rate": 0.0002}})
    state = MonitorState(model, clock=lambda: 0.0)
    for server in ("a", "b", "c"):
        scores = (rng.pareto(1.2, 6000) * 0.2).tolist()
        state.add(scored([0.0] * 6000, scores, server=server, threshold=2.0))
    proposal = state.propose_recalibration()
    assert proposal.how["uncapped"] > 1.0  # the tail fit alone: above the model's threshold (relative units)
    assert proposal.value == 2.0 == proposal.how["capped_at"] * model.threshold
    state.set_threshold(1.0)  # a threshold set too low: the cut is the model's own
    assert state.propose_recalibration().value <= 2.0
