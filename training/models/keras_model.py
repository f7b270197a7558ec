"""Dense Keras autoencoder, exported with tf2onnx.

The only module that imports TensorFlow, and only inside its functions, so importing the
training package (or choosing `--backend sklearn`) never loads it.
"""

from __future__ import annotations

import os

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
from logwatch.training.models.conv_encoder import build_conv, fold_to_dense


def _import_tensorflow():
    """TensorFlow with its start-up chatter off and deterministic CPU kernels."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def build(n_features: int, config: FitConfig):
    """The convolutional autoencoder (`conv_encoder`), or the dense one:
    features -> hidden -> bottleneck -> hidden -> features (linear output)."""
    import keras

    if config.encoder == "conv":
        return build_conv(n_features, config)

    return keras.Sequential(
        [
            keras.Input((n_features,), name=ONNX_INPUT),
            keras.layers.Dense(config.hidden, activation="relu"),
            keras.layers.Dense(config.bottleneck, activation="linear"),
            keras.layers.Dense(config.hidden, activation="relu"),
            keras.layers.Dense(n_features, activation="linear"),
        ],
        name="autoencoder",
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
    tf = _import_tensorflow()
    import keras

    keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()
    target = np.ascontiguousarray(target, dtype=np.float32)
    val_inputs = np.ascontiguousarray(val_inputs, dtype=np.float32)
    val_target = np.ascontiguousarray(val_target, dtype=np.float32)
    model = build(target.shape[1], config)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="mse")

    def train_epoch(epoch: int) -> float:
        x = np.ascontiguousarray(inputs(epoch), dtype=np.float32)
        result = model.fit(x, target, epochs=1, batch_size=config.batch_size, shuffle=True, verbose=0)
        return float(result.history["loss"][-1])

    def val_loss() -> float:
        return float(model.evaluate(val_inputs, val_target, batch_size=4096, verbose=0))

    history, best = run_epochs(
        config, train_epoch, val_loss, model.get_weights, model.set_weights, on_epoch
    )

    def predict(x: np.ndarray) -> np.ndarray:
        return model.predict(np.asarray(x, dtype=np.float32), batch_size=4096, verbose=0)

    exported = fold_to_dense(model, target.shape[1], config) if config.encoder == "conv" else model
    return Fitted("keras", predict, to_onnx(exported, target.shape[1]), history, best)


def to_onnx(model, n_features: int) -> bytes:
    """Export through a tf.function with a dynamic batch dimension.

    tf2onnx's `from_keras` fails on Keras 3 `Sequential` models; tracing the call as a
    function with an explicit input signature works and names the input and output.
    """
    tf = _import_tensorflow()
    import tf2onnx

    spec = (tf.TensorSpec((None, n_features), tf.float32, name=ONNX_INPUT),)

    @tf.function(input_signature=spec)
    def forward(features):
        return {ONNX_OUTPUT: model(features, training=False)}

    proto, _ = tf2onnx.convert.from_function(forward, input_signature=spec, opset=ONNX_OPSET)
    return proto.SerializeToString()
