"""Detectors: one small interface (`Detector`), a z-score baseline and the ONNX autoencoder."""

from logwatch.engine.detect.base import Detector
from logwatch.engine.detect.zscore import ZScoreDetector

__all__ = ["AutoencoderDetector", "Detector", "ZScoreDetector"]


def __getattr__(name: str) -> object:
    # The autoencoder pulls in onnxruntime lazily; importing the package stays cheap.
    if name == "AutoencoderDetector":
        from logwatch.engine.detect.autoencoder import AutoencoderDetector

        return AutoencoderDetector
    raise AttributeError(name)
