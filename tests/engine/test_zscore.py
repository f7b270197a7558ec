"""The z-score baseline: catches spikes, respects per-server baselines, ignores batch cuts."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from engine_support import read_all
from logwatch.engine.detect import ZScoreDetector
from logwatch.engine.score import Scorer


def test_catches_spikes_injected_into_generated_logs(generated):
    frame = read_all(generated).with_row_index("i")
    rng = np.random.default_rng(3)
    normal = frame.filter(~pl.col("anomalous") & (pl.col("i") > 1500))["i"].to_numpy()
    spikes = np.sort(rng.choice(normal, size=25, replace=False))
    frame = frame.with_columns(
        pl.when(pl.col("i").is_in(spikes)).then(pl.col("value") + 60).otherwise("value").alias("value")
    )
    scored = Scorer(ZScoreDetector()).score(frame.drop("i"))
    hit = scored.with_row_index("i").filter(pl.col("i").is_in(spikes))
    # A spike right after a labeled anomaly may hide in that anomaly's spread: allow 1 in 10.
    assert hit["predicted"].mean() >= 0.9, hit.filter(~pl.col("predicted")).select("value", "reason")
    # The reason names the component and what was usual.
    assert all(r.startswith(c) and " vs usual " in r for c, r in hit.select("component", "reason").rows())
    # Few false alarms on the entries nobody touched or labeled.
    untouched = scored.with_row_index("i").filter(~pl.col("i").is_in(spikes) & ~pl.col("anomalous"))
    assert untouched["predicted"].mean() < 0.02


def test_generated_spike_labels_are_found(generated):
    scored = Scorer(ZScoreDetector()).score(read_all(generated))
    labeled = scored.filter(pl.col("anomaly_type").is_in(["spike", "over_usage", "drop"]))
    assert labeled.height > 0
    assert labeled["predicted"].mean() > 0.5
    flagged = scored.filter(pl.col("predicted"))
    assert flagged["anomalous"].mean() > 0.7  # most alarms are real anomalies


def _series(server: str, level: float, noise: float, n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = datetime(2025, 1, 5)
    return pl.DataFrame({
        "timestamp": [t0 + timedelta(seconds=10 * i) for i in range(n)],
        "server": [server] * n, "component": ["CPU"] * n,
        "value": level + rng.normal(0, noise, n),
    }).with_columns(pl.col("timestamp").cast(pl.Datetime("us")))


def test_servers_with_different_baselines_do_not_alarm():
    frame = pl.concat([_series("quiet", 5, 0.5, 2000, 1), _series("busy", 900, 40, 2000, 2)]).sort("timestamp")
    scored = Scorer(ZScoreDetector()).score(frame)
    assert scored["predicted"].sum() == 0
    assert scored.filter(pl.col("server") == "busy")["expected"].drop_nulls().mean() > 800


def test_warm_up_then_scores():
    scored = Scorer(ZScoreDetector(warmup=30)).score(_series("s", 50, 2, 100, 4))
    assert scored["score"][:30].is_null().all()
    assert scored["reason"][0].startswith("warming up")
    assert scored["score"][30 + 15 :].is_not_null().all()  # warmup + refresh
    assert not scored["predicted"][:30].any()


def test_scores_do_not_depend_on_batch_cuts(generated):
    frame = read_all(generated)
    whole = Scorer(ZScoreDetector()).score(frame)
    scorer = Scorer(ZScoreDetector())
    cuts = [0, 1, 2, 500, 501, 4000, 7777, frame.height]
    parts = pl.concat([scorer.score(frame.slice(a, b - a)) for a, b in zip(cuts, cuts[1:])])
    assert parts.equals(whole)
