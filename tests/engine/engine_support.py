"""Helpers for engine tests: generated logs and a tiny real ONNX bundle built with skl2onnx.

A module with its own name (not conftest.py): `from conftest import` resolves to whichever
conftest was imported first when several test folders are collected together.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

from logwatch.engine.bundle import make_meta, write_bundle
from logwatch.engine.parse import read_batches
from logwatch.engine.window import (
    FeatureSpec,
    build_windows,
    component_errors,
    discover_components,
    fit_scaling,
    infer_grid,
    align,
)


def run_cli(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m logwatch.tui ARGS` with no terminal (TERM unset), stdin a pipe."""
    base = {k: v for k, v in os.environ.items() if k != "TERM"}
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "logwatch.tui", *args], input=input,
                          capture_output=True, timeout=timeout, env=base)


def generate(path: Path, entries: int, seed: int = 7) -> Path:
    """A labeled JSON-lines file written by the real `logwatch generate`."""
    done = run_cli("generate", "--entries", str(entries), "--seed", str(seed), "--out", str(path))
    assert done.returncode == 0, done.stderr.decode()
    return path


def read_all(path: Path | str) -> pl.DataFrame:
    return pl.concat([b.frame for b in read_batches(path)])


def make_tiny_bundle(folder: Path, frame: pl.DataFrame, *, window: int = 6) -> Path:
    """Train an MLPRegressor autoencoder on the normal windows of `frame`, export it with
    skl2onnx and write a real bundle with engine.bundle (what training will do, in small)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.neural_network import MLPRegressor

    components = discover_components(frame)
    grid = infer_grid(frame)
    spec = FeatureSpec(components, window=window, step_seconds=grid.step_seconds)
    _, rows = align(frame, spec, grid)
    scaling = fit_scaling(rows, components)
    windows = build_windows(frame, spec, scaling, grid)
    x = windows.x if windows.window_labels is None else windows.x[~windows.window_labels]
    model = MLPRegressor(hidden_layer_sizes=(12,), max_iter=300, random_state=0).fit(x, x)
    onnx = convert_sklearn(model, initial_types=[("features", FloatTensorType([None, spec.dim]))],
                           target_opset=17)
    output = onnx.graph.output[0].name
    x_hat = model.predict(x).astype(np.float32)
    scores = np.sqrt(component_errors(x, x_hat, spec))
    threshold = float(np.quantile(scores, 0.999))
    meta = make_meta(spec=spec, scaling=scaling,
                     threshold={"value": threshold, "method": "quantile", "quantile": 0.999},
                     onnx_input="features", onnx_output=output, backend="sklearn",
                     training_data={"fingerprint": "test", "entries": frame.height, "source": "test"})
    return write_bundle(folder, onnx.SerializeToString(), meta, {"note.txt": b"test bundle"})
