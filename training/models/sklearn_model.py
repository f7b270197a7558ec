"""scikit-learn autoencoder (MLPRegressor fit to reproduce its input), exported with skl2onnx.

For machines without TensorFlow. The epoch loop is ours (`partial_fit` once per epoch) so
both backends share the validation split, the early stopping rule and the progress events.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np

from logwatch.training.models.base import (
    ONNX_INPUT,
    ONNX_OPSET,
    ONNX_OUTPUT,
    EpochCallback,
    FitConfig,
    Fitted,
)

LOSS_SAMPLE = 20_000
"""Training loss is measured on at most this many rows after each epoch."""


def build(config: FitConfig):
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
    train: np.ndarray, val: np.ndarray, config: FitConfig, on_epoch: EpochCallback
) -> Fitted:
    """Fit on `train` rows, stop early on `val` loss, and export the best weights.

    MLPRegressor's own bottleneck layer is ReLU (one activation for all hidden layers);
    the Keras model's is linear. Both are narrow enough to force compression.
    """
    train = np.ascontiguousarray(train, dtype=np.float32)
    val = np.ascontiguousarray(val, dtype=np.float32)
    model = build(config)
    rng = np.random.default_rng(config.seed)
    probe = train[rng.choice(len(train), min(LOSS_SAMPLE, len(train)), replace=False)]
    history: dict[str, list[float]] = {"loss": [], "val_loss": []}
    best_loss, best_state, best_epoch, waited = np.inf, None, 0, 0
    for epoch in range(1, config.epochs + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(train, train)
        loss = _mse(model.predict(probe), probe)
        val_loss = _mse(model.predict(val), val)
        history["loss"].append(loss)
        history["val_loss"].append(val_loss)
        on_epoch(epoch, loss, val_loss)
        if val_loss < best_loss:
            best_loss, best_epoch, waited = val_loss, epoch, 0
            best_state = (copy.deepcopy(model.coefs_), copy.deepcopy(model.intercepts_))
        else:
            waited += 1
            if waited >= config.patience:
                break
    model.coefs_, model.intercepts_ = best_state

    def predict(x: np.ndarray) -> np.ndarray:
        return model.predict(np.asarray(x, dtype=np.float32))

    return Fitted("sklearn", predict, to_onnx(model, train.shape[1]), history, best_epoch)


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
