"""`logwatch eval` and what it measures: the autoencoder catches a contextual anomaly that
the z-score detector misses (a quiet-hours CPU at its busy-hours level looks ordinary to a
per-series statistic, not to a model that knows the time of day and the other metrics)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from training_support import run_training, small_log, write_log  # noqa: F401 (fixture)

from logwatch.engine.model_loader import make_detector
from logwatch.engine.parse import read_batches
from logwatch.engine.score import Scorer
from logwatch.training.evaluate_cmd import evaluate_source

CONTEXTUAL_SEED = 12
"""A seed whose first 2000 steps hold contextual episodes (about 300 entries)."""


@pytest.fixture(scope="module")
def model(small_log, tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "current"
    result = run_training(str(small_log), "--out", str(out), "--backend", "sklearn", "--epochs", "30")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def contextual_log(tmp_path_factory):
    return write_log(tmp_path_factory.mktemp("eval") / "unseen.jsonl", steps=2000, seed=CONTEXTUAL_SEED)


def _scored(detector, log) -> pl.DataFrame:
    scorer = Scorer(detector)
    return pl.concat([scorer.score(b) for b in read_batches(log)] + [scorer.flush()], how="diagonal_relaxed")


def test_autoencoder_catches_contextual_anomalies_the_zscore_detector_misses(model, contextual_log):
    auto = _scored(make_detector("autoencoder", model), contextual_log)
    zscore = _scored(make_detector("zscore"), contextual_log)
    key = ["timestamp", "server", "component"]
    both = auto.select(*key, "anomaly_type", pl.col("predicted").alias("auto")).join(
        zscore.select(*key, pl.col("predicted").alias("z")), on=key
    )
    contextual = both.filter(pl.col("anomaly_type") == "contextual")
    assert contextual.height >= 100
    auto_recall, z_recall = contextual["auto"].mean(), contextual["z"].mean()
    assert auto_recall >= 0.9, auto_recall
    assert auto_recall - z_recall >= 0.15, (auto_recall, z_recall)
    missed_by_z = contextual.filter(pl.col("auto") & ~pl.col("z")).height
    assert missed_by_z >= 50
    # The flagged entries are the CPU the episode altered, not the healthy neighbours.
    assert set(contextual["component"].unique()) == {"CPU"}


def test_evaluate_source_counts_both_detectors_over_the_same_entries(model, contextual_log):
    result = evaluate_source(contextual_log, model)
    assert result.autoencoder.total == result.zscore.total == 18_000
    assert result.autoencoder.tp + result.autoencoder.fn == result.zscore.tp + result.zscore.fn
    assert result.autoencoder.type_recall()["contextual"] > result.zscore.type_recall()["contextual"]
    assert len(result.scores) == len(result.labels) > 17_000 and np.isfinite(result.scores).all()
    # Episodes come from the labels alone, so both detectors see the same ones.
    auto, z = result.autoencoder.episodes.per_kind(), result.zscore.episodes.per_kind()
    assert {k: e.total for k, e in auto.items()} == {k: e.total for k, e in z.items()}
    assert auto["contextual"].total >= 1 and auto["contextual"].caught >= z["contextual"].caught


def test_logwatch_eval_prints_the_side_by_side_table_and_writes_the_chart(model, contextual_log, tmp_path, logwatch):
    result = logwatch("eval", str(contextual_log), "--model", str(model), "--charts", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    for line in ("autoencoder", "z-score", "false positives", "precision", "F1", "contextual",
                 "episodes caught (median delay)"):
        assert line in text
    assert (tmp_path / "unseen_data_errors.png").read_bytes()[:4] == b"\x89PNG"


def test_logwatch_eval_with_a_threshold_override_uses_it(model, contextual_log, tmp_path, logwatch):
    result = logwatch("eval", str(contextual_log), "--model", str(model), "--charts", str(tmp_path),
                      "--threshold", "1000")
    assert result.returncode == 0, result.stderr
    assert "autoencoder threshold 1000" in result.stdout.decode()


def test_logwatch_eval_refuses_unlabeled_logs_and_missing_models(tmp_path, logwatch, model):
    plain = tmp_path / "plain.jsonl"
    plain.write_text('{"timestamp": "2025-01-05T00:00:00", "server": "a", "component": "CPU", "value": 1}\n')
    result = logwatch("eval", str(plain), "--model", str(model))
    assert result.returncode == 2 and "labels" in result.stderr.decode()
    result = logwatch("eval", str(plain), "--model", str(tmp_path / "none"))
    assert result.returncode == 2 and "Traceback" not in result.stderr.decode()


def test_logwatch_eval_spells_out_control_and_bidi_characters_of_anomaly_types(model, contextual_log, tmp_path, logwatch):
    hostile = tmp_path / "hostile.jsonl"
    text = contextual_log.read_text().replace('"anomaly_type": "spike"', '"anomaly_type": "sp\\u202eike\\u001b[31m"')
    assert "\\u202e" in text
    hostile.write_text(text)
    result = logwatch("eval", str(hostile), "--model", str(model), "--charts", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "sp\\u202eike\\x1b[31m" in out and "\u202e" not in out and "\x1b" not in out
