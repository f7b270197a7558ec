"""Per-entry scores of feature rows, computed the way the engine's detector computes them:
ONNX reconstruction (onnxruntime), then the engine's `entry_scores`."""

from __future__ import annotations

import numpy as np

from logwatch.engine.window import FeatureSpec
from logwatch.engine.window import entry_scores as engine_entry_scores
from logwatch.training.models.onnx_check import onnx_predict


def entry_scores(onnx_bytes: bytes, x: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """(n, C) score of each component at each row's newest step."""
    if len(x) == 0:
        return np.zeros((0, spec.n_components))
    x_hat = onnx_predict(onnx_bytes, x)
    return engine_entry_scores(x, x_hat, spec)
