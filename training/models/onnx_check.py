"""The exported ONNX graph must compute what the framework computed."""

from __future__ import annotations

import numpy as np

from logwatch.training.models.base import ONNX_INPUT, ONNX_OUTPUT, Fitted

TOLERANCE = 1e-3
"""Largest allowed absolute difference, relative to the output's scale (float32 kernels
differ in summation order, nothing more)."""


def onnx_predict(onnx_bytes: bytes, rows: np.ndarray) -> np.ndarray:
    """Run the serialized model with onnxruntime on float32 rows."""
    import onnxruntime as ort

    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    feed = {ONNX_INPUT: np.ascontiguousarray(rows, dtype=np.float32)}
    return session.run([ONNX_OUTPUT], feed)[0]


def check_equivalence(fitted: Fitted, rows: np.ndarray) -> float:
    """Largest |ONNX - framework| on `rows`; raises RuntimeError when beyond tolerance."""
    framework = np.asarray(fitted.predict(rows), dtype=np.float64)
    exported = onnx_predict(fitted.onnx, rows).astype(np.float64)
    if exported.shape != framework.shape:
        raise RuntimeError(f"ONNX output shape {exported.shape} != {framework.shape}")
    diff = float(np.max(np.abs(exported - framework))) if framework.size else 0.0
    scale = max(1.0, float(np.max(np.abs(framework))) if framework.size else 1.0)
    if diff > TOLERANCE * scale:
        raise RuntimeError(f"ONNX export differs from {fitted.backend} by {diff:.3g}")
    return diff
