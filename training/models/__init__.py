"""Autoencoder backends: each fits on feature rows and exports itself to ONNX.

`keras` (TensorFlow; imported only when chosen) and `sklearn` (MLPRegressor) share the
`FitConfig` in, `Fitted` out interface of `base.py`, so the rest of training ignores which
one ran.
"""
