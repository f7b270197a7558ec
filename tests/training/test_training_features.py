"""The features and errors training relies on (engine/window): the stuck feature, error
scales, the driver rule, value bounds, and streaming == batch with all of them on."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from training_support import write_log

from logwatch.engine.parse import read_batches
from logwatch.engine.window import (
    FeatureSpec,
    Rows,
    StepGrid,
    StreamWindower,
    align,
    build_windows,
    component_errors,
    entry_scores,
    discover_components,
    fit_error_scale,
    fit_noise,
    fit_profiles,
    fit_scaling,
    row_centers,
    row_scales,
    stuck_feature,
    stuck_steps,
    window_features,
)
from logwatch.engine.window.features import _nan_median, daily_level

SPEC = FeatureSpec(("A", "B"), window=6, step_seconds=10, volatility=False, stuck=True)


def _features(values: list[list[float]], spec: FeatureSpec = SPEC) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    rows = Rows(np.arange(len(v)), v, np.arange(len(v)))
    empty = Rows(rows.steps[:0], v[:0], rows.position[:0])
    x, _ = window_features(empty, rows, spec, np.zeros(2), np.ones(2), StepGrid(10_000_000))
    return x


def test_stuck_feature_grows_with_a_run_of_unchanged_values_and_ignores_one_repeat():
    a = [1.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 4.0]
    x = _features([[v, float(i)] for i, v in enumerate(a)])
    stuck = x[:, SPEC.stuck_columns]
    # Windows end at steps 5..8: A unchanged for 3, 4, 5 steps, then it moves again.
    assert stuck[:, 0].tolist() == pytest.approx([stuck_feature(np.array(r), 6) for r in (3, 4, 5, 0)])
    assert (stuck[:, 1] == 0).all()  # B changes every step
    assert stuck_feature(np.array([0, 1]), 6).tolist() == [0.0, 0.0]  # one repeat is noise
    assert stuck_steps(stuck[:, 0], 6).tolist() == [3, 4, 5, 0]
    assert stuck[2, 0] == 3.0  # a window-long run is the full stuck value


def test_a_value_pinned_at_a_bound_seen_in_training_is_not_stuck():
    bounded = replace(SPEC, bounds=(0.0, 100.0, 0.0, 100.0))
    values = [[0.0, float(i)] for i in range(8)]
    assert (_features(values, bounded)[:, bounded.stuck_columns] == 0).all()
    assert (_features(values, SPEC)[:, SPEC.stuck_columns][:, 0] > 0).all()


def test_error_scales_make_components_comparable_and_survive_json():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, SPEC.dim)).astype(np.float32)
    noise = rng.normal(size=x.shape) * np.r_[np.full(SPEC.dim - 2, 0.01), [0.001, 0.001]]
    noise[:, SPEC.last_step] *= [1.0, 50.0]  # B's value is reconstructed 50x worse than A's
    x_hat = x + noise.astype(np.float32)
    plain = component_errors(x, x_hat, SPEC)
    scaled_spec = fit_error_scale(x, x_hat, SPEC)
    scaled = component_errors(x, x_hat, scaled_spec)
    assert np.median(plain[:, 1]) > 100 * np.median(plain[:, 0])
    assert 0.5 < np.median(scaled[:, 1]) / np.median(scaled[:, 0]) < 2
    again = FeatureSpec.from_json(scaled_spec.to_json(), components=["A", "B"], window=6, step_seconds=10)
    assert again == scaled_spec


def test_driver_rule_damps_the_component_that_only_echoes_another_ones_fault():
    spec = replace(SPEC, driver_ratio=0.5)
    x = np.zeros((3, spec.dim), np.float32)
    x_hat = x.copy()
    last = spec.last_step
    x_hat[0, last] = [4.0, 1.0]  # A drives, B echoes: B damped
    x_hat[1, last] = [4.0, 3.0]  # both large: both kept
    x_hat[2, last] = [0.1, 0.0]
    plain = component_errors(x, x_hat, SPEC)
    damped = component_errors(x, x_hat, spec)
    assert damped[0, 0] == plain[0, 0] and damped[0, 1] == pytest.approx(plain[0, 1] * 0.09)
    assert np.array_equal(damped[1], plain[1])


def test_step_score_gives_the_driving_components_the_whole_steps_error():
    spec = replace(SPEC, driver_ratio=0.5, step_score=True)
    x = np.zeros((2, spec.dim), np.float32)
    x_hat = x.copy()
    x_hat[0, spec.last_step] = [3.0, 2.5]  # both drive: evidence adds up
    x_hat[1, spec.last_step] = [3.0, 0.5]  # A drives; B keeps its own damped score
    err = component_errors(x, x_hat, spec)
    scores = entry_scores(x, x_hat, spec)
    assert scores[0] == pytest.approx([np.sqrt(9 + 6.25)] * 2)
    assert scores[1, 0] == pytest.approx(np.sqrt(9 + 0.25 * 0.09)) and scores[1, 1] == pytest.approx(np.sqrt(err[1, 1]))
    assert np.array_equal(entry_scores(x, x_hat, replace(spec, step_score=False)), np.sqrt(err))
    again = FeatureSpec.from_json(spec.to_json(), components=["A", "B"], window=6, step_seconds=10)
    assert again.step_score and not FeatureSpec.from_json(SPEC.to_json(), components=["A", "B"], window=6,
                                                          step_seconds=10).step_score


@pytest.mark.parametrize("bad", [{"error_scale": [1.0]}, {"error_scale": [1, 1, 1, -1]}, {"bounds": [0, 1]}])
def test_bad_error_scales_or_bounds_in_model_json_are_refused(bad):
    with pytest.raises(ValueError):
        FeatureSpec.from_json({**SPEC.to_json(), **bad}, components=["A", "B"], window=6, step_seconds=10)


def test_old_feature_json_keeps_its_meaning():
    old = {"version": 1, "time_of_day": True, "volatility": True, "max_gap_steps": 5}
    spec = FeatureSpec.from_json(old, components=["A"], window=4, step_seconds=10)
    assert spec.volatility and not spec.stuck and spec.error_scale is None and spec.driver_ratio is None


@pytest.mark.parametrize(
    ("baseline", "bins", "adaptive"),
    [(0, 0, False), (4, 0, False), (4, 24, False), (4, 0, True), (4, 24, True)],
    ids=["fixed-center", "baseline", "daily-profile", "adaptive-scale", "profile-and-adaptive-scale"],
)
def test_streaming_equals_batch_with_the_training_spec(tmp_path, baseline, bins, adaptive):
    log = write_log(tmp_path / "log.jsonl", steps=600, seed=5)
    frame = pl.concat([b.frame for b in read_batches(log)])
    keep = np.random.default_rng(1).random(frame.height) > 0.03  # holes: carried-forward values
    frame = frame.filter(pl.Series(keep))
    spec = FeatureSpec(discover_components(frame), window=8, step_seconds=10, volatility=False,
                       stuck=True, driver_ratio=0.5, bounds=(0.0, 100.0) * 3,
                       baseline_blocks=baseline, baseline_block_steps=25, profile_bins=bins,
                       adaptive_scale=adaptive)
    grid, rows = align(frame, spec)
    scaling = fit_scaling(rows, spec.components)
    if bins:
        default, profiles = fit_profiles(rows, grid, bins, spec.n_components)
        scaling = replace(scaling, default_profile=default, profiles=profiles)
    if adaptive:
        default, noises = fit_noise(rows, spec)
        scaling = replace(scaling, default_noise=default / 3, noises={s: n / 3 for s, n in noises.items()})
    whole = build_windows(frame, spec, scaling, grid)
    windower = StreamWindower(spec, scaling, grid)
    outs = [windower.push(frame.slice(i, 333)) for i in range(0, frame.height, 333)] + [windower.flush()]
    server = np.concatenate([o.server for o in outs]).astype(str)
    step = np.concatenate([o.step for o in outs])
    x = np.vstack([o.x for o in outs])
    order, mine = np.lexsort((whole.step, whole.server.astype(str))), np.lexsort((step, server))
    assert np.array_equal(x[mine], whole.x[order])
    centers = np.vstack([o.center for o in outs])[mine]
    assert (len(np.unique(centers, axis=0)) > 3) == bool(baseline)
    scales = np.vstack([o.scale for o in outs])[mine]
    assert (len(np.unique(scales, axis=0)) > 3) == adaptive  # (training noise set 3x too low)
    assert (whole.x[:, spec.stuck_columns] > 0).any()  # the holes made some runs


def test_the_baseline_follows_a_new_level_a_few_blocks_later_and_ignores_a_short_fault():
    spec = FeatureSpec(("A",), window=4, step_seconds=10, volatility=False, baseline_blocks=5,
                       baseline_block_steps=10)
    values = np.r_[np.full(60, 10.0), np.full(60, 50.0)][:, None]
    values[30:40] = 90.0  # a fault filling one block
    steps = np.arange(120)
    centers = row_centers(steps, values, steps, spec, np.array([0.0]))[:, 0]
    assert (centers[:40] == 0).all()  # fewer than 4 complete blocks: the training center
    assert (centers[40:80] == 10).all()  # the median of the blocks ignores the fault
    assert centers[85] == 50 and (centers[90:] == 50).all()


def test_the_daily_profile_centres_the_daily_rhythm_and_the_baseline_follows_what_is_left():
    day = 8640  # 10 s steps
    steps = np.arange(3 * day)
    rhythm = 30 + 20 * np.sin(2 * np.pi * steps / day)
    grid = StepGrid(10_000_000)
    spec = FeatureSpec(("A",), window=4, step_seconds=10, volatility=False, baseline_blocks=6,
                       baseline_block_steps=180, profile_bins=48)
    rows = {"s": Rows(steps[:day], rhythm[:day, None], steps[:day])}
    _, servers = fit_profiles(rows, grid, 48, 1)
    later = rhythm[:, None] + np.where(steps >= 2 * day, 15.0, 0.0)[:, None]  # a new level on day 3
    level = daily_level(servers["s"], grid, steps)
    centers = row_centers(steps, later, steps, spec, np.array([0.0]), level)[:, 0]
    day2 = slice(day + 2000, 2 * day)
    assert np.abs(later[day2, 0] - centers[day2]).max() < 0.5  # the rhythm is expected
    assert np.abs(later[day2, 0] - 30).max() > 15  # (while a fixed centre would be far off)
    shifted = later[2 * day + 4 * 180 : 3 * day, 0] - centers[2 * day + 4 * 180 :]
    assert np.abs(shifted).max() < 0.5  # four blocks into the new level: it is the baseline
    assert np.abs(later[2 * day + 10, 0] - centers[2 * day + 10] - 15) < 0.5  # at first: off by 15


def test_the_scale_widens_when_the_noise_grows_and_never_narrows():
    spec = FeatureSpec(("A",), window=4, step_seconds=10, volatility=False, baseline_blocks=6,
                       baseline_block_steps=20, adaptive_scale=True)
    rng = np.random.default_rng(3)
    noise = np.r_[np.full(300, 1.0), np.full(300, 3.0), np.full(300, 0.2)]
    values = (50 + noise * rng.standard_normal(900))[:, None]
    steps = np.arange(900)
    typical = fit_noise({"s": Rows(steps[:300], values[:300], steps[:300])}, spec)[0]
    scales = row_scales(steps, values, steps, spec, np.array([2.0]), typical)[:, 0]
    assert (scales[:300] < 2.4).all()  # the training noise: (about) the training scale
    assert 4.0 < scales[300 + 4 * 20 :600].min() and scales[300 + 4 * 20 :600].max() < 7.5  # about 3x
    assert scales[300 + 20] < 2.4  # one noisy block is not enough
    assert (scales[600 + 4 * 20 :] == 2.0).all()  # a calmer metric keeps the training scale


def test_a_daily_profile_survives_model_json_and_a_missing_one_is_refused(tmp_path):
    from logwatch.engine.window import Scaling

    profile = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    scaling = Scaling(("A", "B"), (np.zeros(2), np.ones(2)), {}, profile, {"s": profile + 1})
    back = Scaling.from_json(scaling.to_json(), ["A", "B"])
    assert np.array_equal(back.profile_for("s"), profile + 1)
    assert np.array_equal(back.profile_for("never seen"), profile)
    assert Scaling.from_json(replace(scaling, default_profile=None).to_json(), ["A", "B"]).default_profile is None
    noisy = replace(scaling, default_noise=np.array([0.5, 0.25]), noises={"s": np.array([1.0, 2.0])})
    back = Scaling.from_json(noisy.to_json(), ["A", "B"])
    assert np.array_equal(back.noise_for("s"), [1.0, 2.0]) and np.array_equal(back.noise_for("new"), [0.5, 0.25])


@pytest.mark.parametrize("blocks", [1, 2, 3, 12])
def test_the_baseline_median_is_numpys_nanmedian_to_the_bit(blocks):
    rng = np.random.default_rng(blocks)
    stack = rng.normal(50, 30, size=(blocks, 4000, 3))
    stack[rng.random(stack.shape) < 0.4] = np.nan
    stack[:, :7] = np.nan  # rows with no block at all
    stack[0, 7:40] = np.inf
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanmedian(stack, axis=0)
    assert _nan_median(stack).tobytes() == want.tobytes()
