"""Threshold calibration (engine/threshold.py): peaks over threshold on real samples."""

from __future__ import annotations

import numpy as np
import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.threshold import calibrate_threshold, error_histogram, fit_gpd_pwm, step_budget


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng, n: np.abs(rng.normal(size=n)),
        lambda rng, n: rng.exponential(size=n),
        lambda rng, n: rng.lognormal(0.0, 0.8, size=n),
        lambda rng, n: rng.pareto(4.0, size=n),
    ],
    ids=["half-normal", "exponential", "lognormal", "pareto"],
)
def test_pot_threshold_keeps_the_false_alarm_rate_on_new_samples(draw):
    rng = np.random.default_rng(3)
    value, how = calibrate_threshold(draw(rng, 20_000), 0.002)
    fresh = draw(rng, 400_000)
    rate = float(np.mean(fresh > value))
    assert how["method"] == "pot"
    assert 0.002 / 2 <= rate <= 0.002 * 2, rate


def test_pot_extrapolates_beyond_the_largest_error_when_samples_are_few():
    errors = np.random.default_rng(0).exponential(size=500)
    value, how = calibrate_threshold(errors, 0.0005)  # 1 in 2000: rarer than any sample
    assert how["method"] == "pot" and how["exceedances"] >= 20
    assert value > errors.max() and how["observed_rate"] == 0.0


def test_how_records_what_model_json_needs():
    value, how = calibrate_threshold(np.random.default_rng(1).exponential(size=5000), 0.001)
    assert how["value"] == value
    assert how["target_false_alarm_rate"] == 0.001
    assert {"method", "samples", "initial_threshold", "gpd_shape", "gpd_scale", "observed_rate"} <= set(how)


def test_gross_outliers_in_the_calibration_data_do_not_raise_the_threshold():
    """A real server's training log holds faults: 1.5 % of the errors at 50-500x the typical
    one must not set a threshold that would report none of them."""
    rng = np.random.default_rng(5)
    clean = np.sqrt((rng.normal(size=(20_000, 3)) ** 2).sum(axis=1))
    faults = rng.uniform(50, 500, size=300)
    alone, _ = calibrate_threshold(clean, 0.001)
    value, how = calibrate_threshold(np.concatenate([clean, faults]), 0.001)
    assert how["outliers_left_out"] >= 300
    assert value == pytest.approx(alone, rel=0.1)
    assert value < 10 < faults.min()


def test_at_most_two_percent_are_left_out_as_outliers():
    """A series that mostly holds still has close log-quartiles: its ordinary moves are not
    all outliers."""
    rng = np.random.default_rng(6)
    errors = np.concatenate([rng.uniform(1e-4, 2e-4, 9_000), rng.uniform(0.5, 5.0, 1_000)])
    value, how = calibrate_threshold(errors, 0.001)
    assert how["outliers_left_out"] <= 0.02 * errors.size
    assert value > 4.0  # above the ordinary moves, not among the still values


def test_ties_fall_back_to_a_quantile_that_does_not_flag_the_tied_values():
    errors = np.concatenate([np.zeros(5000), np.full(30, 2.0)])
    value, how = calibrate_threshold(errors, 0.001)
    assert how["method"] == "quantile"
    assert not np.any(errors > value)


def test_exponential_tail_has_shape_near_zero():
    shape, scale = fit_gpd_pwm(np.random.default_rng(2).exponential(3.0, size=50_000))
    assert abs(shape) < 0.05 and abs(scale - 3.0) < 0.15


@pytest.mark.parametrize("rate", [0.0, 0.5, -0.1])
def test_rejects_a_rate_outside_zero_to_half(rate):
    with pytest.raises(UserError, match="target-far"):
        calibrate_threshold(np.ones(1000), rate)


def test_rejects_too_few_errors_with_a_user_message():
    with pytest.raises(UserError, match="at least"):
        calibrate_threshold(np.array([1.0, np.nan, 2.0]), 0.01)


def test_error_histogram_counts_every_error_once():
    errors = np.random.default_rng(4).exponential(size=10_000)
    hist = error_histogram(errors, threshold=3.0, bins=20)
    assert len(hist["edges"]) == 21 and len(hist["counts"]) == 20
    assert sum(hist["counts"]) + hist["overflow"] == len(errors)
    assert hist["edges"][-1] >= 3.0


def test_a_daily_budget_becomes_the_share_of_steps_it_allows():
    assert step_budget(2, 10) == pytest.approx(2 / 8640)  # 8,640 steps of 10 s a day
    assert step_budget(2, 300) == pytest.approx(2 / 288)
    # Kept within limits: a 1 s log still has a tail to fit, an hourly one is not told to flag 8 %.
    assert step_budget(2, 0.1) == 1e-5 and step_budget(2, 3600) == 0.05
    with pytest.raises(UserError, match="alarms-per-day"):
        step_budget(0, 10)
