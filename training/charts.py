"""PNG charts of a training run and of an evaluation (matplotlib, headless Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

LOSS_CURVES = "loss_curves.png"
ERROR_DISTRIBUTION = "error_distribution.png"
UNSEEN_DATA_ERRORS = "unseen_data_errors.png"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def loss_curves(history: dict[str, list[float]], best_epoch: int, path: Path) -> Path:
    """Training and validation loss by epoch, log scale, with the kept epoch marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], label="training loss", marker="o", markersize=3)
    ax.plot(epochs, history["val_loss"], label="validation loss", marker="o", markersize=3)
    if best_epoch:
        ax.axvline(best_epoch, color="grey", linestyle=":", label=f"kept epoch {best_epoch}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (scaled features)")
    ax.set_title("Autoencoder loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, plt, path)


def error_distribution(
    errors: np.ndarray,
    threshold: float,
    path: Path,
    *,
    title: str = "Reconstruction error on validation data",
    anomalous: np.ndarray | None = None,
) -> Path:
    """Histogram of per-entry errors (log-spaced bins) with the threshold as a red line.

    With `anomalous` (labels), normal and anomalous entries are drawn in two colours.
    """
    plt = _pyplot()
    values = np.asarray(errors, dtype=np.float64)
    keep = np.isfinite(values)
    values = values[keep]
    positive = values[values > 0]
    low = float(np.quantile(positive, 0.001)) if positive.size else 1e-6
    high = max(float(values.max()) if values.size else 1.0, threshold) * 1.05
    bins = np.geomspace(max(low, high * 1e-9), high, 60)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    clipped = np.clip(values, bins[0], None)
    if anomalous is None:
        ax.hist(clipped, bins=bins, color="tab:blue", alpha=0.8, label="entries")
    else:
        labels = np.asarray(anomalous, dtype=bool)[keep]
        ax.hist(clipped[~labels], bins=bins, color="tab:blue", alpha=0.7, label="normal")
        ax.hist(clipped[labels], bins=bins, color="tab:orange", alpha=0.7, label="anomalous")
    ax.axvline(threshold, color="red", linewidth=2, label=f"threshold {threshold:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("anomaly score (reconstruction error in units of its typical size)")
    ax.set_ylabel("entries")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, plt, path)


def _save(fig, plt, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
