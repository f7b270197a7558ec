"""The z-score spread's floor: series that idle at 0, keep a spread from when they varied, and
a clean warm-up on default generated logs."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from engine_support import read_all, run_cli
from logwatch.engine.detect import ZScoreDetector
from logwatch.engine.score import Scorer

T0 = datetime(2025, 1, 5)


def _frame(values: np.ndarray, component: str = "Disk", server: str = "db_1") -> pl.DataFrame:
    n = len(values)
    return pl.DataFrame({
        "timestamp": [T0 + timedelta(seconds=10 * i) for i in range(n)],
        "server": [server] * n, "component": [component] * n, "value": values,
    }).with_columns(pl.col("timestamp").cast(pl.Datetime("us")))


def _disk_writes() -> tuple[np.ndarray, np.ndarray, int]:
    """MB/s written by a mostly idle disk: 0 for 50 minutes, then a small write now and then
    (0.2-0.9 MB/s, normal), then one burst of 85 MB/s. Returns values, small-write positions
    and the burst position."""
    rng = np.random.default_rng(11)
    values = np.zeros(900)
    small = np.arange(300, 880, 23) + rng.integers(0, 5, 26)
    values[small] = np.round(rng.uniform(0.2, 0.9, len(small)), 2)
    burst = 885
    values[burst] = 85.0
    return values, small, burst


def test_an_idle_series_is_not_alarmed_by_small_moves_but_is_by_a_burst():
    values, small, burst = _disk_writes()
    scored = Scorer(ZScoreDetector()).score(_frame(values))
    moves = scored[small.tolist()]
    assert not moves["predicted"].any(), moves.select("value", "score", "reason")
    # Idle entries score 0 (no move), never null once warmed up, never astronomical.
    idle = scored.slice(60, 240)
    assert idle["score"].drop_nulls().len() == idle.height and idle["score"].max() == 0
    assert moves["score"].drop_nulls().max() < 4
    hit = scored.row(burst, named=True)
    assert hit["predicted"] and hit["score"] > 50, hit
    assert hit["reason"].startswith("Disk 85.0 vs usual 0")


def test_the_first_move_of_a_series_that_never_varied_is_not_scored():
    values, small, _ = _disk_writes()
    scored = Scorer(ZScoreDetector()).score(_frame(values))
    first = scored.row(int(small[0]), named=True)
    assert first["score"] is None and not first["predicted"]
    assert first["reason"] == f"Disk {first['value']} vs usual 0.0, no variation seen yet"
    still = scored.row(int(small[0]) - 1, named=True)  # the idle entry before it: plainly 0
    assert still["score"] == 0 and still["reason"] == "Disk 0.0 vs usual 0.0, no variation seen yet"


def test_a_quiet_window_keeps_the_spread_the_series_had_when_it_varied():
    rng = np.random.default_rng(5)
    busy = np.clip(rng.normal(20, 3, 400), 0, None)
    idle = np.zeros(400)
    values = np.concatenate([busy, idle, [0.56, 0.0, 0.0, 95.0]])
    scored = Scorer(ZScoreDetector()).score(_frame(values, component="CPU"))
    blip, spike = scored.row(800, named=True), scored.row(803, named=True)
    assert not blip["predicted"] and blip["score"] < 1, blip
    assert " ± 1e-" not in blip["reason"] and "± 0" not in blip["reason"]
    assert spike["predicted"], spike


def test_the_carried_spread_does_not_depend_on_batch_cuts():
    values, _, _ = _disk_writes()
    rng = np.random.default_rng(2)
    values = np.concatenate([np.abs(rng.normal(5, 2, 300)), np.zeros(300), values])
    frame = _frame(values)
    whole = Scorer(ZScoreDetector()).score(frame)
    scorer = Scorer(ZScoreDetector())
    cuts = [0, 7, 301, 302, 640, 900, 1111, frame.height]
    parts = pl.concat([scorer.score(frame.slice(a, b - a)) for a, b in zip(cuts, cuts[1:])])
    assert parts.equals(whole)


def test_default_generated_logs_warm_up_without_false_alarms(tmp_path):
    log = tmp_path / "two_hours.jsonl"
    done = run_cli("generate", "--duration", "7200", "--seed", "3", "--out", str(log))
    assert done.returncode == 0, done.stderr.decode()
    scored = Scorer(ZScoreDetector()).score(read_all(log))
    start = scored["timestamp"].min()
    first = scored.filter(pl.col("timestamp") < start + timedelta(minutes=15))
    assert first["score"].is_not_null().sum() > 100  # scoring has started in that time
    normal = first.filter(~pl.col("anomalous"))
    assert not normal["predicted"].any(), normal.filter(pl.col("predicted")).select(
        "timestamp", "server", "component", "value", "score", "reason"
    )
