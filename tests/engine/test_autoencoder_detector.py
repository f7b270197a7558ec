"""The autoencoder detector on a real (tiny, skl2onnx) bundle, and bundle loading/writing."""

from __future__ import annotations

import json
import shutil

import numpy as np
import polars as pl
import pytest

from engine_support import read_all
from logwatch.engine.bundle import load_bundle, write_bundle
from logwatch.engine.errors import UserError
from logwatch.engine.model_loader import make_detector
from logwatch.engine.score import Scorer


def test_auto_picks_the_bundle_and_scores_every_entry_in_order(tiny_bundle, generated):
    detector = make_detector("auto", tiny_bundle)
    assert detector.name == "autoencoder" and str(tiny_bundle) in detector.why
    frame = read_all(generated)
    scorer = Scorer(detector)
    scored = pl.concat([scorer.score(frame), scorer.flush()])
    assert scored.select("timestamp", "server", "component", "value").equals(
        frame.select("timestamp", "server", "component", "value"))
    assert scored.columns[-5:] == ["score", "threshold", "predicted", "reason", "expected"]
    window = detector.spec.window
    # Only each server's first W-1 steps wait for a full window.
    assert scored["score"].null_count() == 3 * 3 * (window - 1)
    assert scored.filter(pl.col("score").is_null())["reason"].str.starts_with("warming up").all()
    assert (scored["threshold"] == detector.default_threshold).all()


def test_injected_spike_is_flagged_with_an_actionable_reason(tiny_bundle, generated):
    frame = read_all(generated).with_row_index("i")
    target = frame.filter((pl.col("server") == "server_2") & (pl.col("component") == "CPU")
                          & ~pl.col("anomalous") & (pl.col("i") > 5000))["i"][0]
    frame = frame.with_columns(
        pl.when(pl.col("i") == target).then(pl.lit(99.0)).otherwise("value").alias("value")).drop("i")
    scorer = Scorer(make_detector("autoencoder", tiny_bundle))
    scored = pl.concat([scorer.score(frame), scorer.flush()]).with_row_index("i")
    hit = scored.filter(pl.col("i") == target).row(0, named=True)
    assert hit["predicted"], hit
    assert hit["reason"].startswith("CPU 99.0 vs expected ") and hit["reason"].endswith("% of error")
    share = int(hit["reason"].rsplit("; ", 1)[1].split("%")[0])
    assert share >= 50  # the spiking component drives the error
    assert abs(hit["expected"] - 99.0) > 10


def test_batch_cuts_do_not_change_scores(tiny_bundle, generated):
    frame = read_all(generated)
    one = Scorer(make_detector("autoencoder", tiny_bundle))
    whole = pl.concat([one.score(frame), one.flush()])
    many = Scorer(make_detector("autoencoder", tiny_bundle))
    cuts = [0, 1, 5, 1000, 1001, 6000, frame.height]
    parts = pl.concat([many.score(frame.slice(a, b - a)) for a, b in zip(cuts, cuts[1:])] + [many.flush()])
    assert parts.drop("score", "expected").equals(whole.drop("score", "expected"))
    # onnxruntime may sum in another order for another batch size: float32 noise only.
    assert np.allclose(parts["score"].to_numpy(), whole["score"].to_numpy(), rtol=1e-4, equal_nan=True)


def test_components_not_in_the_model_are_judged_by_their_own_values(tiny_bundle, generated):
    frame = read_all(generated).head(900)
    extra = frame.filter(pl.col("component") == "Disk").with_columns(pl.lit("GPU").alias("component"))
    mixed = pl.concat([frame, extra]).sort("timestamp", maintain_order=True)
    scorer = Scorer(make_detector("autoencoder", tiny_bundle))
    scored = pl.concat([scorer.score(mixed), scorer.flush()])
    gpu = scored.filter(pl.col("component") == "GPU")
    assert gpu.height == extra.height
    assert gpu["reason"].str.ends_with("(z-score: GPU is not in the model)").all()
    assert gpu["reason"][0].startswith("warming up") and gpu["score"][0] is None
    assert gpu["score"].tail(20).is_not_null().all()


def _copy(bundle, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(bundle, target)
    return target


@pytest.mark.parametrize("damage, message", [
    ("missing", "no model bundle there"),
    ("no_onnx", "model.onnx is missing"),
    ("bad_json", "not valid JSON"),
    ("new_version", "format_version 99 is not supported"),
    ("missing_key", "missing key 'scaling'"),
    ("wrong_dim", "model takes"),
    ("not_onnx", "cannot load the model"),
    ("no_profile", "scaling.daily_profile needs 48 levels per component"),
    ("no_noise", "features.adaptive_scale needs scaling.noise"),
])
def test_broken_bundles_give_one_line_errors(tiny_bundle, tmp_path, damage, message):
    folder = _copy(tiny_bundle, tmp_path)
    meta = json.loads((folder / "model.json").read_text())
    if damage == "missing":
        shutil.rmtree(folder)
    elif damage == "no_onnx":
        (folder / "model.onnx").unlink()
    elif damage == "bad_json":
        (folder / "model.json").write_text("{not json")
    elif damage == "new_version":
        meta["format_version"] = 99
    elif damage == "missing_key":
        del meta["scaling"]
    elif damage == "wrong_dim":
        meta["window"] = meta["window"] + 1
    elif damage == "no_profile":
        meta["features"]["daily_profile_bins"] = 48
        meta["scaling"].pop("daily_profile", None)
    elif damage == "no_noise":
        meta["features"]["adaptive_scale"] = True
        meta["scaling"].pop("noise", None)
    elif damage == "not_onnx":
        (folder / "model.onnx").write_bytes(b"definitely not onnx")
    if damage in ("new_version", "missing_key", "wrong_dim", "no_profile", "no_noise"):
        (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(UserError) as caught:
        make_detector("autoencoder", folder)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_auto_without_a_bundle_falls_back_to_zscore_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    detector = make_detector("auto")
    assert detector.name == "zscore" and str(tmp_path) in detector.why
    with pytest.raises(UserError):
        make_detector("autoencoder")
    with pytest.raises(UserError):
        make_detector("auto", tmp_path / "nowhere")  # an explicit --model must exist


def test_write_bundle_replaces_atomically_and_keeps_the_old_one_on_failure(tiny_bundle, tmp_path):
    old = load_bundle(tiny_bundle)
    target = tmp_path / "models" / "current"
    onnx = old.onnx_path.read_bytes()
    write_bundle(target, onnx, old.meta, {"a.png": b"png"})
    assert (target / "charts" / "a.png").read_bytes() == b"png"
    newer = dict(old.meta, threshold={"value": 9.5, "method": "manual"})
    write_bundle(target, onnx, newer, None)
    assert load_bundle(target).threshold == 9.5
    with pytest.raises(FileNotFoundError):
        write_bundle(target, onnx, old.meta, tmp_path / "no-such-charts")
    with pytest.raises(UserError):
        write_bundle(target, onnx, {k: v for k, v in old.meta.items() if k != "window"})
    assert load_bundle(target).threshold == 9.5  # the previous bundle survived both failures
    assert sorted(p.name for p in target.parent.iterdir()) == ["current"]  # no temp folders left
