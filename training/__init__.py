"""Offline training: logs -> engine windows -> autoencoder (Keras or scikit-learn) -> ONNX
bundle with a calibrated threshold and charts; and evaluation of a bundle on labeled logs.

The only package that may import TensorFlow, and only inside `models/keras_model.py` when
the keras backend runs. Importing this package is light.
"""
