"""What a feature vector is made of (`FeatureSpec`) and how values are scaled (`Scaling`).

Both are stored in model.json (keys `components`, `window`, `step_seconds`, `features`,
`scaling`), so training and scoring build exactly the same vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

FEATURES_VERSION = 1
DEFAULT_WINDOW = 16
DEFAULT_MAX_GAP_STEPS = 5


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Layout of one feature vector for a server at step t.

    `[Z(t-W+1..t, c) for each step, component]` (W*C, time-major), then `[sin, cos]` of the
    time of day when `time_of_day`, then `log(std(diff(Z)) + VOL_EPS)` per component over the
    window when `volatility`, then how long each component's value has not changed when
    `stuck` (see `features.stuck_feature`). Z = (value - center) / scale, per server, where
    center is the training center or, with `baseline_blocks`, the slow baseline at the
    window's newest step (`features.row_centers`); with `profile_bins`, each step's own
    daily-profile level plus the slow baseline of what the profile leaves. With
    `adaptive_scale` the scale widens when the recent noise exceeds training's
    (`features.row_scales`).

    The score of a component (`errors.component_errors`) uses its newest value and its
    volatility/stuck feature: each residual is divided by `error_scale` (the typical
    residual of that column on validation data, set by training) so one threshold fits
    every component, and with `driver_ratio` a component whose error is well below the
    largest of its server at that step is damped (the fault is the other one's).
    """

    components: tuple[str, ...]
    window: int = DEFAULT_WINDOW
    step_seconds: float | None = None
    time_of_day: bool = True
    volatility: bool = True
    max_gap_steps: int = DEFAULT_MAX_GAP_STEPS
    """Gaps of at most this many missing steps are carried forward; longer ones restart."""
    version: int = FEATURES_VERSION
    stuck: bool = False
    """Add the stuck-value feature per component (a flatline shows as a long run)."""
    error_scale: tuple[float, ...] | None = None
    """Divisors of the scored residuals, in `scored_columns` order (None: 1)."""
    driver_ratio: float | None = None
    """Damp a component's error when its score is below this share of the step's largest."""
    step_score: bool = False
    """Score a step as a whole: the components that drive its error (see `driver_ratio`)
    score the square root of the step's summed error, so evidence spread over several
    components adds up and one threshold means one budget per time step; the others keep
    their own damped score (see `errors.entry_scores`)."""
    baseline_blocks: int = 0
    """With `baseline_block_steps`: each window is centred on the mean of the previous
    this-many complete blocks of its server (a slow baseline that follows real drift);
    0 keeps the fixed per-server center from training."""
    baseline_block_steps: int = 0
    """Steps per baseline block; blocks are aligned on absolute step numbers."""
    adaptive_scale: bool = False
    """With a baseline and a training noise level (`Scaling.noises`): the scale widens when
    the recent step-to-step change exceeds training's (see `features.row_scales`)."""
    profile_bins: int = 0
    """With a daily profile (per server, `Scaling.profiles`) of this many bins: each step is
    centred on its profile level plus the slow baseline of what is left (see
    `features.row_centers`); 0: no profile."""
    bounds: tuple[float, ...] | None = None
    """Lowest and highest value of each component seen in training, `(lo_1, hi_1, lo_2, ...)`:
    a value pinned at one of them (0 % CPU, a full disk) is not counted as stuck."""

    @property
    def n_components(self) -> int:
        return len(self.components)

    @property
    def dim(self) -> int:
        c = self.n_components
        extra = (c if self.volatility else 0) + (c if self.stuck else 0)
        return self.window * c + (2 if self.time_of_day else 0) + extra

    @property
    def history_rows(self) -> int:
        """Rows before a window's newest step that its features depend on."""
        rows = self.window - 1
        if self.baseline_blocks:
            rows = max(rows, (self.baseline_blocks + 1) * self.baseline_block_steps)
            if self.profile_bins:  # every step of the window has its own baseline
                rows += self.window - 1
        return max(rows, 1)

    @property
    def last_step(self) -> slice:
        """Columns of the newest step's scaled values."""
        c = self.n_components
        return slice((self.window - 1) * c, self.window * c)

    @property
    def volatility_columns(self) -> slice | None:
        if not self.volatility:
            return None
        start = self.window * self.n_components + (2 if self.time_of_day else 0)
        return slice(start, start + self.n_components)

    @property
    def stuck_columns(self) -> slice | None:
        if not self.stuck:
            return None
        return slice(self.dim - self.n_components, self.dim)

    @property
    def scored_columns(self) -> list[slice]:
        """Column groups (C columns each) whose residuals make a component's error."""
        groups = [self.last_step, self.volatility_columns, self.stuck_columns]
        return [g for g in groups if g is not None]

    def to_json(self) -> dict[str, Any]:
        """The model.json `features` dict (components/window/step are top-level keys)."""
        out: dict[str, Any] = {
            "version": self.version,
            "values": "robust_scaled",
            "time_of_day": self.time_of_day,
            "volatility": self.volatility,
            "stuck": self.stuck,
            "max_gap_steps": self.max_gap_steps,
            "dim": self.dim,
        }
        if self.error_scale is not None:
            out["error_scale"] = [float(v) for v in self.error_scale]
        if self.driver_ratio is not None:
            out["driver_ratio"] = float(self.driver_ratio)
        if self.step_score:
            out["score"] = "step"
        if self.bounds is not None:
            out["bounds"] = [float(v) for v in self.bounds]
        if self.baseline_blocks:
            out["baseline"] = {"blocks": self.baseline_blocks, "block_steps": self.baseline_block_steps}
        if self.profile_bins:
            out["daily_profile_bins"] = self.profile_bins
        if self.adaptive_scale:
            out["adaptive_scale"] = True
        return out

    @classmethod
    def from_json(
        cls, features: dict[str, Any], *, components: list[str], window: int, step_seconds: float
    ) -> FeatureSpec:
        version = int(features.get("version", FEATURES_VERSION))
        if version != FEATURES_VERSION:
            raise ValueError(f"features.version {version} is not supported (expected 1)")
        scale = features.get("error_scale")
        driver = features.get("driver_ratio")
        bounds = features.get("bounds")
        baseline = features.get("baseline") or {}
        spec = cls(
            components=tuple(components),
            window=int(window),
            step_seconds=float(step_seconds),
            time_of_day=bool(features.get("time_of_day", True)),
            volatility=bool(features.get("volatility", True)),
            max_gap_steps=int(features.get("max_gap_steps", DEFAULT_MAX_GAP_STEPS)),
            stuck=bool(features.get("stuck", False)),
            error_scale=None if scale is None else tuple(float(v) for v in scale),
            driver_ratio=None if driver is None else float(driver),
            step_score=features.get("score", "entry") == "step",
            bounds=None if bounds is None else tuple(float(v) for v in bounds),
            baseline_blocks=int(baseline.get("blocks", 0)),
            baseline_block_steps=int(baseline.get("block_steps", 0)),
            profile_bins=int(features.get("daily_profile_bins", 0)),
            adaptive_scale=bool(features.get("adaptive_scale", False)),
        )
        if spec.baseline_blocks < 0 or (spec.baseline_blocks and spec.baseline_block_steps < 1):
            raise ValueError("features.baseline needs blocks >= 0 and block_steps >= 1")
        if spec.profile_bins < 0:
            raise ValueError("features.daily_profile_bins must be >= 0")
        if spec.bounds is not None and len(spec.bounds) != 2 * spec.n_components:
            raise ValueError("features.bounds needs a lowest and a highest value per component")
        if spec.error_scale is not None and (
            len(spec.error_scale) != len(spec.scored_columns) * spec.n_components
            or not all(np.isfinite(v) and v > 0 for v in spec.error_scale)
        ):
            raise ValueError("features.error_scale needs one positive number per scored column")
        return spec


@dataclass(frozen=True, slots=True)
class Scaling:
    """Per-server center and scale for each component; `default` for servers never seen."""

    components: tuple[str, ...]
    default: tuple[np.ndarray, np.ndarray]
    servers: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    default_profile: np.ndarray | None = None
    """Daily profile (bins, C): the typical level by time of day, pooled over servers."""
    profiles: dict[str, np.ndarray] = field(default_factory=dict)
    default_noise: np.ndarray | None = None
    """Typical step-to-step change (C,) in training, pooled over servers."""
    noises: dict[str, np.ndarray] = field(default_factory=dict)

    def for_server(self, server: str) -> tuple[np.ndarray, np.ndarray]:
        return self.servers.get(server, self.default)

    def profile_for(self, server: str) -> np.ndarray | None:
        """The server's daily profile; a server never seen gets the pooled one."""
        return self.profiles.get(server, self.default_profile)

    def noise_for(self, server: str) -> np.ndarray | None:
        """The server's typical step-to-step change in training; a new server gets the pooled one."""
        return self.noises.get(server, self.default_noise)

    def to_json(self) -> dict[str, Any]:
        def pack(pair: tuple[np.ndarray, np.ndarray]) -> dict[str, dict[str, float]]:
            center, scale = pair
            return {
                c: {"center": float(center[i]), "scale": float(scale[i])}
                for i, c in enumerate(self.components)
            }

        out: dict[str, Any] = {
            "method": "median_iqr",
            "default": pack(self.default),
            "servers": {s: pack(p) for s, p in sorted(self.servers.items())},
        }
        if self.default_profile is not None:
            def columns(profile: np.ndarray) -> dict[str, list[float]]:
                return {c: [float(v) for v in profile[:, i]] for i, c in enumerate(self.components)}

            out["daily_profile"] = {
                "default": columns(self.default_profile),
                "servers": {s: columns(p) for s, p in sorted(self.profiles.items())},
            }
        if self.default_noise is not None:
            def levels(noise: np.ndarray) -> dict[str, float]:
                return {c: float(noise[i]) for i, c in enumerate(self.components)}

            out["noise"] = {
                "default": levels(self.default_noise),
                "servers": {s: levels(n) for s, n in sorted(self.noises.items())},
            }
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], components: list[str]) -> Scaling:
        def unpack(entry: dict[str, dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
            center = np.array([float(entry[c]["center"]) for c in components])
            scale = np.array([float(entry[c]["scale"]) for c in components])
            if not (np.isfinite(center).all() and np.isfinite(scale).all() and (scale > 0).all()):
                raise ValueError("scaling numbers must be finite with positive scales")
            return center, scale

        servers = {s: unpack(e) for s, e in data.get("servers", {}).items()}
        out = cls(tuple(components), unpack(data["default"]), servers)
        noise = data.get("noise")
        if noise is not None:
            def level(entry: dict[str, float]) -> np.ndarray:
                values = np.array([float(entry[c]) for c in components])
                if not (np.isfinite(values).all() and (values > 0).all()):
                    raise ValueError("noise levels must be finite and positive")
                return values

            out = replace(
                out, default_noise=level(noise["default"]),
                noises={s: level(e) for s, e in noise.get("servers", {}).items()},
            )
        profiles = data.get("daily_profile")
        if profiles is None:
            return out

        def profile(entry: dict[str, list[float]]) -> np.ndarray:
            by_bin = np.array([[float(v) for v in entry[c]] for c in components]).T
            if by_bin.ndim != 2 or len(by_bin) == 0 or not np.isfinite(by_bin).all():
                raise ValueError("daily_profile needs the same number of finite levels per component")
            return by_bin

        return replace(
            out, default_profile=profile(profiles["default"]),
            profiles={s: profile(e) for s, e in profiles.get("servers", {}).items()},
        )


def robust_center_scale(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and IQR/1.349 per column of `values` (rows x components), NaN ignored.

    A series that is mostly one value (idle disk writes: an IQR of 0) falls back to its
    standard deviation, so its rare bursts are large but finite numbers; the scale also
    has a floor so a constant series does not divide by zero.
    """
    with np.errstate(all="ignore"):
        center = np.nanmedian(values, axis=0) if len(values) else np.full(values.shape[1], np.nan)
        q75, q25 = (np.nanpercentile(values, q, axis=0) for q in (75, 25)) if len(values) else (center, center)
        spread = np.nanstd(values, axis=0) if len(values) else np.zeros(values.shape[1])
    center = np.nan_to_num(center, nan=0.0)
    scale = np.nan_to_num((q75 - q25) / 1.349, nan=0.0)
    floor = np.maximum(1e-3 * np.maximum(np.abs(center), 1.0), 1e-6)
    scale = np.where(scale > floor, scale, np.nan_to_num(spread, nan=0.0))
    return center, np.maximum(scale, floor)
