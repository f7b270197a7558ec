"""The convolutional autoencoder (keras): it reads the window's shape, then ships as dense
layers.

A feature row starts with the window's scaled values, step-major (`steps x components`),
then the per-component extras (stuck counters, time of day). Two 1-D convolutions over
the steps read the window's shape (a slope, a step, a bend) before the dense encoder;
the extras join after them; the decoder is dense and rebuilds the whole row. On the
quality bench this found drifts and level shifts the dense encoder missed (generated
data, two training days: F1 0.965 -> 0.98) and ranked real faults better (SMD AUC-PR
0.47 -> 0.51); see docs/quality.md.

A convolution over a fixed-length window is a linear map, so for ONNX each one is folded
into the dense matrix it equals (`fold_to_dense`): onnxruntime runs small dense matrix
products many times faster than small convolutions, and the bundle's graph keeps the
dense model's shape (input `features`, output `reconstruction`). Training checks the ONNX
output against the convolutional model's own, as for every model.
"""

from __future__ import annotations

import numpy as np

from logwatch.training.models.base import ONNX_INPUT, FitConfig

FILTERS = (32, 16)
"""Filters of the two convolutions (the second one halves the steps)."""
KERNEL = 3
"""Steps each convolution looks at."""


def build_conv(n_features: int, config: FitConfig):
    """features -> conv(steps) -> conv(steps / 2) -> [+ extras] -> hidden -> bottleneck
    -> hidden -> features."""
    import keras

    steps, components = _sequence(config)
    inputs = keras.Input((n_features,), name=ONNX_INPUT)
    series = keras.layers.Reshape((steps, components))(inputs[:, : steps * components])
    extras = inputs[:, steps * components :]
    h = keras.layers.Conv1D(FILTERS[0], KERNEL, padding="same", activation="relu", name="conv1")(series)
    h = keras.layers.Conv1D(FILTERS[1], KERNEL, strides=2, padding="same", activation="relu", name="conv2")(h)
    h = keras.layers.Concatenate()([keras.layers.Flatten()(h), extras])
    h = keras.layers.Dense(config.hidden, activation="relu", name="encode")(h)
    h = keras.layers.Dense(config.bottleneck, activation="linear", name="bottleneck")(h)
    h = keras.layers.Dense(config.hidden, activation="relu", name="decode")(h)
    outputs = keras.layers.Dense(n_features, activation="linear", name="output")(h)
    return keras.Model(inputs, outputs, name="autoencoder")


def fold_to_dense(model, n_features: int, config: FitConfig):
    """A model of dense layers computing exactly what the convolutional `model` does.

    Each convolution's matrix is read off the layer itself (its response to every unit
    input, less its response to zero), so padding and strides follow Keras's own rules.
    The encoder's dense layer is split in two: one part reads the convolutions' output,
    the other the row's extras.
    """
    import keras

    steps, components = _sequence(config)
    conv1, conv2 = model.get_layer("conv1"), model.get_layer("conv2")
    m1, b1 = _linear_map(conv1, (steps, components))
    m2, b2 = _linear_map(conv2, conv1.compute_output_shape((None, steps, components))[1:])
    encode_kernel, encode_bias = model.get_layer("encode").get_weights()
    width = steps * components

    inputs = keras.Input((n_features,), name=ONNX_INPUT)
    h = keras.layers.Dense(m1.shape[1], activation="relu")(inputs[:, :width])
    h = keras.layers.Dense(m2.shape[1], activation="relu")(h)
    h = keras.layers.Add()([
        keras.layers.Dense(config.hidden, use_bias=False)(h),
        keras.layers.Dense(config.hidden)(inputs[:, width:]),
    ])
    h = keras.layers.Activation("relu")(h)
    names = ("bottleneck", "decode", "output")
    for name in names:
        original = model.get_layer(name)
        h = keras.layers.Dense(original.units, activation=original.activation, name=name)(h)
    folded = keras.Model(inputs, h, name="autoencoder")
    dense = [layer for layer in folded.layers if isinstance(layer, keras.layers.Dense)]
    dense[0].set_weights([m1, b1])
    dense[1].set_weights([m2, b2])
    dense[2].set_weights([encode_kernel[: m2.shape[1]]])
    dense[3].set_weights([encode_kernel[m2.shape[1] :], encode_bias])
    for name in names:
        folded.get_layer(name).set_weights(model.get_layer(name).get_weights())
    return folded


def _linear_map(layer, input_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(matrix, bias) of the convolution `layer` without its activation, on flattened
    inputs of `input_shape` (steps, channels), both in Keras's row-major order."""
    import keras

    config = layer.get_config() | {"activation": "linear"}
    probe = type(layer).from_config(config)
    probe.build((None, *input_shape))
    probe.set_weights(layer.get_weights())
    size = int(np.prod(input_shape))
    basis = np.eye(size, dtype=np.float32).reshape(size, *input_shape)
    zero = np.zeros((1, *input_shape), np.float32)
    bias = keras.ops.convert_to_numpy(probe(zero)).reshape(-1)
    matrix = keras.ops.convert_to_numpy(probe(basis)).reshape(size, -1) - bias
    return matrix.astype(np.float32), bias.astype(np.float32)


def _sequence(config: FitConfig) -> tuple[int, int]:
    if config.sequence is None:
        raise ValueError("the convolutional encoder needs FitConfig.sequence (steps, components)")
    return config.sequence
