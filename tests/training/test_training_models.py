"""Both backends: they learn, stop early, and their ONNX export computes what they compute."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from logwatch.training.backends import keras_available, load_backend
from logwatch.training.models.base import FitConfig
from logwatch.training.models.onnx_check import check_equivalence, onnx_predict


def _low_rank_rows(n: int, seed: int = 0) -> np.ndarray:
    """Rows that really live on a 2-dimensional surface plus a little noise."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2))
    mixing = rng.normal(size=(2, 16))
    return (np.tanh(latent @ mixing) + 0.05 * rng.normal(size=(n, 16))).astype(np.float32)


def _fit(backend: str, epochs: int = 8, **shape):
    rows = _low_rank_rows(4000)
    train, val = rows[:3200], rows[3200:]
    seen: list[tuple[int, float, float]] = []
    fitted = load_backend(backend).fit(
        lambda epoch: train, train, val, val,
        FitConfig(hidden=32, bottleneck=2, epochs=epochs, patience=3, seed=1, **shape),
        lambda e, loss, val_loss: seen.append((e, loss, val_loss)),
    )
    return fitted, seen, val


def _check(fitted, seen, val):
    assert [e for e, _, _ in seen] == list(range(1, len(seen) + 1))
    assert fitted.history["val_loss"] == [v for _, _, v in seen]
    assert seen[-1][2] < seen[0][2] and min(fitted.history["val_loss"]) < 0.1
    # The exported graph reproduces the framework's own output, with a dynamic batch size.
    assert check_equivalence(fitted, val) < 1e-4
    for size in (1, 7, 513):
        np.testing.assert_allclose(onnx_predict(fitted.onnx, val[:size]), fitted.predict(val[:size]), atol=1e-4)
    # The kept weights are those of the best validation epoch.
    loss = float(np.mean((onnx_predict(fitted.onnx, val) - val) ** 2))
    assert loss == pytest.approx(fitted.history["val_loss"][fitted.best_epoch - 1], rel=1e-3)


def test_sklearn_autoencoder_learns_and_exports_an_equivalent_onnx_graph():
    _check(*_fit("sklearn"))


@pytest.mark.slow
@pytest.mark.keras
@pytest.mark.skipif(not keras_available(), reason="needs the keras extra (TensorFlow)")
def test_keras_autoencoder_learns_and_exports_an_equivalent_onnx_graph():
    _check(*_fit("keras"))


@pytest.mark.slow
@pytest.mark.keras
@pytest.mark.skipif(not keras_available(), reason="needs the keras extra (TensorFlow)")
def test_the_convolutional_autoencoder_ships_as_dense_layers_that_compute_the_same():
    # 16 features: a window of 4 steps x 3 components (step-major), then 4 extras.
    fitted, seen, val = _fit("keras", encoder="conv", sequence=(4, 3))
    _check(fitted, seen, val)
    # Folding is exact everywhere, not only near the data: inputs far outside it, and the
    # window's edges (where the convolutions pad) each moved alone.
    wild = np.random.default_rng(5).normal(scale=4.0, size=(300, 16)).astype(np.float32)
    edges = np.zeros((16, 16), np.float32) + np.eye(16, dtype=np.float32) * 3.0
    for rows in (wild, edges):
        np.testing.assert_allclose(onnx_predict(fitted.onnx, rows), fitted.predict(rows), atol=1e-4)
    operators = {node.op_type for node in onnx.load_from_string(fitted.onnx).graph.node}
    assert "MatMul" in operators and not operators & {"Conv", "ConvTranspose"}, operators


def test_sklearn_training_is_reproducible_with_a_seed():
    a, _, val = _fit("sklearn", epochs=3)
    b, _, _ = _fit("sklearn", epochs=3)
    assert a.history == b.history
    np.testing.assert_array_equal(onnx_predict(a.onnx, val), onnx_predict(b.onnx, val))


def test_early_stopping_ends_before_the_epoch_limit_when_validation_stops_improving():
    rows = _low_rank_rows(600, seed=3)
    noise = np.random.default_rng(9).normal(size=rows.shape).astype(np.float32)
    # Validation is unrelated noise: it cannot keep improving, so patience runs out.
    fitted = load_backend("sklearn").fit(
        lambda epoch: rows, rows, noise[:200], noise[:200],
        FitConfig(hidden=16, bottleneck=2, epochs=200, patience=2, seed=0),
        lambda *_: None,
    )
    assert len(fitted.history["loss"]) < 200
    assert fitted.best_epoch == 1 + int(np.argmin(fitted.history["val_loss"]))
