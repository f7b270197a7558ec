"""Loading the detector the monitor scores with, and describing it for the screen.

Thin glue over the engine (`make_detector`, `Scorer`, bundles): the TUI decides only what
to do when there is no model yet (z-score at once, train one in the background).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from logwatch.engine.bundle import bundle_exists, default_model_dir, load_bundle
from logwatch.engine.score import Scorer, make_detector
from logwatch.engine.monitor.state import ModelInfo

ZSCORE_NAME = "z-score (no model)"
ZSCORE_CHOSEN = "z-score"
"""The name when the user chose the z-score detector (`--detector zscore`)."""


def model_folder(model_dir: str | Path | None) -> Path:
    return Path(model_dir).expanduser() if model_dir is not None else default_model_dir()


def load_scorer(kind: str, model_dir: str | Path | None,
                threshold: float | None) -> tuple[Scorer, ModelInfo, str | None]:
    """The scorer to start with, its description, and a warning when the default folder's
    model cannot be used (z-score then). `auto` without a bundle gives the z-score baseline
    (the caller may then train a first model into `model_folder(model_dir)`)."""
    folder = model_folder(model_dir)
    chosen = kind == "zscore"  # asked for, not a fallback: "no model" would be wrong
    if kind == "auto" and not bundle_exists(folder):
        kind = "zscore"
    detector = make_detector(kind, model_dir)
    scorer = Scorer(detector, threshold)
    info = describe(scorer, folder if detector.name != "zscore" else None)
    broken = kind == "auto" and detector.name == "zscore"  # a bundle is there, but unusable
    warning = detector.why.removeprefix("z-score detector: ") + "; scoring with z-score" if broken else None
    return scorer, replace(info, name=ZSCORE_CHOSEN) if chosen else info, warning


def scorer_from_bundle(path: Path) -> tuple[Scorer, ModelInfo]:
    """A fresh scorer for the bundle at `path`, at the bundle's own threshold."""
    from logwatch.engine.detect.autoencoder import AutoencoderDetector

    bundle = load_bundle(path)
    scorer = Scorer(AutoencoderDetector(bundle))
    return scorer, describe(scorer, path)


def describe(scorer: Scorer, path: Path | None) -> ModelInfo:
    detector = scorer.detector
    if path is None or getattr(detector, "bundle", None) is None:
        return ModelInfo(ZSCORE_NAME, "z-score", scorer.threshold)
    bundle = detector.bundle  # type: ignore[attr-defined]
    return ModelInfo(
        name=path.name,
        backend=bundle.backend,
        threshold=scorer.threshold,
        created=_epoch(bundle.created),
        path=str(path),
        meta=bundle.meta,
    )


def _epoch(iso: str) -> float | None:
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def age_words(seconds: float) -> str:
    """"45s", "12m", "3h", "5d"."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size:.0f}{unit}"
    return f"{seconds:.0f}s"
