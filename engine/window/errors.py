"""The per-component reconstruction error of a feature window, and the score it becomes.

One formula for training (calibration, error scales) and the detector: see `FeatureSpec`
for the scored columns.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from logwatch.engine.window.spec import FeatureSpec

DAMPING = 0.3
"""Factor on the score of a component that does not drive its step's error."""

ERROR_SCALE_FLOOR = 1e-3
"""Smallest error scale (a residual that is always ~0 would make any change infinite)."""

STUCK_SCALE_FLOOR = 0.1
"""Smallest error scale of the stuck feature: unchanged for the whole window then scores
STUCK_FULL / 0.1 = 30, a value repeated once scores nothing."""


def component_residuals(x: np.ndarray, x_hat: np.ndarray, spec: FeatureSpec) -> list[np.ndarray]:
    """Scaled residuals of each scored column group, (n, C) each: the newest value, then the
    volatility and stuck features when present (see `FeatureSpec.scored_columns`)."""
    scale = spec.error_scale
    c = spec.n_components
    out = []
    for i, cols in enumerate(spec.scored_columns):
        r = (x[:, cols] - x_hat[:, cols]).astype(np.float64)
        out.append(r if scale is None else r / np.asarray(scale[i * c : (i + 1) * c]))
    return out


def squared_errors(x: np.ndarray, x_hat: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """Squared reconstruction error per component, (n, C): the newest step's scaled value
    plus the volatility / stuck feature, each residual divided by its error scale."""
    return summed(squares(component_residuals(x, x_hat, spec)))


def squares(residuals: list[np.ndarray]) -> list[np.ndarray]:
    """Each residual group squared."""
    return [r**2 for r in residuals]


def summed(squared: list[np.ndarray]) -> np.ndarray:
    """Squared residual groups added up, (n, C) float64: `squared_errors` from `squares`."""
    return np.asarray(sum(squared), dtype=np.float64)


def drivers(err: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """(n, C) bool: the components that drive their step's error (all of them without a
    `driver_ratio`)."""
    if spec.driver_ratio is None or not err.size:
        return np.ones(err.shape, bool)
    return err >= spec.driver_ratio**2 * err.max(axis=1, keepdims=True)


def component_errors(x: np.ndarray, x_hat: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """`squared_errors`, damped for the components that do not drive the step's error
    (their share of it in reasons, their score without `step_score`)."""
    return damped(squared_errors(x, x_hat, spec), spec)


def damped(err: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """`component_errors` from `squared_errors`."""
    return np.where(drivers(err, spec), err, err * DAMPING**2)


def entry_scores(x: np.ndarray, x_hat: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """The score of each component's entry at each row's newest step, (n, C): the one
    formula training calibrates and the detector flags with. Without `step_score`, the
    square root of `component_errors`; with it, a driving component scores its whole
    step: the square root of the step's summed `component_errors` (the drivers' errors,
    and a damped share of the others')."""
    return scores_of(component_errors(x, x_hat, spec), spec)


def scores_of(err: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """`entry_scores` from `component_errors`."""
    if not spec.step_score:
        return np.sqrt(err)
    return np.where(drivers(err, spec), np.sqrt(err.sum(axis=1, keepdims=True)), np.sqrt(err))


def fit_error_scale(x: np.ndarray, x_hat: np.ndarray, spec: FeatureSpec) -> FeatureSpec:
    """`spec` with `error_scale` set from residuals on (validation) rows: per column the
    root mean square, ignoring the largest 0.1 % (faults the data may hold), floored."""
    plain = replace(spec, error_scale=None)
    scales = []
    for cols, r in zip(spec.scored_columns, component_residuals(x, x_hat, plain)):
        cap = np.quantile(np.abs(r), 0.999, axis=0) if len(r) else np.ones(r.shape[1])
        rms = np.sqrt(np.mean(np.clip(r, -cap, cap) ** 2, axis=0)) if len(r) else np.ones(r.shape[1])
        floor = STUCK_SCALE_FLOOR if cols == spec.stuck_columns else ERROR_SCALE_FLOOR
        scales.extend(float(v) for v in np.maximum(rms, floor))
    return replace(spec, error_scale=tuple(scales))


def expected_values(
    x_hat: np.ndarray, spec: FeatureSpec, center: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """What the model expected at the newest step, in the data's own units (n, C)."""
    return center + scale * x_hat[:, spec.last_step].astype(np.float64)
