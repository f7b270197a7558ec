"""`python -m logwatch.training` and `logwatch train` as real subprocesses: the progress
stream, the bundle the engine loads and scores with, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from training_support import run_training, small_log, unseen_log, write_log  # noqa: F401 (fixtures)

from logwatch.engine.bundle import load_bundle
from logwatch.engine.model_loader import make_detector
from logwatch.engine.parse import read_batches
from logwatch.engine.score import Scorer
from logwatch.training.backends import keras_available
from logwatch.training.models.onnx_check import onnx_predict

FAST = ("--backend", "sklearn", "--epochs", "4")


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.fixture(scope="module")
def trained(small_log, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "model"
    result = run_training(str(small_log), "--out", str(out), *FAST, "--progress", "jsonl")
    assert result.returncode == 0, result.stderr
    return out, _events(result.stdout)


def test_progress_stream_is_one_json_event_per_line_in_order(trained):
    out, events = trained
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert kinds.index("data") < kinds.index("epoch") < kinds.index("export") < kinds.index("done")
    start = events[0]
    assert start["backend"] == "sklearn" and "--backend" in start["backend_reason"]
    epochs = [e for e in events if e["event"] == "epoch"]
    assert [e["epoch"] for e in epochs] == list(range(1, len(epochs) + 1))
    for e in epochs:
        assert e["epochs"] == 4 and e["loss"] > 0 and e["val_loss"] > 0 and e["eta_seconds"] >= 0
    assert epochs[-1]["eta_seconds"] == 0 or len(epochs) < 4
    assert all(a["time"] <= b["time"] for a, b in zip(events, events[1:]))
    done = events[-1]
    assert Path(done["bundle"]) == out.absolute() and done["threshold"] > 0


def test_bundle_has_the_model_the_metadata_and_the_charts(trained):
    out, _ = trained
    bundle = load_bundle(out)
    meta = bundle.meta
    assert meta["backend"] == "sklearn" and meta["model"]["encoder"] == "dense"
    assert meta["components"] == ["CPU", "Memory", "Disk"] and meta["step_seconds"] == 10.0
    assert meta["threshold"]["method"] in ("pot", "quantile")
    # The default budget is two false alarms per server and day: at a 10 s step, 2 in 8,640.
    assert meta["threshold"]["target_false_alarm_rate"] == pytest.approx(2 / 8640)
    assert meta["threshold"]["alarms_per_day"] == pytest.approx(2.0)
    assert meta["training_data"]["entries"] == 18_000 and meta["training_data"]["fingerprint"].startswith("sha256:")
    assert len(meta["history"]["loss"]) == len(meta["history"]["val_loss"]) == meta["metrics"]["epochs_run"]
    assert sum(meta["error_histogram"]["counts"]) > 0
    for chart in ("loss_curves.png", "error_distribution.png"):
        assert (out / "charts" / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Only the bundle itself is left behind, no temporary folders.
    assert [p.name for p in out.parent.iterdir()] == ["model"]


def test_the_engine_scores_unseen_logs_with_the_trained_bundle(trained, unseen_log):
    out, _ = trained
    detector = make_detector("autoencoder", out)
    assert detector.name == "autoencoder"
    scorer = Scorer(detector)
    frames = [scorer.score(batch) for batch in read_batches(unseen_log)] + [scorer.flush()]
    scored = pl.concat(frames)
    assert scored.height == 18_000
    scores = scored["score"].drop_nulls().to_numpy()
    assert len(scores) > 17_000 and np.isfinite(scores).all()
    assert scored["threshold"].unique().to_list() == [load_bundle(out).threshold]


def test_training_twice_with_the_same_seed_gives_the_same_model(trained, small_log, tmp_path):
    out, _ = trained
    again = tmp_path / "again"
    result = run_training(str(small_log), "--out", str(again), *FAST)
    assert result.returncode == 0, result.stderr
    first, second = load_bundle(out), load_bundle(again)
    assert second.threshold == first.threshold
    assert second.meta["history"] == first.meta["history"]
    rows = np.random.default_rng(0).normal(size=(64, first.spec.dim)).astype(np.float32)
    np.testing.assert_array_equal(
        onnx_predict(first.onnx_path.read_bytes(), rows), onnx_predict(second.onnx_path.read_bytes(), rows)
    )


def test_human_progress_without_jsonl_names_the_backend(small_log, tmp_path):
    result = run_training(str(small_log), "--out", str(tmp_path / "m"), *FAST)
    assert result.returncode == 0, result.stderr
    assert "training with the sklearn backend" in result.stdout
    assert "epoch 1/4" in result.stdout and "bundle written to" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_logwatch_train_is_the_same_command(small_log, tmp_path, logwatch):
    result = logwatch("train", str(small_log), "--out", str(tmp_path / "m"), *FAST, "--progress", "jsonl")
    assert result.returncode == 0, result.stderr
    assert _events(result.stdout.decode())[-1]["event"] == "done"


def test_a_missing_file_is_one_line_exit_2_and_an_error_event(tmp_path):
    result = run_training(str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "m"), *FAST, "--progress", "jsonl")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("logwatch: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    events = _events(result.stdout)
    assert [e["event"] for e in events] == ["start", "error"]
    assert "nope.jsonl" in events[-1]["message"]


def test_a_failed_logwatch_train_says_its_error_once(tmp_path):
    result = subprocess.run([sys.executable, "-m", "logwatch.tui", "train", str(tmp_path / "nope.jsonl"),
                             "--out", str(tmp_path / "m"), *FAST], capture_output=True, text=True, timeout=180)
    assert result.returncode == 2
    said = (result.stdout + result.stderr).count("nope.jsonl: No such file")
    assert said == 1, result.stdout + result.stderr
    assert result.stderr.strip().startswith("logwatch: cannot read ")


def test_too_little_data_says_so(tmp_path):
    log = write_log(tmp_path / "tiny.jsonl", steps=20, seed=1)
    result = run_training(str(log), "--out", str(tmp_path / "m"), *FAST)
    assert result.returncode == 2
    assert "windows" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ["--epochs", "0"], ["--target-far", "0.7"], ["--backend", "torch"], ["--alarms-per-day", "0"],
    ["--alarms-per-day", "3", "--target-far", "0.001"], ["--encoder", "lstm"],
])
def test_bad_options_are_rejected_by_the_parser(small_log, args):
    result = run_training(str(small_log), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_convolutional_encoder_with_scikit_learn_is_one_line_exit_2(small_log, tmp_path):
    result = run_training(str(small_log), "--out", str(tmp_path / "m"), *FAST, "--encoder", "conv")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "logwatch: --encoder conv needs --backend keras (scikit-learn builds dense layers only)"
    )
    assert not (tmp_path / "m").exists()


def test_importing_training_and_the_sklearn_backend_never_import_tensorflow(small_log, tmp_path):
    code = (
        "import sys; from logwatch.training.__main__ import main; "
        f"code = main([{str(small_log)!r}, '--out', {str(tmp_path / 'm')!r}, '--backend', 'sklearn', "
        "'--epochs', '2', '--progress', 'jsonl']); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'; "
        "sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.keras
@pytest.mark.skipif(not keras_available(), reason="needs the keras extra (TensorFlow)")
def test_keras_backend_writes_the_same_bundle_format_and_the_engine_scores_with_it(small_log, unseen_log, tmp_path):
    out = tmp_path / "keras-model"
    result = run_training(str(small_log), "--out", str(out), "--backend", "keras", "--epochs", "3",
                          "--progress", "jsonl")
    assert result.returncode == 0, result.stderr
    events = _events(result.stdout)
    assert events[0]["backend"] == "keras" and events[-1]["event"] == "done"
    assert next(e for e in events if e["event"] == "export")["max_abs_diff"] < 1e-4
    bundle = load_bundle(out)
    assert bundle.backend == "keras" and bundle.onnx_input == "features"
    assert bundle.meta["model"]["encoder"] == "conv"  # keras's default
    scorer = Scorer(make_detector("autoencoder", out))
    scored = pl.concat([scorer.score(b) for b in read_batches(unseen_log)] + [scorer.flush()])
    assert scored.height == 18_000 and scored["score"].drop_nulls().len() > 17_000


def test_adaptive_scale_is_recorded_in_the_bundle_and_the_engine_scores_with_it(small_log, unseen_log, tmp_path):
    out = tmp_path / "adaptive"
    result = run_training(str(small_log), "--out", str(out), *FAST, "--adaptive-scale")
    assert result.returncode == 0, result.stderr
    bundle = load_bundle(out)
    assert bundle.spec.adaptive_scale and set(bundle.meta["scaling"]["noise"]["servers"]) == set(bundle.scaling.servers)
    assert (bundle.scaling.default_noise > 0).all()
    scorer = Scorer(make_detector("autoencoder", out))
    scored = pl.concat([scorer.score(batch) for batch in read_batches(unseen_log)] + [scorer.flush()])
    assert scored["score"].drop_nulls().len() > 17_000


def _daily_log(path: Path, days: float) -> Path:
    """One metric every 10 minutes with a daily rhythm, for `days` days."""
    rng = np.random.default_rng(4)
    steps = int(days * 144)
    start = np.datetime64("2025-01-05T00:00:00")
    lines = []
    for i in range(steps):
        value = 40 + 20 * np.sin(2 * np.pi * i / 144) + rng.normal(0, 1)
        stamp = str(start + np.timedelta64(10 * i, "m"))
        lines.append(json.dumps({"timestamp": stamp, "server": "web", "component": "CPU", "value": round(value, 2)}))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("days", "profiled"), [(0.8, False), (1.5, True)])
def test_a_daily_profile_is_learned_from_a_day_on(tmp_path, days, profiled):
    out = tmp_path / "model"
    result = run_training(str(_daily_log(tmp_path / "log.jsonl", days)), "--out", str(out), *FAST)
    assert result.returncode == 0, result.stderr
    bundle = load_bundle(out)
    assert (bundle.spec.profile_bins > 0) == profiled
    if profiled:
        profile = bundle.scaling.profile_for("web")[:, 0]
        assert profile.max() - profile.min() > 30  # the rhythm (40 +- 20) is in it
