"""Choosing the detector: the one decision behind `--detector` and `--model`, for headless
runs and the monitor alike.

- `zscore`: the z-score baseline; no model needed.
- `autoencoder`: the bundle in the models folder (`--model DIR`, else the per-user
  default); one that cannot be loaded is a UserError.
- `auto`: the autoencoder when the folder holds a bundle, else z-score. A broken bundle in
  the default folder gives z-score and a warning; a broken one the user named is a
  UserError. A named folder without a bundle is a UserError too, unless the caller will
  train a first model into it (`first_model_here`, the monitor).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from logwatch.engine.bundle import bundle_exists, default_model_dir, load_bundle
from logwatch.engine.detect.base import Detector
from logwatch.engine.detect.zscore import ZScoreDetector
from logwatch.engine.errors import UserError

DETECTORS = ("auto", "zscore", "autoencoder")
ZSCORE_MEANWHILE = "--detector zscore runs without a model meanwhile"
"""Added to the error when the model the user named cannot be loaded."""


@dataclass(frozen=True)
class LoadedModel:
    """The detector chosen, where models live, and what the user should hear about it."""

    detector: Detector
    """`detector.why` says which detector and why, in one line."""
    folder: Path
    """The models folder (`--model`, else the per-user default): the bundle scored with,
    or where a first model would go."""
    warning: str | None = None
    """Why the default folder's model is not used (it cannot be loaded), or None."""


def load_model(kind: str = "auto", model_dir: Path | str | None = None, *,
               first_model_here: bool = False) -> LoadedModel:
    """The detector for `--detector kind` and `--model model_dir` (None: the default folder).

    `first_model_here`: a named folder without a bundle gives z-score (the caller trains a
    first model into it) instead of a UserError."""
    if kind not in DETECTORS:
        raise UserError(f"--detector must be one of {', '.join(DETECTORS)}, got {kind!r}")
    folder = Path(model_dir).expanduser() if model_dir is not None else default_model_dir()
    if kind == "zscore":
        return LoadedModel(ZScoreDetector(why="z-score detector (chosen with --detector zscore)"), folder)
    if kind == "auto" and not bundle_exists(folder):
        if model_dir is not None and not first_model_here:
            raise UserError(f"--model {folder}: no model bundle there (model.json and model.onnx); "
                            f"{ZSCORE_MEANWHILE}")
        return LoadedModel(ZScoreDetector(why=f"z-score detector: no model bundle at {folder}"), folder)
    try:
        return LoadedModel(load_autoencoder(folder), folder)
    except UserError as error:
        if kind == "auto" and model_dir is None:
            why = f"cannot use the default model: {error}"
            return LoadedModel(ZScoreDetector(why=f"z-score detector: {why}"), folder,
                               warning=f"{why}; scoring with z-score")
        raise UserError(f"{error}; {ZSCORE_MEANWHILE}") from None


def make_detector(kind: str = "auto", model_dir: Path | str | None = None) -> Detector:
    """`load_model(kind, model_dir).detector`: the detector alone."""
    return load_model(kind, model_dir).detector


def load_autoencoder(folder: Path) -> Detector:
    """The autoencoder of the bundle in `folder`; UserError when it cannot be loaded."""
    from logwatch.engine.detect.autoencoder import AutoencoderDetector

    bundle = load_bundle(folder)
    return AutoencoderDetector(bundle, why=f"autoencoder: {bundle.describe()}")
