"""The batch API (used by training): a whole frame to per-server rows and feature windows."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

from logwatch.engine.window.features import step_changes, window_features
from logwatch.engine.window.grid import StepGrid, infer_grid
from logwatch.engine.window.rows import Rows, extend_rows, pivot_steps
from logwatch.engine.window.spec import FeatureSpec, Scaling, robust_center_scale


@dataclass(slots=True)
class WindowSet:
    """Feature windows of many servers, one row per (server, step) with a complete window."""

    grid: StepGrid
    server: np.ndarray
    """Server name of each window (object array of str)."""
    step: np.ndarray
    """Step index of each window's newest step (int64)."""
    x: np.ndarray
    """Features (n, spec.dim) float32."""
    labels: np.ndarray | None
    """(n, C) bool: the newest step's components that were labeled anomalous."""
    window_labels: np.ndarray | None
    """(n,) bool: any anomalous label inside the window (training skips these)."""


def discover_components(frame: pl.DataFrame) -> tuple[str, ...]:
    """Component names found in the data, in order of first appearance."""
    return tuple(frame["component"].unique(maintain_order=True).to_list())


def align(
    frame: pl.DataFrame, spec: FeatureSpec, grid: StepGrid | None = None
) -> tuple[StepGrid, dict[str, Rows]]:
    """Per-server step rows of a whole Batch frame (in input order; labels kept if present)."""
    grid = grid or infer_grid(frame, spec.step_seconds)
    labels = "anomalous" in frame.columns
    stepped = frame.with_columns(grid.step_ids(pl.col("timestamp")))
    out: dict[str, Rows] = {}
    for server, (steps, values, flags) in pivot_steps(stepped, spec.components, labels=labels).items():
        out[server] = extend_rows(None, steps, values, spec.max_gap_steps, flags)
    return grid, out


def fit_scaling(rows: dict[str, Rows], components: tuple[str, ...]) -> Scaling:
    """Median/IQR per server and component; the default pools every server's rows."""
    servers = {s: robust_center_scale(r.values) for s, r in rows.items()}
    pooled = [r.values for r in rows.values()]
    default = robust_center_scale(np.vstack(pooled) if pooled else np.zeros((0, len(components))))
    return Scaling(tuple(components), default, servers)


PROFILE_SMOOTHING = np.array([1.0, 2.0, 1.0]) / 4.0
"""Neighbouring bins of a daily profile are blended: a day or two of data says little about
one half hour, and the level should not jump between bins."""


def fit_profiles(
    rows: dict[str, Rows], grid: StepGrid, bins: int, n_components: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Daily profiles: the median of each component per time-of-day bin, (bins, C), per
    server and pooled; a bin without data takes the overall median."""
    def profile(steps: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.full((bins, n_components), np.nan)
        day = 86_400 * 1_000_000
        which = ((grid.step_times_us(steps) % day) * bins // day).astype(np.int64)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for b in range(bins):
                if np.any(which == b):
                    out[b] = np.nanmedian(values[which == b], axis=0)
            overall = np.nanmedian(values, axis=0) if len(values) else np.zeros(n_components)
        out = np.where(np.isnan(out), np.nan_to_num(overall, nan=0.0), out)
        padded = np.vstack([out[-1:], out, out[:1]])
        return sum(w * padded[i : i + bins] for i, w in enumerate(PROFILE_SMOOTHING))

    servers = {s: profile(r.steps, r.values) for s, r in rows.items()}
    steps = np.concatenate([r.steps for r in rows.values()]) if rows else np.zeros(0, np.int64)
    values = np.vstack([r.values for r in rows.values()]) if rows else np.zeros((0, n_components))
    return profile(steps, values), servers


def fit_noise(rows: dict[str, Rows], spec: FeatureSpec) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Typical step-to-step change per component, (C,), per server and pooled: the median
    over baseline blocks of their mean `step_changes` (what `row_scales` compares with),
    floored at a thousandth of the robust scale so a flat training series stays finite."""
    def block_means(r: Rows) -> np.ndarray:
        changes = step_changes(r.values, r.position)
        _, inverse = np.unique(r.steps // max(spec.baseline_block_steps, 1), return_inverse=True)
        known = ~np.isnan(changes)
        sums = np.zeros((inverse.max(initial=-1) + 1, changes.shape[1]))
        counts = np.zeros_like(sums)
        np.add.at(sums, inverse, np.where(known, changes, 0.0))
        np.add.at(counts, inverse, known)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / counts, np.nan)

    def noise(group: list[Rows]) -> np.ndarray:
        means = np.vstack([block_means(r) for r in group] or [np.full((1, spec.n_components), np.nan)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            typical = np.nanmedian(means, axis=0)
        values = np.vstack([r.values for r in group]) if group else np.zeros((0, spec.n_components))
        return np.maximum(np.nan_to_num(typical, nan=0.0), 1e-3 * robust_center_scale(values)[1])

    return noise(list(rows.values())), {s: noise([r]) for s, r in rows.items()}


def build_windows(
    frame: pl.DataFrame, spec: FeatureSpec, scaling: Scaling, grid: StepGrid | None = None
) -> WindowSet:
    """Feature windows of every server of `frame` (for training and offline evaluation)."""
    grid, rows = align(frame, spec, grid)
    servers, steps, xs, labels, window_labels = [], [], [], [], []
    empty = Rows(np.zeros(0, np.int64), np.zeros((0, spec.n_components)), np.zeros(0, np.int64))
    for server, r in rows.items():
        center, scale = scaling.for_server(server)
        x, idx = window_features(
            empty, r, spec, center, scale, grid, profile=scaling.profile_for(server), noise=scaling.noise_for(server)
        )
        servers.append(np.full(len(idx), server, dtype=object))
        steps.append(r.steps[idx])
        xs.append(x)
        if r.labels is not None:
            labels.append(r.labels[idx])
            any_step = r.labels.any(axis=1)
            csum = np.concatenate(([0], np.cumsum(any_step)))
            window_labels.append((csum[idx + 1] - csum[idx + 1 - spec.window]) > 0)
    has = bool(rows) and all(r.labels is not None for r in rows.values())
    return WindowSet(
        grid,
        np.concatenate(servers) if servers else np.zeros(0, object),
        np.concatenate(steps) if steps else np.zeros(0, np.int64),
        np.vstack(xs) if xs else np.zeros((0, spec.dim), np.float32),
        np.vstack(labels) if has and labels else None,
        np.concatenate(window_labels) if has and window_labels else None,
    )
