"""What every backend takes and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ONNX_INPUT = "features"
"""Name of the ONNX graph input: float32 rows of shape (batch, features)."""

ONNX_OUTPUT = "reconstruction"
"""Name of the ONNX graph output: the same shape as the input."""

ONNX_OPSET = 17

EpochCallback = Callable[[int, float, float], None]
"""Called after each epoch with (epoch number from 1, training loss, validation loss)."""


@dataclass(frozen=True)
class FitConfig:
    """Network shape and training schedule (the defaults are the CLI defaults)."""

    hidden: int = 32
    """Units in the layer on each side of the bottleneck."""
    bottleneck: int = 6
    """Units in the narrowest layer: the compression that makes reconstruction informative."""
    epochs: int = 60
    """Upper bound; early stopping usually ends sooner."""
    patience: int = 6
    """Epochs without validation improvement before stopping (best weights are kept)."""
    batch_size: int = 256
    learning_rate: float = 2e-3
    seed: int = 0


@dataclass
class Fitted:
    """A trained autoencoder, framework side and ONNX side."""

    backend: str
    predict: Callable[[np.ndarray], np.ndarray]
    """The framework's own forward pass (for the ONNX equivalence check)."""
    onnx: bytes
    """The serialized ONNX model with input `ONNX_INPUT` and output `ONNX_OUTPUT`."""
    history: dict[str, list[float]] = field(default_factory=dict)
    """`loss` and `val_loss` per epoch (mean squared error of the scaled features)."""
    best_epoch: int = 0
