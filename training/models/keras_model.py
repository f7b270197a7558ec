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
)


def _import_tensorflow():
    """TensorFlow with its start-up chatter off and deterministic CPU kernels."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def build(n_features: int, config: FitConfig):
    """features -> hidden -> bottleneck -> hidden -> features (linear output)."""
    import keras

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
    train: np.ndarray, val: np.ndarray, config: FitConfig, on_epoch: EpochCallback
) -> Fitted:
    """Fit on `train` rows, stop early on `val` loss, and export the best weights."""
    tf = _import_tensorflow()
    import keras

    keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()
    train = np.ascontiguousarray(train, dtype=np.float32)
    val = np.ascontiguousarray(val, dtype=np.float32)
    model = build(train.shape[1], config)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="mse")

    class Report(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            logs = logs or {}
            on_epoch(epoch + 1, float(logs["loss"]), float(logs["val_loss"]))

    stop = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=config.patience, restore_best_weights=True
    )
    result = model.fit(
        train,
        train,
        validation_data=(val, val),
        epochs=config.epochs,
        batch_size=config.batch_size,
        shuffle=True,
        verbose=0,
        callbacks=[stop, Report()],
    )
    history = {k: [float(v) for v in result.history[k]] for k in ("loss", "val_loss")}
    best = int(np.argmin(history["val_loss"])) + 1

    def predict(x: np.ndarray) -> np.ndarray:
        return model.predict(np.asarray(x, dtype=np.float32), batch_size=4096, verbose=0)

    return Fitted("keras", predict, to_onnx(model, train.shape[1]), history, best)


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
