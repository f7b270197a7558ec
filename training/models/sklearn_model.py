"""scikit-learn autoencoder (MLPRegressor fit to reproduce its input), exported with skl2onnx.

For machines without TensorFlow. One `partial_fit` pass per epoch inside the shared epoch
loop, so both backends have the same validation, early stopping and progress events.
"""

from __future__ import annotations

import copy
import signal
import threading
import warnings

import numpy as np

from logwatch.training.models.base import (
    ONNX_INPUT,
    ONNX_OPSET,
    ONNX_OUTPUT,
    EpochCallback,
    FitConfig,
    Fitted,
    InputMaker,
    run_epochs,
)

LOSS_SAMPLE = 20_000
"""Training loss is measured on at most this many rows after each epoch."""


def build(config: FitConfig):
    """hidden -> bottleneck -> hidden, ReLU (MLPRegressor has one activation for all)."""
    from sklearn.neural_network import MLPRegressor

    return MLPRegressor(
        hidden_layer_sizes=(config.hidden, config.bottleneck, config.hidden),
        activation="relu",
        solver="adam",
        alpha=1e-6,
        batch_size=config.batch_size,
        learning_rate_init=config.learning_rate,
        shuffle=True,
        random_state=config.seed,
    )


def fit(
    inputs: InputMaker,
    target: np.ndarray,
    val_inputs: np.ndarray,
    val_target: np.ndarray,
    config: FitConfig,
    on_epoch: EpochCallback,
) -> Fitted:
    """Fit `inputs(epoch) -> target`, stop early on the validation loss, export to ONNX."""
    target = np.ascontiguousarray(target, dtype=np.float32)
    val_inputs = np.ascontiguousarray(val_inputs, dtype=np.float32)
    val_target = np.ascontiguousarray(val_target, dtype=np.float32)
    model = build(config)
    probe = np.random.default_rng(config.seed).choice(len(target), min(LOSS_SAMPLE, len(target)), replace=False)

    ctrl_c = DeferredSigint()

    def train_epoch(epoch: int) -> float:
        ctrl_c.check()
        x = np.ascontiguousarray(inputs(epoch), dtype=np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(x, target)
        ctrl_c.check()  # before the epoch sklearn may have cut short is reported
        return _mse(model.predict(x[probe]), target[probe])

    def restore(state) -> None:
        model.coefs_, model.intercepts_ = state

    with ctrl_c:
        history, best = run_epochs(
            config,
            train_epoch,
            lambda: _mse(model.predict(val_inputs), val_target),
            lambda: (copy.deepcopy(model.coefs_), copy.deepcopy(model.intercepts_)),
            restore,
            on_epoch,
        )

    def predict(x: np.ndarray) -> np.ndarray:
        return model.predict(np.asarray(x, dtype=np.float32))

    return Fitted("sklearn", predict, to_onnx(model, target.shape[1]), history, best)


class DeferredSigint:
    """Ctrl-C during the epoch loop, raised as KeyboardInterrupt at the next epoch boundary.

    MLPRegressor catches a KeyboardInterrupt raised inside `partial_fit` and only warns, so
    a Ctrl-C landing there ended that epoch and training went on (and replaced the old
    bundle). Inside `with`, SIGINT only records the request; `check()` (called between
    sklearn calls, from our code) and leaving the block raise KeyboardInterrupt instead.
    Main thread only (the only place signal handlers can be set), an ignored SIGINT stays
    ignored, and the previous handler is always restored. SIGTERM is not touched: its
    handler (`training.run`) raises an exception sklearn does not catch.
    """

    def __init__(self) -> None:
        self.requested = False

    def __enter__(self) -> DeferredSigint:
        self._previous = signal.getsignal(signal.SIGINT)
        self._installed = (
            threading.current_thread() is threading.main_thread()
            and self._previous not in (signal.SIG_IGN, None)  # None: not set from Python
        )
        if self._installed:
            signal.signal(signal.SIGINT, self._record)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
        if exc_type is None:
            self.check()  # a Ctrl-C after the last epoch's check

    def _record(self, signum, frame) -> None:  # noqa: ARG002
        self.requested = True

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


def to_onnx(model, n_features: int) -> bytes:
    """skl2onnx graph with its output reshaped to (batch, features) and renamed.

    skl2onnx's MLPRegressor converter assumes one target and ends with Reshape(-1, 1);
    an autoencoder has `n_features` targets, so that shape constant is corrected.
    """
    import onnx
    from onnx import numpy_helper
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    proto = convert_sklearn(
        model,
        initial_types=[(ONNX_INPUT, FloatTensorType([None, n_features]))],
        target_opset=ONNX_OPSET,
    )
    graph = proto.graph
    old_output = graph.output[0].name
    reshape = next(n for n in graph.node if n.op_type == "Reshape" and old_output in n.output)
    shape_name = reshape.input[1]
    for index, tensor in enumerate(graph.initializer):
        if tensor.name == shape_name:
            fixed = numpy_helper.from_array(np.array([-1, n_features], np.int64), shape_name)
            graph.initializer[index].CopyFrom(fixed)
    reshape.output[0] = ONNX_OUTPUT
    del graph.output[:]
    graph.output.append(
        onnx.helper.make_tensor_value_info(ONNX_OUTPUT, onnx.TensorProto.FLOAT, [None, n_features])
    )
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


def _mse(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean((np.asarray(predicted, dtype=np.float64) - actual) ** 2))
