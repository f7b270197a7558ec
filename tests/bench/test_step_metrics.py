"""The point-wise step figures the real-data quality bench reports."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import average_precision_score

from bench.quality.step_metrics import (
    Steps,
    average_precision,
    best_f1,
    figures,
    hit_rates,
    read_interpretation,
    runs,
    steps_of,
)


def test_average_precision_matches_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(3)
    label = rng.random(500) < 0.1
    score = np.round(rng.random(500) + label * 0.4, 1)  # rounded: many ties
    assert average_precision(label, score) == pytest.approx(average_precision_score(label, score))


def test_best_f1_is_the_largest_over_every_threshold() -> None:
    rng = np.random.default_rng(4)
    label = rng.random(300) < 0.2
    score = rng.random(300) + label * 0.3
    brute = 0.0
    for t in np.unique(score):
        pred = score >= t
        tp = np.sum(pred & label)
        brute = max(brute, 2 * tp / (pred.sum() + label.sum()))
    assert best_f1(label, score) == pytest.approx(brute)


def test_runs_are_maximal_and_inclusive() -> None:
    assert runs(np.array([0, 1, 1, 0, 1, 0, 0, 1], bool)) == [(1, 2), (4, 4), (7, 7)]
    assert runs(np.zeros(3, bool)) == []


def test_steps_group_entries_by_time_and_take_the_largest_relative_score() -> None:
    t0 = datetime(2025, 1, 6)
    rows = []
    for i in range(4):
        ts = t0 + timedelta(minutes=i)
        for c, score in (("m01", [None, 1.0, 3.0, 0.5][i]), ("m02", [None, 4.0, 1.0, 0.5][i])):
            rows.append({"timestamp": ts, "server": "s", "component": c, "value": 0.0, "score": score,
                         "threshold": 2.0, "predicted": score is not None and score > 2.0, "anomalous": i == 2})
    steps = steps_of(pl.DataFrame(rows))
    assert steps.score.tolist() == [0.0, 2.0, 1.5, 0.25]
    assert steps.predicted.tolist() == [False, True, True, False]
    assert steps.label.tolist() == [False, False, True, False]
    assert steps.components == ("m01", "m02")
    assert steps.component_scores[1].tolist() == [1.0, 4.0]


def _steps(label, predicted, comp_scores) -> Steps:
    comp = np.asarray(comp_scores, float)
    return Steps(np.asarray(label, bool), np.asarray(predicted, bool), comp.max(axis=1), ("m01", "m02", "m03"), comp)


def test_figures_count_episodes_and_false_alarm_runs() -> None:
    label = [0, 1, 1, 0, 0, 0, 1, 0, 0, 0]
    predicted = [0, 0, 1, 1, 0, 1, 0, 0, 1, 1]
    s = _steps(label, predicted, np.ones((10, 3)))
    f = figures(s, 60, [])
    assert (f.episodes, f.episodes_caught) == (2, 1)
    assert f.false_alarms == 2  # steps 5 and 8-9; the run 2-3 touches a labeled step
    assert f.precision == pytest.approx(1 / 5) and f.recall == pytest.approx(1 / 3)
    assert f.days == pytest.approx(600 / 86_400)


def test_hit_rate_at_150_percent_and_top1_on_flagged_steps() -> None:
    comp = [[0, 0, 0], [3, 2, 1], [1, 2, 3]]
    s = _steps([0, 1, 1], [0, 1, 0], comp)
    # one blamed component (m01): k = floor(1.5) = 1; step 1 ranks m01 first, step 2 last
    hit, top1 = hit_rates(s, [(1, 2, [0])])
    assert hit == pytest.approx(0.5)
    assert top1 == pytest.approx(1.0)  # only step 1 was flagged, and it named m01


def test_interpretation_lines_become_zero_based_indices() -> None:
    components = ("m01", "m02", "m03")
    assert read_interpretation("2-4:1,3\n\n5-5:2,\n", components) == [(1, 3, [0, 2]), (4, 4, [1])]
