"""One training run: log -> engine windows -> autoencoder -> ONNX -> threshold -> bundle.

Every step that touches features or bundles goes through the engine (`logwatch.engine.window`,
`logwatch.engine.bundle`), so what is trained here is exactly what the detector scores.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from logwatch.engine.bundle import default_model_dir, make_meta, write_bundle
from logwatch.engine.errors import UserError
from logwatch.engine.threshold import calibrate_threshold, error_histogram
from logwatch.engine.window import (
    DEFAULT_WINDOW,
    FeatureSpec,
    align,
    build_windows,
    discover_components,
    fit_scaling,
    infer_step_seconds,
)
from logwatch.training import charts
from logwatch.training.backends import choose_backend, load_backend
from logwatch.training.cli_args import DEFAULT_MAX_ENTRIES, DEFAULT_TARGET_FAR
from logwatch.training.data import TrainingData, read_training_data
from logwatch.training.models.base import ONNX_INPUT, ONNX_OUTPUT, FitConfig
from logwatch.training.models.onnx_check import check_equivalence
from logwatch.training.progress import Progress
from logwatch.training.scoring import entry_scores
from logwatch.training.split import split_windows

MIN_WINDOWS = 50
"""Fewer training windows than this cannot fit anything meaningful."""

CHECK_ROWS = 2000
"""Rows on which the ONNX export is compared with the framework's output."""


@dataclass
class TrainOptions:
    """Everything `logwatch train` accepts (the CLI defaults)."""

    source: str
    out: Path | None = None
    backend: str | None = None
    window: int | None = None
    target_far: float = DEFAULT_TARGET_FAR
    max_entries: int = DEFAULT_MAX_ENTRIES
    fit: FitConfig = field(default_factory=FitConfig)


@dataclass
class TrainResult:
    bundle: Path
    backend: str
    threshold: float
    seconds: float
    meta: dict


def train(options: TrainOptions, progress: Progress) -> TrainResult:
    """Run a whole training and write the bundle; raises UserError on bad input."""
    started = time.monotonic()
    backend, why = choose_backend(options.backend)
    out = Path(options.out).expanduser() if options.out else default_model_dir()
    progress.emit(
        "start", backend=backend, backend_reason=why, source=options.source,
        out=str(out.absolute()), epochs=options.fit.epochs,
    )
    data = read_training_data(options.source, options.max_entries)
    spec, scaling, windows = _windows(data, options.window)
    split = split_windows(windows, options.fit.seed, spec.window)
    train_x, val_x = split.train, split.val
    if len(train_x) < MIN_WINDOWS or len(val_x) < MIN_WINDOWS // 5:
        raise UserError(
            f"{options.source}: only {len(windows.x)} complete windows of {spec.window} steps; "
            "need more data (or a smaller --window)"
        )
    progress.emit(
        "data", entries=data.frame.height, entries_total=data.total_entries,
        sampled=data.sampled, bad_lines=data.bad_lines, windows=len(windows.x),
        train_windows=len(train_x), val_windows=len(val_x), features=spec.dim,
        components=list(spec.components), step_seconds=spec.step_seconds,
    )
    fitted = _fit(backend, train_x, val_x, options.fit, progress)
    diff = check_equivalence(fitted, val_x[:CHECK_ROWS])
    progress.emit("export", format="onnx", backend=backend, max_abs_diff=diff)

    scores = entry_scores(fitted.onnx, split.calibration, spec)
    labels = split.calibration_labels
    normal = scores.ravel() if labels is None else scores[~labels]
    value, how = calibrate_threshold(normal, options.target_far)
    how["calibrated_on"] = "validation windows" + (", labeled-normal entries" if labels is not None else "")
    progress.emit("threshold", **{k: how[k] for k in ("value", "method", "target_false_alarm_rate")})

    metrics = {
        "train_loss": fitted.history["loss"][fitted.best_epoch - 1],
        "val_loss": fitted.history["val_loss"][fitted.best_epoch - 1],
        "best_epoch": fitted.best_epoch,
        "epochs_run": len(fitted.history["loss"]),
        "onnx_max_abs_diff": diff,
        "val_false_alarm_rate": how["observed_rate"],
        "train_windows": int(len(train_x)),
        "val_windows": int(len(val_x)),
    }
    meta = make_meta(
        spec=spec, scaling=scaling, threshold=how, onnx_input=ONNX_INPUT,
        onnx_output=ONNX_OUTPUT, backend=backend,
        training_data={
            "fingerprint": data.fingerprint(), "entries": data.frame.height,
            "entries_total": data.total_entries, "source": str(options.source),
        },
        metrics=metrics,
        history=fitted.history,
        error_histogram=error_histogram(normal, value),
        model={"hidden": options.fit.hidden, "bottleneck": options.fit.bottleneck, "seed": options.fit.seed},
    )
    with tempfile.TemporaryDirectory(prefix="logwatch-charts-") as folder:
        charts.loss_curves(fitted.history, fitted.best_epoch, Path(folder) / charts.LOSS_CURVES)
        charts.error_distribution(normal, value, Path(folder) / charts.ERROR_DISTRIBUTION)
        path = write_bundle(out, fitted.onnx, meta, folder)
    seconds = time.monotonic() - started
    progress.emit("done", bundle=str(path), threshold=value, seconds=round(seconds, 3), backend=backend)
    return TrainResult(path, backend, value, seconds, meta)


def _windows(data: TrainingData, window: int | None):
    """The engine's feature spec, per-server scaling and windows for the training data."""
    frame = data.frame
    spec = FeatureSpec(
        components=discover_components(frame),
        window=window or DEFAULT_WINDOW,
        step_seconds=infer_step_seconds(frame),
    )
    grid, rows = align(frame, spec)
    scaling = fit_scaling(rows, spec.components)
    return spec, scaling, build_windows(frame, spec, scaling, grid)


def _fit(backend: str, train_x: np.ndarray, val_x: np.ndarray, config: FitConfig, progress: Progress):
    started = time.monotonic()
    first_epoch_end = [0.0]

    def on_epoch(epoch: int, loss: float, val_loss: float) -> None:
        elapsed = time.monotonic() - started
        if epoch == 1:
            first_epoch_end[0] = elapsed  # includes framework start-up: not a typical epoch
            per_epoch = elapsed
        else:
            per_epoch = (elapsed - first_epoch_end[0]) / (epoch - 1)
        progress.emit(
            "epoch", epoch=epoch, epochs=config.epochs, loss=loss, val_loss=val_loss,
            elapsed_seconds=round(elapsed, 3),
            eta_seconds=round(per_epoch * (config.epochs - epoch), 3),
        )

    return load_backend(backend).fit(train_x, val_x, config, on_epoch)
