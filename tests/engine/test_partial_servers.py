"""Servers that send only some of the model's components, and components the model never saw:
judged on what they send (a z-score of their own values), not flagged for what is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from engine_support import read_all
from logwatch.engine.bundle import load_bundle
from logwatch.engine.detect.autoencoder import AutoencoderDetector
from logwatch.engine.score import Scorer


def _scored(bundle: Path, frame: pl.DataFrame, batch: int = 2_000) -> pl.DataFrame:
    scorer = Scorer(AutoencoderDetector(load_bundle(bundle)))
    parts = [scorer.score(frame.slice(i, batch)) for i in range(0, frame.height, batch)]
    return pl.concat([*parts, scorer.flush()], how="diagonal_relaxed")


def _normal_flagged(scored: pl.DataFrame, server: str) -> float:
    mine = scored.filter((pl.col("server") == server) & ~pl.col("anomalous") & pl.col("score").is_not_null())
    return mine["predicted"].mean()


def test_a_server_sending_only_cpu_is_judged_on_cpu_and_says_what_it_lacks(tiny_bundle, generated) -> None:
    frame = read_all(generated)
    server = frame["server"][0]
    cpu_only = frame.filter((pl.col("server") != server) | (pl.col("component") == "CPU"))
    # Without the fallback, the model saw Memory and Disk at their centres next to a live CPU.
    scored = _scored(tiny_bundle, cpu_only)
    mine = scored.filter(pl.col("server") == server)
    assert mine.height == cpu_only.filter(pl.col("server") == server).height
    assert mine["score"].is_not_null().mean() > 0.9
    assert _normal_flagged(scored, server) < 0.01
    reasons = mine.filter(pl.col("score").is_not_null())["reason"]
    assert reasons.str.contains("the server sends no Memory, Disk", literal=True).all()
    # The other servers are judged by the model as before.
    others = scored.filter(pl.col("server") != server)
    assert not others["reason"].str.contains("z-score").any()
    full = _scored(tiny_bundle, frame).filter(pl.col("server") != server)
    key = ["timestamp", "server", "component"]
    a, b = others.sort(key)["score"].to_numpy(), full.sort(key)["score"].to_numpy()
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)  # float32 ONNX runs of other batch shapes


def test_a_component_the_model_never_saw_is_scored_by_its_own_values(tiny_bundle, generated) -> None:
    frame = read_all(generated)
    gpu = frame.filter(pl.col("component") == "CPU").with_columns(
        pl.lit("GPU").alias("component"), (pl.col("value") * 0.5 + 10).alias("value")
    )  # keeps CPU's labels: its anomalies are GPU's too
    spiked = gpu.with_columns(
        pl.when(pl.int_range(pl.len()) == gpu.height - 30).then(500.0).otherwise(pl.col("value")).alias("value")
    )
    scored = _scored(tiny_bundle, pl.concat([frame, spiked]).sort("timestamp", maintain_order=True))
    mine = scored.filter(pl.col("component") == "GPU")
    assert mine["score"].is_not_null().mean() > 0.9
    assert mine.filter(pl.col("value") == 500.0)["predicted"].all()
    assert mine.filter((pl.col("value") != 500.0) & ~pl.col("anomalous"))["predicted"].mean() < 0.01
    assert mine.filter(pl.col("score").is_not_null())["reason"].str.contains("GPU is not in the model").all()


def test_a_full_server_cut_mid_step_is_still_judged_by_the_model(tiny_bundle, generated) -> None:
    frame = read_all(generated).head(3_000)
    one_by_one = _scored(tiny_bundle, frame, batch=1)
    whole = _scored(tiny_bundle, frame, batch=frame.height)
    assert not one_by_one["reason"].str.contains("z-score").any()
    key = ["timestamp", "server", "component"]
    np.testing.assert_allclose(one_by_one.sort(key)["score"].to_numpy(), whole.sort(key)["score"].to_numpy(),
                               rtol=1e-4, atol=1e-6)


def test_warming_up_full_servers_needs_no_fallback(tiny_bundle, generated) -> None:
    frame = read_all(generated)
    detector = AutoencoderDetector(load_bundle(tiny_bundle))
    detector.fit(frame.head(900))  # every server sends every component: nothing for the z-score
    scored = Scorer(detector).score(frame.slice(900, 900))
    assert scored["score"].is_not_null().all()
