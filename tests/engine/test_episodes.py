"""Episodes caught and their delays, against hand-made label sequences."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from logwatch.engine.episodes import EpisodeCounter, format_delay
from logwatch.engine.evaluate import Evaluation, format_report

T0 = datetime(2025, 1, 5, 12, 0, 0)


def _frame(server: str, component: str, marks: str, start: int = 0) -> pl.DataFrame:
    """One entry per 10 s. marks per entry: '.' normal, 'd'/'s' labeled drift/spike,
    capitals the same but flagged, '!' normal but flagged."""
    kinds = {"d": "drift", "s": "spike"}
    return pl.DataFrame(
        {
            "timestamp": [T0 + timedelta(seconds=10 * (start + i)) for i in range(len(marks))],
            "server": server,
            "component": component,
            "anomalous": [m.lower() in kinds for m in marks],
            "predicted": [m.isupper() or m == "!" for m in marks],
            "anomaly_type": [kinds.get(m.lower()) for m in marks],
        }
    )


def test_an_episode_is_caught_by_its_first_flag_and_may_span_frames() -> None:
    counter = EpisodeCounter()
    counter.update(_frame("a", "Memory", "..ddd"))
    counter.update(_frame("a", "Memory", "dDdd..", start=5))  # first flag 4 entries in: 40 s
    counter.update(_frame("a", "CPU", ".ss.!.S.", start=0))  # one missed spike, one caught at once
    kinds = counter.per_kind()
    assert (kinds["drift"].total, kinds["drift"].caught, kinds["drift"].delays_s) == (1, 1, [40.0])
    assert (kinds["spike"].total, kinds["spike"].caught, kinds["spike"].delays_s) == (2, 1, [0.0])


def test_kinds_back_to_back_are_two_episodes_and_an_open_one_counts_at_the_end() -> None:
    counter = EpisodeCounter()
    counter.update(_frame("a", "Memory", "ddSSdd"))  # drift missed, then a spike caught at once
    counter.update(_frame("b", "Memory", ".dd", start=0))  # still open when the stream ends
    kinds = counter.per_kind()
    assert (kinds["drift"].total, kinds["drift"].caught) == (3, 0)
    assert (kinds["spike"].total, kinds["spike"].caught) == (1, 1)
    assert kinds["drift"].median_delay_s is None
    # per_kind does not close the open episode: more of it may still come
    counter.update(_frame("b", "Memory", "dD.", start=3))
    assert (counter.per_kind()["drift"].total, counter.per_kind()["drift"].caught) == (3, 1)


def test_servers_and_components_keep_their_own_episodes() -> None:
    counter = EpisodeCounter()
    both = pl.concat([_frame("a", "Memory", "dddD"), _frame("b", "Memory", "dd..")])
    counter.update(both.sort("timestamp"))  # interleaved, as a stream delivers them
    drift = counter.per_kind()["drift"]
    assert (drift.total, drift.caught, drift.delays_s) == (2, 1, [30.0])


def test_the_report_shows_episodes_with_their_median_delay() -> None:
    ev = Evaluation()
    ev.update(_frame("a", "Memory", "..dddD....dDd..ss"))
    text = format_report(ev)
    assert "episodes caught per anomaly type" in text
    assert "drift                2 of 2  (20 s)" in text  # delays 30 s and 10 s
    assert "spike                0 of 1  (-)" in text
    assert ev.as_dict()["episodes_per_type"]["drift"] == {"episodes": 2, "caught": 2, "median_delay_seconds": 20.0}


def test_delays_read_as_seconds_then_minutes() -> None:
    assert (format_delay(None), format_delay(0.0), format_delay(90.0), format_delay(150.0)) == ("-", "0 s", "90 s", "2.5 min")
