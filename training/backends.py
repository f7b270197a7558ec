"""Which autoencoder backend to use, decided without importing TensorFlow."""

from __future__ import annotations

from importlib.util import find_spec
from types import ModuleType

from logwatch.engine.errors import UserError

BACKENDS = ("keras", "sklearn")


def keras_available() -> bool:
    """True when TensorFlow and tf2onnx are installed (the `keras` extra)."""
    return find_spec("tensorflow") is not None and find_spec("tf2onnx") is not None


def choose_backend(requested: str | None) -> tuple[str, str]:
    """`(backend, why)`: the requested one, else keras when installed, else sklearn."""
    if requested == "keras" and not keras_available():
        raise UserError(
            "--backend keras: TensorFlow/tf2onnx are not installed "
            "(install the `keras` extra, or use --backend sklearn)"
        )
    if requested in BACKENDS:
        return requested, "requested with --backend"
    if keras_available():
        return "keras", "default: TensorFlow is installed"
    return "sklearn", "default: TensorFlow is not installed"


def choose_encoder(requested: str | None, backend: str) -> str:
    """The encoder to build: the requested one, else conv with keras and dense with
    scikit-learn (its MLPRegressor has no convolutions)."""
    if requested == "conv" and backend == "sklearn":
        raise UserError("--encoder conv needs --backend keras (scikit-learn builds dense layers only)")
    return requested or ("conv" if backend == "keras" else "dense")


def load_backend(name: str) -> ModuleType:
    """The module with `fit(train, val, config, on_epoch) -> Fitted` for `name`."""
    if name == "keras":
        from logwatch.training.models import keras_model

        return keras_model
    from logwatch.training.models import sklearn_model

    return sklearn_model
