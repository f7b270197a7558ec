"""The one anomaly decision, used by the export, the monitor, the model comparison and the
evaluation alike: an entry is anomalous when its score, measured in units of its threshold
(`relative`), is above `factor` (1 at the threshold the score was made against; the monitor
passes the user's threshold over the model's own). Written once for numpy arrays and polars
expressions, so no caller restates it."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import polars as pl

Scores = TypeVar("Scores", np.ndarray, pl.Expr)


def relative(score: Scores, threshold: float | np.ndarray | pl.Expr) -> Scores:
    """`score` in units of `threshold` (NaN, or null, where the entry has no score)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return score / threshold  # type: ignore[return-value]


def anomalous(relative_score: Scores, factor: float = 1.0) -> Scores:
    """Whether each relative score is over `factor`; an entry without a score never is."""
    if isinstance(relative_score, pl.Expr):
        return (relative_score.fill_nan(None) > factor).fill_null(False)  # type: ignore[return-value]
    with np.errstate(invalid="ignore"):
        return relative_score > factor  # type: ignore[return-value]
