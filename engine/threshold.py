"""Alarm threshold calibration from reconstruction errors (pure numpy).

The user states a budget, the target false-alarm rate (share of normal entries that may be
flagged). A plain high percentile of the errors can only be as precise as the number of
samples behind it and says nothing beyond the largest error seen. Peaks-over-threshold
(Siffer et al., KDD 2017, "SPOT") instead fits a generalized Pareto distribution (GPD) to the
tail above a moderate quantile and extrapolates to the target rate, so the threshold follows
the shape of the tail and keeps a margin above the errors seen in calibration.

Used at training time (validation errors) and by the TUI's "recalibrate from recent data".
"""

from __future__ import annotations

import math

import numpy as np

from logwatch.engine.errors import UserError

DAY_SECONDS = 86400.0

STEP_RATE_LIMITS = (1e-5, 0.05)
"""The per-step rate a daily budget becomes is kept in this range: a second-by-second log
still has a tail to fit, an hourly one is not told to flag a tenth of its hours."""

MIN_SAMPLES = 50
"""Fewer errors than this cannot describe a tail; calibration refuses."""

MIN_EXCEEDANCES = 20
"""Peaks used to fit the GPD: the initial quantile is lowered until there are this many."""

MIN_DISTINCT_PEAKS = 10
"""Fewer distinct peak values (heavy ties, e.g. a flat series) fall back to a quantile."""

BASE_TAIL_FRACTION = 0.02
"""Share of errors above the initial POT threshold (the paper's 98 % quantile)."""

FENCE = 3.0
"""Errors beyond Tukey's far-out fence on a log scale (the upper quartile plus this many
interquartile ranges of log-errors) are left out of the tail fit: data the threshold is
calibrated on may hold faults (a real server's training log, the monitor's recent
entries), and a few hundred of them at 100x the typical error would set a threshold that
reports nothing. Clean errors never reach it: for the error of three components with
normal noise the fence is about 8x the median."""

FENCE_MAX_SHARE = 0.02
"""At most this share of the errors (the largest) is left out as outliers: a series that
mostly holds still has its log-quartiles close together, and a fence from them would call
its ordinary moves outliers (on one NAB series, 22 % of them)."""

SHAPE_LIMITS = (0.0, 0.5)
"""GPD shape is clipped to this range. Above 0.5 the probability-weighted moment
estimates are unreliable and extrapolation runs away; below 0 the fit claims a bounded
tail, which a few dozen peaks cannot show and real data (drifting after training) does
not honour, so the threshold extrapolates at least like an exponential tail."""


def step_budget(alarms_per_day: float, step_seconds: float) -> float:
    """The share of a server's time steps that `alarms_per_day` false alarms a day make."""
    if not (alarms_per_day > 0 and step_seconds > 0):
        raise UserError(f"--alarms-per-day: expected a number above 0, got {alarms_per_day}")
    low, high = STEP_RATE_LIMITS
    return min(high, max(low, alarms_per_day * step_seconds / DAY_SECONDS))


def calibrate_threshold(errors: np.ndarray, target_far: float = 0.001) -> tuple[float, dict]:
    """Choose the error value above which an entry is flagged.

    Args:
        errors: reconstruction errors of (mostly) normal data, any shape; NaN and inf are
            ignored.
        target_far: share of normal entries allowed above the threshold, in (0, 0.5).

    Returns:
        `(value, how)`: the threshold and a JSON-ready dict recording how it was set
        (stored as model.json `threshold`).
    """
    if not 0.0 < target_far < 0.5:
        raise UserError(f"--target-far: expected a rate between 0 and 0.5, got {target_far}")
    values = np.asarray(errors, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size < MIN_SAMPLES:
        raise UserError(
            f"threshold calibration needs at least {MIN_SAMPLES} errors, got {values.size}: "
            "use more data (or a smaller --window)"
        )
    everything = values
    fence = max(far_out_fence(values), float(np.quantile(values, 1.0 - FENCE_MAX_SHARE)))
    values = values[values <= fence]
    outliers = int(everything.size - values.size)
    n = int(values.size)
    tail_fraction = min(0.5, max(BASE_TAIL_FRACTION, 5.0 * target_far, MIN_EXCEEDANCES / n))
    initial = float(np.quantile(values, 1.0 - tail_fraction))
    excesses = values[values > initial] - initial
    how: dict = {
        "target_false_alarm_rate": float(target_far),
        "samples": n,
        "outliers_left_out": outliers,
        "fence": float(fence),
        "initial_quantile": 1.0 - tail_fraction,
        "initial_threshold": initial,
        "exceedances": int(excesses.size),
    }
    if np.unique(excesses).size < MIN_DISTINCT_PEAKS:
        # Ties (a very flat error distribution) leave too few peaks: an empirical quantile
        # is the honest answer, nudged to the largest tied value so ties are not flagged.
        value = float(np.quantile(values, 1.0 - target_far, method="higher"))
        how.update(method="quantile", reason="too few distinct peaks for a tail fit")
    else:
        shape, scale = fit_gpd_pwm(excesses)
        ratio = target_far * n / excesses.size
        if abs(shape) < 1e-6:
            value = initial - scale * math.log(ratio)
        else:
            value = initial + scale / shape * (ratio ** (-shape) - 1.0)
        how.update(method="pot", gpd_shape=shape, gpd_scale=scale)
    value = max(value, initial)
    how["value"] = float(value)
    how["observed_rate"] = float(np.mean(everything > value))
    return float(value), how


def far_out_fence(values: np.ndarray) -> float:
    """Tukey's far-out fence of `values` on a log scale (see FENCE); inf when the quartiles
    are not positive (a flat error distribution has no outliers to speak of)."""
    q1, q3 = np.quantile(values, [0.25, 0.75])
    if not (q1 > 0 and q3 > 0):
        return math.inf
    return float(math.exp(math.log(q3) + FENCE * (math.log(q3) - math.log(q1))))


def fit_gpd_pwm(excesses: np.ndarray) -> tuple[float, float]:
    """Generalized Pareto (shape, scale) from probability-weighted moments.

    Hosking & Wallis (1987): closed form, no optimizer, robust for the light or moderately
    heavy tails reconstruction errors have. Shape 0 is the exponential tail.
    """
    y = np.sort(np.asarray(excesses, dtype=np.float64))
    n = y.size
    plotting = (np.arange(1, n + 1) - 0.35) / n
    a0 = float(y.mean())
    a1 = float(np.mean((1.0 - plotting) * y))
    denominator = a0 - 2.0 * a1
    if denominator <= 0.0 or a0 <= 0.0:
        return 0.0, max(a0, 1e-12)
    shape = 2.0 - a0 / denominator
    shape = float(np.clip(shape, *SHAPE_LIMITS))
    # Scale from the first moment given the (clipped) shape: mean excess = scale / (1 - shape).
    scale = max(a0 * (1.0 - shape), 1e-12)
    return shape, float(scale)


def error_histogram(errors: np.ndarray, threshold: float, bins: int = 40) -> dict:
    """Histogram of errors for model.json `error_histogram`, so the TUI draws it as is.

    Bins are linear from 0 to a little past both the 99.9th percentile and the threshold;
    larger errors are counted in `overflow` rather than stretching every bar.
    """
    values = np.asarray(errors, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    top = float(np.quantile(values, 0.999)) if values.size else 1.0
    top = max(top, float(threshold), 1e-12) * 1.1
    counts, edges = np.histogram(np.clip(values, 0.0, None), bins=bins, range=(0.0, top))
    return {
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
        "overflow": int(np.sum(values > top)),
        "threshold": float(threshold),
    }


def step_peaks(server: np.ndarray, timestamp: np.ndarray, score: np.ndarray) -> np.ndarray:
    """The largest score of each (server, time step): the unit a false-alarm budget counts,
    since a server's step is flagged when any of its entries is. Entries without a score
    (NaN: warming up, late) are ignored; a step with none is left out. Any order."""
    known = np.isfinite(score)
    server, timestamp, score = server[known], timestamp[known], score[known]
    if score.size == 0:
        return np.zeros(0)
    order = np.lexsort((timestamp, server))
    s, t = server[order], timestamp[order]
    starts = np.flatnonzero(np.concatenate([[True], (s[1:] != s[:-1]) | (t[1:] != t[:-1])]))
    return np.maximum.reduceat(score[order], starts)
