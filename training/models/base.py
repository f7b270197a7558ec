"""What every backend takes and returns, and the epoch loop they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

ONNX_INPUT = "features"
"""Name of the ONNX graph input: float32 rows of shape (batch, features)."""

ONNX_OUTPUT = "reconstruction"
"""Name of the ONNX graph output: the same shape as the input."""

ONNX_OPSET = 17

EpochCallback = Callable[[int, float, float], None]
"""Called after each epoch with (epoch number from 1, training loss, validation loss)."""

InputMaker = Callable[[int], "np.ndarray"]
"""Training inputs for an epoch (1-based): the clean rows, or a freshly corrupted copy of
them for denoising. Row i always corresponds to target row i."""


@dataclass(frozen=True)
class FitConfig:
    """Network shape and training schedule (the defaults are the CLI defaults)."""

    hidden: int = 128
    """Units in the layer on each side of the bottleneck."""
    bottleneck: int | None = None
    """Units in the narrowest layer; None: `auto_bottleneck` of the number of components.
    Narrow enough that one component cannot move alone, which is what makes a broken
    relation between components show up as error."""
    epochs: int = 40
    """Upper bound; early stopping usually ends sooner."""
    patience: int = 6
    """Epochs without validation improvement before stopping (best weights are kept)."""
    batch_size: int = 256
    learning_rate: float = 2e-3
    seed: int = 0
    encoder: str | None = None
    """conv: two 1-D convolutions read the window's steps before the dense encoder (keras
    only; see `conv_encoder`); dense: dense layers only. None: conv with keras, dense with
    scikit-learn (`backends.choose_encoder`)."""
    sequence: tuple[int, int] | None = None
    """(steps, components): the first steps x components features of a row hold the
    window's values, step-major. Set by training from the feature spec; the conv encoder
    needs it."""


ENCODERS = ("conv", "dense")


def auto_bottleneck(components: int) -> int:
    """Half the components, at least 4. Four units hold three generated metrics (two could
    not hold the load, a metric's own wander and the time of day together: errors stayed
    biased for minutes); the 38 metrics of a real machine need more: with 4, the normal
    error of a server machine was so large that its faults hid in it (SMD: AUC-PR 0.44
    with 4 units against 0.49 with 16, ASD 0.50 against 0.52; see docs/quality.md)."""
    return max(4, components // 2)


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


def run_epochs(
    config: FitConfig,
    train_epoch: Callable[[int], float],
    val_loss: Callable[[], float],
    snapshot: Callable[[], Any],
    restore: Callable[[Any], None],
    on_epoch: EpochCallback,
) -> tuple[dict[str, list[float]], int]:
    """Train epoch by epoch, stop after `patience` epochs without a better validation loss,
    and restore the best weights. Returns (history, best epoch)."""
    history: dict[str, list[float]] = {"loss": [], "val_loss": []}
    best, best_epoch, best_state, waited = float("inf"), 0, None, 0
    for epoch in range(1, config.epochs + 1):
        loss = float(train_epoch(epoch))
        val = float(val_loss())
        history["loss"].append(loss)
        history["val_loss"].append(val)
        on_epoch(epoch, loss, val)
        if val < best:
            best, best_epoch, best_state, waited = val, epoch, snapshot(), 0
        else:
            waited += 1
            if waited >= config.patience:
                break
    if best_state is not None:
        restore(best_state)
    return history, best_epoch
