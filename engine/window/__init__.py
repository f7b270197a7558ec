"""Windows: entries aligned per server into time steps, and the feature vectors built on them.

Batch API (training): `align`, `fit_scaling`, `build_windows`. Streaming (scoring):
`StreamWindower`. Both share `rows.py` and `features.py`, so there is no train/serve skew.
"""

from logwatch.engine.window.build import (
    WindowSet,
    align,
    build_windows,
    discover_components,
    fit_noise,
    fit_profiles,
    fit_scaling,
)
from logwatch.engine.window.errors import (
    component_errors,
    component_residuals,
    entry_scores,
    expected_values,
    fit_error_scale,
)
from logwatch.engine.window.features import (
    VOL_EPS,
    joined_scaling,
    row_centers,
    row_scales,
    stuck_feature,
    stuck_steps,
    window_features,
)
from logwatch.engine.window.grid import StepGrid, infer_grid, infer_phase_us, infer_step_seconds
from logwatch.engine.window.rows import Rows, extend_rows, pivot_steps
from logwatch.engine.window.spec import (
    DEFAULT_MAX_GAP_STEPS,
    DEFAULT_WINDOW,
    FeatureSpec,
    Scaling,
    robust_center_scale,
)
from logwatch.engine.window.stream import StreamWindower, Windows

__all__ = [
    "DEFAULT_MAX_GAP_STEPS",
    "DEFAULT_WINDOW",
    "VOL_EPS",
    "FeatureSpec",
    "Rows",
    "Scaling",
    "StepGrid",
    "StreamWindower",
    "WindowSet",
    "Windows",
    "align",
    "build_windows",
    "component_errors",
    "component_residuals",
    "entry_scores",
    "discover_components",
    "expected_values",
    "extend_rows",
    "fit_error_scale",
    "fit_noise",
    "fit_profiles",
    "fit_scaling",
    "infer_grid",
    "joined_scaling",
    "infer_phase_us",
    "infer_step_seconds",
    "pivot_steps",
    "robust_center_scale",
    "row_centers",
    "row_scales",
    "stuck_feature",
    "stuck_steps",
    "window_features",
]
