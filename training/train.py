"""One training run: log -> engine windows -> autoencoder -> ONNX -> threshold -> bundle.

Every step that touches features or bundles goes through the engine (`logwatch.engine.window`,
`logwatch.engine.bundle`), so what is trained here is exactly what the detector scores.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from logwatch.engine.bundle import default_model_dir, make_meta, write_bundle
from logwatch.engine.errors import UserError
from logwatch.engine.threshold import DAY_SECONDS, calibrate_threshold, error_histogram, step_budget
from logwatch.engine.window import (
    DEFAULT_WINDOW,
    FeatureSpec,
    Scaling,
    StepGrid,
    WindowSet,
    align,
    build_windows,
    discover_components,
    fit_error_scale,
    fit_noise,
    fit_profiles,
    fit_scaling,
    infer_step_seconds,
)
from logwatch.training import charts
from logwatch.training.augment import AMPLITUDE, CORRUPT_SHARE, ServerRows, corrupted_features
from logwatch.training.backends import choose_backend, choose_encoder, load_backend
from logwatch.training.cli_args import DEFAULT_ALARMS_PER_DAY, DEFAULT_MAX_ENTRIES
from logwatch.training.data import TrainingData, read_training_data
from logwatch.training.models.base import ONNX_INPUT, ONNX_OUTPUT, FitConfig, auto_bottleneck
from logwatch.training.models.onnx_check import check_equivalence, onnx_predict
from logwatch.training.progress import Progress
from logwatch.training.scoring import entry_scores
from logwatch.training.split import split_windows

MIN_WINDOWS = 50
"""Fewer training windows than this cannot fit anything meaningful."""

MIN_VALIDATION_STEPS = 1000
"""Below this many validation time steps the threshold is calibrated on every window: a
tail fitted to a few hundred errors is mostly noise."""

CHECK_ROWS = 2000
"""Rows on which the ONNX export is compared with the framework's output."""

BASELINE_BLOCK_SECONDS = 3600
BASELINE_BLOCKS = 12
"""Windows are centred on the median of the means of the previous 12 hourly blocks (half
a day): a metric that settles on a new level stops alarming about six hours later (see
`FeatureSpec.baseline_blocks`), while a fault of up to five hours barely moves it. Real
server faults last hours: with quarter-hour blocks the centre followed a six-hour fault
after an hour and a half, and the rest of it went unreported (SMD AUC-PR 0.39 against
0.44 with hourly blocks, ASD 0.48 against 0.50; see docs/quality.md for what it costs on NAB)."""

PROFILE_BINS = 48
"""Windows are centred on a daily profile of half-hour bins (see `FeatureSpec.profile_bins`)
when the training data spans at least PROFILE_MIN_DAYS days."""

PROFILE_MIN_DAYS = 1.0
"""Less than a day cannot show a daily rhythm. From one day on the profile is used: on
generated data two days with it reach F1 0.956 instead of 0.928 (the baseline no longer
chases the busy-hours ramp), and on NAB (two days of training) it changes little."""

STEP_SCORE = True
"""Drivers score their whole step (see `FeatureSpec.step_score`)."""

DRIVER_RATIO = 0.5
"""A component scores fully only when its score is at least half the largest of its
server at that step (see `FeatureSpec.driver_ratio`)."""


@dataclass
class TrainOptions:
    """Everything `logwatch train` accepts (the CLI defaults)."""

    source: str
    out: Path | None = None
    source_name: str | None = None
    """What model.json calls the training data (None: `source` as given)."""
    backend: str | None = None
    window: int | None = None
    adaptive_scale: bool = False
    """Widen the scale when a metric's noise grows after training (`FeatureSpec.adaptive_scale`)."""
    target_far: float | None = None
    """Share of a server's normal time steps to flag; None: from `alarms_per_day`."""
    alarms_per_day: float = DEFAULT_ALARMS_PER_DAY
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
    encoder = choose_encoder(options.fit.encoder, backend)
    out = Path(options.out).expanduser() if options.out else default_model_dir()
    progress.emit(
        "start", backend=backend, backend_reason=why, source=options.source,
        out=str(out.absolute()), epochs=options.fit.epochs,
    )
    data = read_training_data(options.source, options.max_entries)
    prepared = _prepare(data, options.window, options.adaptive_scale)
    spec, windows = prepared.spec, prepared.windows
    split = split_windows(windows, options.fit.seed, spec.window)
    if len(split.train) < MIN_WINDOWS or len(split.val) < MIN_WINDOWS // 5:
        raise UserError(
            f"{options.source}: only {len(windows.x)} complete windows of {spec.window} steps; "
            "need more data (or a smaller --window)"
        )
    progress.emit(
        "data", entries=data.frame.height, entries_total=data.total_entries,
        sampled=data.sampled, bad_lines=data.bad_lines, windows=len(windows.x),
        train_windows=len(split.train), val_windows=len(split.val), features=spec.dim,
        components=list(spec.components), step_seconds=spec.step_seconds,
    )
    train_x, val_x = windows.x[split.train], windows.x[split.val]
    rng = np.random.default_rng(options.fit.seed)
    val_in = prepared.corrupted(np.random.default_rng(options.fit.seed + 1))[split.val]
    fit = replace(
        options.fit,
        bottleneck=options.fit.bottleneck or auto_bottleneck(spec.n_components),
        encoder=encoder,
        sequence=(spec.window, spec.n_components),
    )
    fitted = load_backend(backend).fit(
        lambda epoch: prepared.corrupted(rng)[split.train], train_x, val_in, val_x,
        fit, _epoch_reporter(fit, progress),
    )
    diff = check_equivalence(fitted, val_x[:CHECK_ROWS])
    progress.emit("export", format="onnx", backend=backend, max_abs_diff=diff)

    # Typical residual of each scored column on validation data: one threshold for all.
    spec = fit_error_scale(val_x, onnx_predict(fitted.onnx, val_x), spec)
    rows, where = split.calibration, "validation entries"
    if len(rows) < MIN_VALIDATION_STEPS:  # a short log: every window
        rows, where = np.arange(len(windows.x)), "all training entries (the log is short)"
    # The budget counts time steps: a server's step is flagged when any of its entries is.
    peaks = entry_scores(fitted.onnx, windows.x[rows], spec).max(axis=1)
    labels = None if windows.labels is None else windows.labels[rows].any(axis=1)
    normal = peaks if labels is None else peaks[~labels]
    rate = options.target_far or step_budget(options.alarms_per_day, spec.step_seconds)
    value, how = calibrate_threshold(normal, rate)
    how["budget"] = "per time step"
    how["alarms_per_day"] = rate * DAY_SECONDS / spec.step_seconds
    how["calibrated_on"] = where + (" labeled normal" if labels is not None else "")
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
        "denoising": {"corrupt_share": CORRUPT_SHARE, "amplitude": list(AMPLITUDE)},
    }
    meta = make_meta(
        spec=spec, scaling=prepared.scaling, threshold=how, onnx_input=ONNX_INPUT,
        onnx_output=ONNX_OUTPUT, backend=backend,
        training_data={
            "fingerprint": data.fingerprint(), "entries": data.frame.height,
            "entries_total": data.total_entries, "source": options.source_name or str(options.source),
        },
        metrics=metrics,
        history=fitted.history,
        error_histogram=error_histogram(normal, value),
        model={"encoder": fit.encoder, "hidden": fit.hidden, "bottleneck": fit.bottleneck, "seed": fit.seed},
    )
    with tempfile.TemporaryDirectory(prefix="logwatch-charts-") as folder:
        charts.loss_curves(fitted.history, fitted.best_epoch, Path(folder) / charts.LOSS_CURVES)
        charts.error_distribution(normal, value, Path(folder) / charts.ERROR_DISTRIBUTION)
        try:
            path = write_bundle(out, fitted.onnx, meta, folder)
        except OSError as error:
            raise UserError(f"--out {out}: cannot write the bundle ({error.strerror or error})") from None
    seconds = time.monotonic() - started
    progress.emit("done", bundle=str(path), threshold=value, seconds=round(seconds, 3), backend=backend)
    return TrainResult(path, backend, value, seconds, meta)


@dataclass
class Prepared:
    """The engine's view of the training data: spec, grid, per-server rows, windows."""

    spec: FeatureSpec
    scaling: Scaling
    grid: StepGrid
    series: list[ServerRows]
    windows: WindowSet

    def corrupted(self, rng: np.random.Generator) -> np.ndarray:
        """All windows again, built from rows with injected faults (same order)."""
        return corrupted_features(self.series, self.spec, self.grid, rng)


def _prepare(data: TrainingData, window: int | None, adaptive_scale: bool = False) -> Prepared:
    frame = data.frame
    step_seconds = infer_step_seconds(frame)
    spec = FeatureSpec(
        components=discover_components(frame),
        window=window or DEFAULT_WINDOW,
        step_seconds=step_seconds,
        baseline_blocks=BASELINE_BLOCKS,
        baseline_block_steps=max(1, round(BASELINE_BLOCK_SECONDS / step_seconds)),
        volatility=False,
        stuck=True,
        driver_ratio=DRIVER_RATIO,
        step_score=STEP_SCORE,
        adaptive_scale=adaptive_scale,
    )
    grid, rows = align(frame, spec)
    spec = replace(spec, bounds=_bounds(rows, len(spec.components)))
    if _days_spanned(rows, step_seconds) >= PROFILE_MIN_DAYS:
        spec = replace(spec, profile_bins=PROFILE_BINS)
    scaling = fit_scaling(rows, spec.components)
    if spec.profile_bins:
        default, profiles = fit_profiles(rows, grid, spec.profile_bins, spec.n_components)
        scaling = replace(scaling, default_profile=default, profiles=profiles)
    if spec.adaptive_scale:
        default_noise, noises = fit_noise(rows, spec)
        scaling = replace(scaling, default_noise=default_noise, noises=noises)
    windows = build_windows(frame, spec, scaling, grid)
    series = [
        ServerRows(s, r, *scaling.for_server(s), scaling.profile_for(s), scaling.noise_for(s))
        for s, r in rows.items()
    ]
    return Prepared(spec, scaling, grid, series, windows)


def _days_spanned(rows: dict, step_seconds: float) -> float:
    """Days from the first to the last step of the training data (any server)."""
    steps = [r.steps for r in rows.values() if len(r)]
    if not steps:
        return 0.0
    return float(max(s[-1] for s in steps) - min(s[0] for s in steps)) * step_seconds / 86_400


def _bounds(rows: dict, n_components: int) -> tuple[float, ...]:
    """Lowest and highest value of each component over all servers (for `FeatureSpec.bounds`)."""
    values = np.vstack([r.values for r in rows.values()]) if rows else np.zeros((0, n_components))
    with np.errstate(all="ignore"):
        low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    return tuple(float(v) for pair in zip(low, high) for v in pair)


def _epoch_reporter(config: FitConfig, progress: Progress):
    """The per-epoch callback: an `epoch` event with losses and an ETA."""
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

    return on_epoch
