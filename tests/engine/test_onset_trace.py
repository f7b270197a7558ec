"""Tracing confirmed alarms back to their start, on hand-made scored frames and through the
Scorer on generated logs."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from logwatch.engine.detect import ZScoreDetector
from logwatch.engine.detect.onset import CONFIRM_ENTRIES, GIVE_UP_STEPS, LOOKBACK, TRACE_FLOOR, OnsetTracer
from logwatch.engine.episodes import EpisodeCounter
from logwatch.engine.score import Scorer

T0 = datetime(2025, 1, 5, 12, 0, 0)


@pytest.fixture(scope="module")
def generated_with_drift(tmp_path_factory):
    """A simulated day (seed 3 has six drifts)."""
    from engine_support import generate

    return generate(tmp_path_factory.mktemp("day") / "day.jsonl", 77_760, seed=3)
THRESHOLD = 1.0


def scored(scores: list[float], *, server: str = "a", component: str = "Memory", signs: list[int] | None = None,
           start: int = 0) -> pl.DataFrame:
    """One entry per 10 s with these scores (threshold 1); value above expected unless a
    sign says -1."""
    n = len(scores)
    signs = signs or [1] * n
    return pl.DataFrame(
        {
            "timestamp": [T0 + timedelta(seconds=10 * (start + i)) for i in range(n)],
            "server": server,
            "component": component,
            "value": [50.0 + s * sc for s, sc in zip(signs, scores)],
            "score": scores,
            "threshold": THRESHOLD,
            "predicted": [sc > THRESHOLD for sc in scores],
            "reason": [f"entry {start + i}" for i in range(n)],
            "expected": 50.0,
        }
    )


def traced_at(frame: pl.DataFrame) -> list[int]:
    return [int(r.split()[-1]) for r in frame.filter(pl.col("traced"))["reason"]]


def run_whole(frame: pl.DataFrame) -> pl.DataFrame:
    return OnsetTracer().flush(frame)


def test_a_confirmed_alarm_flags_the_rise_before_it_back_to_the_floor() -> None:
    out = run_whole(scored([0.1, 0.2, 0.5, 0.6, 0.8, 1.2, 1.3, 1.5, 0.1]))
    assert traced_at(out) == [2, 3, 4]
    assert out["predicted"].to_list() == [False, False, True, True, True, True, True, True, False]
    reasons = out.filter(pl.col("traced"))["reason"].to_list()
    assert all(r.startswith("start of the alarm that follows: entry ") for r in reasons)
    assert out.filter(~pl.col("traced"))["reason"].to_list()[0] == "entry 0"


def test_an_unconfirmed_alarm_and_the_other_side_are_not_traced() -> None:
    short = [0.5] * 4 + [1.2] * (CONFIRM_ENTRIES - 1) + [0.1]
    assert traced_at(run_whole(scored(short))) == []
    below = [0.5, 0.5, 1.2, 1.2, 1.2]  # the rise is below expected, the alarm above
    assert traced_at(run_whole(scored(below, signs=[-1, -1, 1, 1, 1]))) == []
    floor = [TRACE_FLOOR * THRESHOLD * 0.99, 0.5, 1.2, 1.2, 1.2]
    assert traced_at(run_whole(scored(floor))) == [1]


def test_tracing_goes_back_at_most_lookback_entries_and_stays_in_its_series() -> None:
    long_rise = scored([0.5] * (LOOKBACK + 10) + [1.2] * CONFIRM_ENTRIES)
    assert traced_at(run_whole(long_rise)) == list(range(10, LOOKBACK + 10))
    other = scored([0.5] * 5, server="b")  # another server's rise, interleaved
    both = pl.concat([other, scored([0.1] * 5 + [1.2] * 3, start=5)]).sort("timestamp")
    assert traced_at(run_whole(both)) == []


def _noisy_series(seed: int, n: int = 400) -> pl.DataFrame:
    """Three series of noisy scores with slow rises into alarms, interleaved as a stream."""
    rng = np.random.default_rng(seed)
    frames = []
    for s, name in enumerate(("a", "b", "c")):
        scores = np.abs(rng.normal(0.2, 0.2, n))
        for start in rng.integers(0, n - 40, 6):
            scores[start : start + 20] = np.linspace(0.3, 1.6, 20) + rng.normal(0, 0.1, 20)
        signs = np.where(rng.random(n) < 0.1, -1, 1)
        frames.append(scored(scores.round(3).tolist(), server=name, signs=signs.tolist()))
    return pl.concat(frames).sort("timestamp", maintain_order=True)


@pytest.mark.parametrize("size", [1, 2, 7, 50, 333])
def test_any_batch_size_gives_every_row_once_with_the_same_verdict_in_input_order(size: int) -> None:
    frame = _noisy_series(seed=size)
    whole = run_whole(frame)
    assert whole["traced"].sum() > 10  # the rises are traced
    tracer = OnsetTracer()
    parts = [tracer.update(frame[i : i + size]) for i in range(0, frame.height, size)]
    parts.append(tracer.flush(frame.head(0)))
    streamed = pl.concat(parts)
    assert tracer.holding == 0
    assert streamed.equals(whole)
    assert streamed.select("server", "timestamp").equals(frame.select("server", "timestamp"))


def test_a_row_waits_only_while_an_alarm_could_still_trace_it() -> None:
    tracer = OnsetTracer()
    assert tracer.update(scored([0.1])).height == 1  # below the floor: out at once
    assert tracer.update(scored([0.6], start=1)).height == 0  # might be an alarm's start
    assert tracer.holding == 1
    out = tracer.update(scored([0.1], start=2))  # the rise fell back: it was noise
    assert out.height == 2 and not out["predicted"].any() and tracer.holding == 0
    assert tracer.update(scored([0.6, 1.2, 1.3], start=3)).height == 0  # an alarm, not yet confirmed
    out = tracer.update(scored([1.4], start=6))
    assert traced_at(out) == [3] and out.height == 4 and tracer.holding == 0


def test_a_series_that_goes_quiet_above_the_floor_does_not_hold_the_others_for_ever() -> None:
    tracer = OnsetTracer()
    tracer.update(pl.concat([scored([0.1], server="b"), scored([0.1], server="c")]))
    assert tracer.update(scored([0.6])).height == 0  # a's last entry might start an alarm
    rows = GIVE_UP_STEPS * 4  # steps of the two others (three series seen)
    out = [tracer.update(scored([0.1], server=("b", "c")[i % 2], start=1 + i // 2)) for i in range(rows)]
    released = [i for i, part in enumerate(out) if part.height]
    assert released and released[0] < rows - GIVE_UP_STEPS  # it gave up waiting
    assert sum(part.height for part in out) == rows + 1 and tracer.holding == 0
    assert not pl.concat(out)["predicted"].any()


def test_episode_delay_counts_from_the_real_alarm_not_from_traced_entries() -> None:
    frame = scored([0.1, 0.6, 0.7, 1.2, 1.3, 1.4]).with_columns(
        anomalous=pl.Series([False, True, True, True, True, True]),
        anomaly_type=pl.Series([None, "drift", "drift", "drift", "drift", "drift"]),
    )
    counter = EpisodeCounter()
    counter.update(run_whole(frame))
    drift = counter.per_kind()["drift"]
    assert (drift.caught, drift.delays_s) == (1, [20.0])


def test_the_scorer_traces_drifts_in_generated_logs(generated_with_drift) -> None:
    from logwatch.engine.parse import read_batches

    def score_all(trace_back: bool) -> pl.DataFrame:
        scorer = Scorer(ZScoreDetector(), trace_back=trace_back)
        parts = [scorer.score(b) for b in read_batches(generated_with_drift, chunk_bytes=200_000)]
        return pl.concat([*parts, scorer.flush()], how="diagonal_relaxed")

    plain, traced = score_all(False), score_all(True)
    assert traced.height == plain.height
    assert traced["traced"].sum() > 0
    key = ["server", "component", "timestamp"]
    a, b = plain.sort(key), traced.sort(key)
    assert (b["predicted"] | ~a["predicted"]).all()  # tracing only adds flags
    drift = pl.col("anomaly_type") == "drift"
    assert b.filter(drift)["predicted"].sum() > a.filter(drift)["predicted"].sum()


def test_the_export_writes_traced_rows_and_no_trace_back_leaves_them_out(generated_with_drift, tmp_path) -> None:
    from engine_support import run_cli

    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}  # no model: z-score
    traced_csv, plain_csv = tmp_path / "traced.csv", tmp_path / "plain.csv"
    done = run_cli("tui", str(generated_with_drift), "--export", str(traced_csv), env=env)
    plain = run_cli("tui", str(generated_with_drift), "--export", str(plain_csv), "--no-trace-back", env=env)
    assert done.returncode == 0 and plain.returncode == 0, done.stderr.decode()
    rows, plain_rows = pl.read_csv(traced_csv), pl.read_csv(plain_csv)
    traced = rows.filter(pl.col("reason").str.starts_with("start of the alarm that follows: "))
    assert traced.height > 0 and (traced["score"] <= traced["threshold"]).all()
    assert f"({traced.height:,} traced back to their alarm's start)" in done.stdout.decode()
    assert "traced back" not in plain.stdout.decode()
    assert rows.height == plain_rows.height + traced.height
    assert not plain_rows["reason"].str.starts_with("start of the alarm").any()
