"""The autoencoder detector: a bundle's ONNX model reconstructs each feature window.

Windows come from the engine's `StreamWindower` (the same features training used). The
squared reconstruction error of each component (`component_errors`) gives the score of
that component's entries at that step; the component's share of the step's total error and
what the model expected make the reason.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from logwatch.engine.bundle import Bundle
from logwatch.engine.detect.base import fmt_number, format_series, scored_empty
from logwatch.engine.detect.partial import ENTRY_ID, PartialServers
from logwatch.engine.errors import UserError
from logwatch.engine.window import (
    VOL_EPS,
    FeatureSpec,
    StepGrid,
    StreamWindower,
    Windows,
    component_residuals,
    expected_values,
    stuck_steps,
)
from logwatch.engine.window.errors import damped, scores_of, squares, summed

ROWS_PER_RUN = 16_384
"""Windows per onnxruntime call (bounds memory, keeps calls efficient)."""


def _session(bundle: Bundle):  # -> onnxruntime.InferenceSession
    import onnxruntime as ort  # heavy: only when an autoencoder is actually used

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # Idle worker threads sleep instead of spinning: spinning burned a third more CPU for
    # the same wall time, taken from the threads reading and writing beside the scorer.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = ort.InferenceSession(
            str(bundle.onnx_path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime raises its own exception types
        raise UserError(f"{bundle.onnx_path}: cannot load the model ({error})") from None
    inputs = {i.name: i for i in session.get_inputs()}
    outputs = {o.name for o in session.get_outputs()}
    if bundle.onnx_input not in inputs or bundle.onnx_output not in outputs:
        raise UserError(
            f"{bundle.onnx_path}: model has inputs {sorted(inputs)} and outputs "
            f"{sorted(outputs)}, model.json names {bundle.onnx_input!r} -> {bundle.onnx_output!r}"
        )
    width = inputs[bundle.onnx_input].shape[-1]
    if isinstance(width, int) and width != bundle.spec.dim:
        raise UserError(
            f"{bundle.onnx_path}: model takes {width} features, model.json describes {bundle.spec.dim}"
        )
    return session


class AutoencoderDetector:
    """Scores entries with a bundle's autoencoder (see module docstring)."""

    name = "autoencoder"

    def __init__(self, bundle: Bundle, *, why: str | None = None, grid: StepGrid | None = None) -> None:
        """`grid`: the time steps to use (default: learned from the first entries scored);
        given when a stream's servers are scored apart and must share one grid."""
        self.bundle = bundle
        self.spec = bundle.spec
        self.default_threshold = bundle.threshold
        self.why = why or f"model {bundle.describe()}"
        self._session = _session(bundle)
        self._windower = StreamWindower(bundle.spec, bundle.scaling, grid)
        self._partial = PartialServers(bundle.spec.components, bundle.threshold)

    def fit(self, frame: pl.DataFrame) -> None:
        """Nothing to learn online: the model was trained offline. Warms up the windows."""
        self._windower.push(frame)
        self._partial.warm(frame)

    def score(self, frame: pl.DataFrame) -> pl.DataFrame:
        return self._score(self._windower.push(self._partial.number(frame)))

    def flush(self) -> pl.DataFrame:
        return self._score(self._windower.flush())

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        """Model output for feature rows x (n, dim) float32, in runs of ROWS_PER_RUN."""
        out = [
            self._session.run([self.bundle.onnx_output], {self.bundle.onnx_input: x[i : i + ROWS_PER_RUN]})[0]
            for i in range(0, len(x), ROWS_PER_RUN)
        ]
        return np.vstack(out).reshape(len(x), -1) if out else np.zeros_like(x)

    def _score(self, windows: Windows) -> pl.DataFrame:
        entries = windows.entries
        if entries.height == 0:
            return scored_empty(entries.drop("step", "late", "row", ENTRY_ID, strict=False))
        # Which feature row and component each entry belongs to (null: no window yet).
        c_index = {c: i for i, c in enumerate(self.spec.components)}
        where = entries.select(
            pl.col("row"),
            pl.col("component").replace_strict(c_index, default=None, return_dtype=pl.Int64).alias("c"),
        )
        row = where["row"].fill_null(-1).to_numpy()
        col = where["c"].fill_null(-1).to_numpy()
        cells = self._cells(windows)
        found = (row >= 0) & (col >= 0)
        flat = np.where(found, row * self.spec.n_components + col, 0)

        def pick(values: np.ndarray, name: str) -> pl.Series:
            out = values.ravel()[flat] if len(values) else np.zeros(len(flat), values.dtype)
            return pl.Series(name, np.where(found, out, np.nan), nan_to_null=True)

        minutes = cells["minutes"][np.where(row >= 0, row, 0)] if len(cells["minutes"]) else row
        scored = entries.with_columns(
            pick(cells["score"], "score"),
            pick(cells["expected"], "expected"),
            pick(cells["share"], "_share"),
            pick(cells["flat"].astype(np.float64), "_flat"),
            pick(cells["vol"], "_vol"),
            pick(cells["vol_expected"], "_vol_expected"),
            pl.Series("_tod", minutes, dtype=pl.Int64),
        )
        return self._partial.take(scored.with_columns(self._reasons(scored))).drop(
            "step", "late", "row", "_share", "_flat", "_vol", "_vol_expected", "_tod"
        )

    def _cells(self, w: Windows) -> dict[str, np.ndarray]:
        """Per feature row and component (n, C): score, expected, and the reason's parts."""
        spec = self.spec
        n = len(w.step)
        x_hat = self.reconstruct(w.x) if n else np.zeros_like(w.x)
        parts = squares(component_residuals(w.x, x_hat, spec))  # newest value first, then the rest
        err = damped(summed(parts), spec)  # `component_errors`: a component's share of it, in reasons
        total = err.sum(axis=1, keepdims=True)
        share = np.divide(err, total, out=np.zeros_like(err), where=total > 0)
        vol, vol_hat = _variation(w, x_hat, spec)
        level_err = parts[0]
        other_err = sum(parts[1:], np.zeros_like(level_err))
        step_times = self._windower.grid.step_times_us(w.step) if n else w.step  # type: ignore[union-attr]
        return {
            "score": scores_of(err, spec),  # `entry_scores`
            "expected": expected_values(x_hat, spec, w.center, w.scale),
            "share": share,
            "flat": level_err < other_err,
            "vol": vol,
            "vol_expected": vol_hat,
            "minutes": (step_times // 60_000_000) % 1440,
        }

    def _reasons(self, frame: pl.DataFrame) -> pl.Series:
        """One sentence per entry; the numbers are formatted only for the rows that show them."""
        components = ", ".join(self.spec.components)
        reasons = frame.select(
            pl.when(pl.col("late"))
            .then(pl.lit("arrived after its time step was scored"))
            .when(~pl.col("component").is_in(list(self.spec.components)))
            .then(pl.lit(f"component not in the model ({components})"))
            .when(pl.col("score").is_null())
            .then(pl.lit(f"warming up: the window needs {self.spec.window} steps of this server"))
            .alias("reason")
        )["reason"]
        share = pl.lit(_PERCENT).gather((pl.col("_share") * 100).round(0).cast(pl.Int64).clip(0, 100))
        level = pl.concat_str(
            pl.col("component"), pl.lit(" "), pl.col("_value_text"),
            pl.lit(" vs expected "), pl.col("_expected_text"),
            pl.lit(" at "), pl.lit(_HHMM).gather(pl.col("_tod")), pl.lit("; "), share,
            pl.lit(" of error"),
        )
        moving = pl.when(pl.col("_vol") < pl.col("_vol_expected")).then(pl.lit(" barely moving"))
        variation = pl.concat_str(
            pl.col("component"), pl.lit(" "), pl.col("_value_text"),
            moving.otherwise(pl.lit(" jumping")),
            pl.lit(" (step-to-step change "), fmt_number(pl.col("_vol")),
            pl.lit(" vs usual "), fmt_number(pl.col("_vol_expected")),
            pl.lit("); "), share, pl.lit(" of error"),
        )
        if self.spec.stuck:  # _vol holds how many steps the value has not changed
            steps = pl.col("_vol").cast(pl.Int64).cast(pl.String)
            variation = pl.concat_str(
                pl.col("component"), pl.lit(" "), pl.col("_value_text"),
                pl.when(pl.col("_vol") > 0)
                .then(pl.concat_str(pl.lit(" unchanged for "), steps, pl.lit(" steps")))
                .otherwise(pl.lit(" changing where it usually holds still")),
                pl.lit("; "), share, pl.lit(" of error"),
            )
        rows = frame.with_row_index("_i").filter(pl.col("score").is_not_null() & ~pl.col("late"))
        rows = rows.with_columns(format_series(rows["value"]).alias("_value_text"),
                                 format_series(rows["expected"]).alias("_expected_text"))
        for kind, text in ((pl.col("_flat") > 0, variation), (pl.col("_flat") == 0, level)):
            part = rows.filter(kind).select("_i", text.alias("text"))
            if part.height:
                reasons = reasons.scatter(part["_i"], part["text"])
        return reasons


_HHMM = pl.Series([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=pl.String)
_PERCENT = pl.Series([f"{p}%" for p in range(101)], dtype=pl.String)


def _variation(w: Windows, x_hat: np.ndarray, spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """Typical step-to-step change in the data's units: seen in the window, and expected;
    with the stuck feature: how many steps the value has not changed (and 0)."""
    if spec.stuck:
        cols = spec.stuck_columns
        seen = stuck_steps(w.x[:, cols].astype(np.float64), spec.window)
        return seen, np.zeros_like(seen)
    cols = spec.volatility_columns
    if cols is None:
        zeros = np.zeros((len(w.step), spec.n_components))
        return zeros, zeros
    seen = np.maximum(np.exp(w.x[:, cols].astype(np.float64)) - VOL_EPS, 0) * w.scale
    hoped = np.maximum(np.exp(x_hat[:, cols].astype(np.float64)) - VOL_EPS, 0) * w.scale
    return seen, hoped
