"""Per-entry scores of feature rows, computed the way the engine's detector computes them:
ONNX reconstruction (onnxruntime), `component_errors`, square root."""

from __future__ import annotations

import numpy as np

from logwatch.engine.window import FeatureSpec, component_errors
from logwatch.training.models.onnx_check import onnx_predict


def entry_scores(onnx_bytes: bytes, x: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """(n, C) score of each component at each row's newest step."""
    if len(x) == 0:
        return np.zeros((0, spec.n_components))
    x_hat = onnx_predict(onnx_bytes, x)
    return np.sqrt(component_errors(x, x_hat, spec))
