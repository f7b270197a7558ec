"""The model in use, described for the status line and the model screen (`ModelInfo`).

Which detector to use is the engine's decision (`logwatch.engine.model_loader`); this
module only says what the screen calls it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from logwatch.engine.model_loader import LoadedModel, load_autoencoder
from logwatch.engine.score import Scorer
from logwatch.engine.monitor.state import ModelInfo

ZSCORE_NAME = "z-score (no model)"
ZSCORE_CHOSEN = "z-score"
"""The name when the user chose the z-score detector (`--detector zscore`)."""


def loaded_info(loaded: LoadedModel, scorer: Scorer, *, chosen: bool) -> ModelInfo:
    """The description of the model `load_model` gave; `chosen`: the user asked for z-score."""
    info = describe(scorer, loaded.folder)
    return replace(info, name=ZSCORE_CHOSEN) if chosen else info


def scorer_from_bundle(path: Path) -> tuple[Scorer, ModelInfo]:
    """A fresh scorer for the bundle at `path`, at the bundle's own threshold."""
    scorer = Scorer(load_autoencoder(path))
    return scorer, describe(scorer, path)


def describe(scorer: Scorer, path: Path) -> ModelInfo:
    """The scorer's model, loaded from `path`, as the screen shows it; z-score when it has
    no bundle."""
    detector = scorer.detector
    if getattr(detector, "bundle", None) is None:
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
