"""Windows: step alignment rules, and streaming == batch for the same data."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from engine_support import read_all
from logwatch.engine.window import (
    FeatureSpec,
    Scaling,
    StepGrid,
    StreamWindower,
    align,
    build_windows,
    discover_components,
    fit_scaling,
    infer_grid,
    infer_step_seconds,
)

T0 = datetime(2025, 1, 5)


def frame_of(rows: list[tuple[float, str, str, float]]) -> pl.DataFrame:
    """(seconds after T0, server, component, value) -> a Batch frame."""
    return pl.DataFrame(
        {
            "timestamp": [T0 + timedelta(seconds=s) for s, *_ in rows],
            "server": [r[1] for r in rows],
            "component": [r[2] for r in rows],
            "value": [float(r[3]) for r in rows],
        },
        schema={"timestamp": pl.Datetime("us"), "server": pl.String, "component": pl.String,
                "value": pl.Float64},
    )


def test_step_and_phase_are_learned_from_jittered_data():
    rows = [(10 * k + 0.001 * j + 0.0004, "s", c, k) for k in range(50) for j, c in enumerate("ABC")]
    frame = frame_of(rows)
    assert infer_step_seconds(frame) == 10.0
    grid = infer_grid(frame)
    assert grid.step_us == 10_000_000 and 0 < grid.phase_us < 3_000
    steps = frame.select(grid.step_ids(pl.col("timestamp")))["step"].to_numpy()
    assert (steps.reshape(50, 3) == steps.reshape(50, 3)[:, :1]).all()  # a tick stays one step


def test_last_value_wins_gaps_carried_forward_long_gaps_restart():
    spec = FeatureSpec(("A", "B"), window=2, step_seconds=10, max_gap_steps=2)
    rows = [(0, "s", "A", 1), (0, "s", "B", 10), (1, "s", "A", 2),  # A: last value (2) wins
            (10, "s", "B", 11),                                         # A carried forward
            (40, "s", "A", 5),                                          # 2 missing steps: filled
            (200, "s", "A", 7)]                                         # long gap: new segment
    grid, rows_by_server = align(frame_of(rows), spec, StepGrid(10_000_000))
    r = rows_by_server["s"]
    assert (r.steps - r.steps[0]).tolist() == [0, 1, 2, 3, 4, 20]
    assert r.values[:, 0].tolist() == [2, 2, 2, 2, 5, 7]
    assert r.values[:5, 1].tolist() == [10, 11, 11, 11, 11] and np.isnan(r.values[5, 1])
    assert r.position.tolist() == [0, 1, 2, 3, 4, 0]


def test_feature_layout_by_hand():
    spec = FeatureSpec(("A", "B"), window=3, step_seconds=10, time_of_day=True, volatility=True)
    scaling = Scaling(("A", "B"), (np.array([0.0, 100.0]), np.array([1.0, 10.0])))
    rows = [(10 * k, "s", "A", a) for k, a in enumerate([1, 2, 4])] + \
           [(10 * k, "s", "B", b) for k, b in enumerate([100, 110, 130])]
    windows = build_windows(frame_of(rows).sort("timestamp"), spec, scaling, StepGrid(10_000_000))
    assert windows.x.shape == (1, spec.dim) == (1, 3 * 2 + 2 + 2)
    x = windows.x[0].astype(np.float64)
    assert x[:6].tolist() == [1, 0, 2, 1, 4, 3]                 # Z time-major: (A, B) per step
    angle = 20 / 86400 * 2 * np.pi                              # newest step at 00:00:20
    assert x[6:8] == pytest.approx([np.sin(angle), np.cos(angle)], abs=1e-6)
    expected_vol = np.log(np.array([np.std([1, 2]), np.std([1, 2])]) + 0.01)
    assert x[8:] == pytest.approx(expected_vol, rel=1e-6)


def _stream(frame, spec, scaling, grid, sizes):
    windower = StreamWindower(spec, scaling, grid)
    outs, i = [], 0
    for n in sizes:
        outs.append(windower.push(frame.slice(i, n)))
        i += n
    outs.append(windower.push(frame.slice(i)))
    outs.append(windower.flush())
    server = np.concatenate([o.server for o in outs]).astype(str)
    step = np.concatenate([o.step for o in outs])
    x = np.vstack([o.x for o in outs])
    entries = pl.concat([o.entries for o in outs])
    order = np.lexsort((step, server))
    return server[order], step[order], x[order], entries


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_streaming_gives_the_same_features_as_the_batch_api(generated, seed):
    frame = read_all(generated)
    rng = np.random.default_rng(seed)
    # Holes: drop some entries (missing components, short and long gaps).
    keep = rng.random(frame.height) > 0.05
    keep[3000:3400] = False
    frame = frame.filter(pl.Series(keep))
    components = discover_components(frame)
    spec = FeatureSpec(components, window=5, step_seconds=10)
    grid, rows = align(frame, spec)
    scaling = fit_scaling(rows, components)
    whole = build_windows(frame, spec, scaling, grid)
    order = np.lexsort((whole.step, whole.server.astype(str)))
    sizes = rng.integers(1, 700, size=200)
    server, step, x, entries = _stream(frame, spec, scaling, grid, sizes)
    assert len(step) == len(whole.step) > 1000
    assert (server == whole.server[order].astype(str)).all()
    assert (step == whole.step[order]).all()
    assert np.array_equal(x, whole.x[order])
    # Every entry comes out exactly once, none late (the data is in time order).
    assert entries.height == frame.height and not entries["late"].any()


def test_a_step_is_released_once_every_component_arrived():
    spec = FeatureSpec(("A", "B"), window=2, step_seconds=10)
    scaling = Scaling(("A", "B"), (np.zeros(2), np.ones(2)))
    windower = StreamWindower(spec, scaling, StepGrid(10_000_000))
    first = windower.push(frame_of([(0, "s", "A", 1)]))
    assert first.entries.height == 0 and windower.held == 1
    second = windower.push(frame_of([(0.01, "s", "B", 2), (10, "s", "A", 3)]))
    assert second.entries.height == 2 and windower.held == 1   # step 0 complete, step 1 waits
    first_step = second.entries["step"][0]
    last = windower.flush()
    assert last.entries.height == 1 and (last.step - first_step).tolist() == [1]


def test_an_incomplete_step_is_released_once_the_stream_is_two_steps_past_it():
    """A server that sends only some components (or stops mid-step) is not held forever."""
    spec = FeatureSpec(("A", "B"), window=2, step_seconds=10)
    scaling = Scaling(("A", "B"), (np.zeros(2), np.ones(2)))
    windower = StreamWindower(spec, scaling, StepGrid(10_000_000))
    out = windower.push(frame_of([(0, "lonely", "A", 1), (0, "s", "A", 1), (0.01, "s", "B", 2)]))
    assert out.entries["server"].to_list() == ["s", "s"] and windower.held == 1
    out = windower.push(frame_of([(10, "s", "A", 3), (10.01, "s", "B", 4)]))
    assert "lonely" not in out.entries["server"].to_list() and windower.held == 1  # may still come
    out = windower.push(frame_of([(20, "s", "A", 5), (20.01, "s", "B", 6)]))
    assert out.entries.filter(pl.col("server") == "lonely").height == 1 and windower.held == 0
