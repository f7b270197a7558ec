"""Entries that go back in time: a replay starts over, a re-sent backlog does not cost the
live entries after it a warm-up, and entries a little behind stay late."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from engine_support import read_all, run_cli
from logwatch.engine.window import FeatureSpec, StreamWindower, align, discover_components, fit_scaling

CHUNK = 500
STEP = 9
"""Entries per time step in the generated logs (3 servers x 3 components)."""


def _windower(frame: pl.DataFrame) -> StreamWindower:
    spec = FeatureSpec(discover_components(frame), window=5, step_seconds=10)
    grid, rows = align(frame, spec)
    return StreamWindower(spec, fit_scaling(rows, spec.components), grid)


def _push(windower: StreamWindower, frame: pl.DataFrame) -> list:
    return [windower.push(frame.slice(i, CHUNK)) for i in range(0, frame.height, CHUNK)]


def _features(outs: list) -> dict[tuple[str, int], np.ndarray]:
    return {(str(s), int(t)): x for o in outs for s, t, x in zip(o.server, o.step, o.x)}


def _entries(outs: list) -> pl.DataFrame:
    return pl.concat([o.entries for o in outs], how="diagonal_relaxed")


def test_a_replay_is_scored_as_if_read_fresh(generated):
    frame = read_all(generated)
    replayed = _windower(frame)
    _push(replayed, frame)
    again = _push(replayed, frame) + [replayed.flush()]
    fresh = _windower(frame)
    first = _push(fresh, frame) + [fresh.flush()]
    assert _entries(again).height == frame.height  # the held end of the first pass, then all of the replay
    assert not _entries(again)["late"].any()
    mine, reference = _features(again), _features(first)
    assert mine.keys() == reference.keys() and len(mine) > 3000
    assert all(np.array_equal(mine[k], reference[k]) for k in reference)


@pytest.mark.parametrize("into_step", [0, 4], ids=["at-a-step-boundary", "in-the-middle-of-a-step"])
def test_live_entries_after_a_resent_backlog_continue_without_a_warm_up(generated, into_step):
    """A backlog from 100 steps back arrives, then the live entries go on, even when the
    backlog interrupted a step (the rest of that step arrives after it)."""
    frame = read_all(generated)
    cut = 667 * STEP + into_step
    backlog = frame.slice(567 * STEP, 50 * STEP)  # 100 steps back: more than a window
    resent = _windower(frame)
    before = _push(resent, frame.head(cut))
    during = _push(resent, backlog)
    after = before + _push(resent, frame.slice(cut)) + [resent.flush()]
    plain = _windower(frame)
    reference = _features(_push(plain, frame) + [plain.flush()])
    mine = _features(after)
    assert mine.keys() == reference.keys()
    assert all(np.array_equal(mine[k], reference[k]) for k in reference)
    assert not _entries(after)["late"].any()
    assert len(_features(during)) > 0  # the backlog itself was windowed as its own timeline


def test_a_server_whose_clock_runs_behind_loses_nothing_however_the_input_is_cut(generated):
    """One server's timestamps are a minute (6 steps) behind the others': its steps are
    windowed whole, with small batches as with one, and none of its entries is late."""
    frame = read_all(generated)
    behind = pl.when(pl.col("server") == "server_3").then(pl.col("timestamp") - pl.duration(seconds=60))
    skewed = frame.with_columns(behind.otherwise(pl.col("timestamp")).alias("timestamp"))
    results = []
    for size in (skewed.height, 50):
        windower = _windower(frame)
        outs = [windower.push(skewed.slice(i, size)) for i in range(0, skewed.height, size)] + [windower.flush()]
        results.append((_features(outs), _entries(outs)))
    (one, entries), (small, small_entries) = results
    assert not entries["late"].any() and not small_entries["late"].any()
    assert small.keys() == one.keys() and all(np.array_equal(small[k], one[k]) for k in one)


def _steps(frame: pl.DataFrame, first: int, count: int) -> list[pl.DataFrame]:
    return [frame.slice((first + i) * STEP, STEP) for i in range(count)]


@pytest.mark.parametrize("files", [2, 3])
def test_timelines_written_in_turn_each_keep_their_history(generated, files):
    """Steps of two or three files (each 300 steps behind the one before) arrive in turn:
    each file is windowed against its own history, as if it were read alone."""
    frame = read_all(generated)
    parts = [_steps(frame, 700 - 300 * i, 180) for i in range(files)]
    turns = pl.concat([part for group in zip(*parts) for part in group])
    mine = _features(_push(windower := _windower(frame), turns) + [windower.flush()])
    alone = {}
    for steps in parts:
        fresh = _windower(frame)
        alone |= _features(_push(fresh, pl.concat(steps)) + [fresh.flush()])
    assert mine.keys() == alone.keys() and len(alone) > files * 3 * 150
    assert all(np.array_equal(mine[k], alone[k]) for k in alone)


def test_timelines_in_turn_pushed_two_entries_at_a_time(generated):
    """Reads as small as two entries, with timelines switching inside them (the held rows
    of a push then stay held: a polars string function panicked on such a frame)."""
    frame = read_all(generated)
    parts = [_steps(frame, 700 - 300 * i, 40) for i in range(2)]
    turns = pl.concat([part for group in zip(*parts) for part in group])
    windower = _windower(frame)
    mine = _features([windower.push(turns.slice(i, 2)) for i in range(0, turns.height, 2)] + [windower.flush()])
    alone = {}
    for steps in parts:
        fresh = _windower(frame)
        alone |= _features(_push(fresh, pl.concat(steps)) + [fresh.flush()])
    assert mine.keys() == alone.keys() and all(np.array_equal(mine[k], alone[k]) for k in alone)


def test_entries_a_step_late_are_late_wherever_the_input_is_cut(generated):
    """Every seventh step, server_1's CPU entry arrives a step late, just after the CPU
    entry of the server's next step: it is late (a later step began, though that step is
    still held, incomplete), in one push or in many."""
    frame = read_all(generated).with_row_index("_i")
    moved = (pl.col("_i") % (7 * STEP) == 0)  # server_1's CPU: the first entry of a step
    order = pl.when(moved).then(pl.col("_i") + STEP + 0.5).otherwise(pl.col("_i"))
    log = frame.sort(order).drop("_i")
    results = []
    for size in (log.height, 17, 500):
        windower = _windower(frame)
        outs = [windower.push(log.slice(i, size)) for i in range(0, log.height, size)] + [windower.flush()]
        results.append((_features(outs), _entries(outs)))
    (one, entries), *others = results
    late = entries.filter(pl.col("late")).sort("timestamp")
    assert late.height == frame.filter(moved).height
    for features, other in others:
        assert other.filter(pl.col("late")).sort("timestamp").equals(late)
        assert features.keys() == one.keys() and all(np.array_equal(features[k], one[k]) for k in one)


def test_a_server_that_stops_mid_step_in_an_older_file_comes_out(generated):
    """After live entries, an older file is written in which server_3 stops in the middle
    of a step while the others go on: its last entry comes out within a few steps, though
    the stream's newest time (the live entries') never moves."""
    frame = read_all(generated)
    live, older = frame.slice(900 * STEP, 100 * STEP), frame.slice(100 * STEP, 300 * STEP)
    stop = 200 * STEP
    older = pl.concat([older.head(stop - STEP + 7),  # step 200: servers 1-2 and server_3's CPU
                       older.slice(stop).filter(pl.col("server") != "server_3")])
    windower = _windower(frame)
    _push(windower, live)
    out = _entries(_push(windower, older))
    last = older.filter(pl.col("server") == "server_3").tail(1)
    assert out.join(last, on=["timestamp", "server", "component"]).height == 1
    assert windower.held <= 2 * STEP


def test_a_straggler_far_behind_does_not_cost_the_live_entries_a_warm_up(generated):
    """One entry from 100 steps back arrives in the middle of a step: the rest of that step
    and everything after it are windowed as if the straggler had never come."""
    frame = read_all(generated)
    cut = 667 * STEP + 4  # in the middle of a step
    straggler = frame.slice(cut - 100 * STEP, 1)
    live = _windower(frame)
    mine = _features(_push(live, pl.concat([frame.head(cut), straggler, frame.slice(cut)])) + [live.flush()])
    plain = _windower(frame)
    reference = _features(_push(plain, frame) + [plain.flush()])
    assert mine.keys() == reference.keys()
    assert all(np.array_equal(mine[k], reference[k]) for k in reference)


def test_entries_a_little_behind_are_late(generated):
    frame = read_all(generated)
    cut = 667 * STEP
    windower = _windower(frame)
    _push(windower, frame.head(cut))
    behind = _push(windower, frame.slice(cut - 3 * STEP, 2 * STEP))  # 2-3 steps back, inside a window
    out = _entries(behind)
    assert out.height == 2 * STEP and out["late"].all() and out["row"].is_null().all()
    assert len(_features(behind)) == 0


def test_an_entry_behind_a_step_that_began_is_late_wherever_the_input_is_cut(generated):
    """A step is final once a later step of its server begins, in one batch as across two:
    an entry for it arriving after that is late (its value changes nothing)."""
    frame = read_all(generated)
    at = 667 * STEP + 4  # four entries of step 667 have arrived
    stray = frame.slice(at - 4 - STEP, 1).with_columns(pl.lit(999.0).alias("value"))  # step 666 again
    log = pl.concat([frame.head(at), stray, frame.slice(at)])
    results = []
    for cuts in ([log.height], [at, log.height], [at + 1, log.height]):
        windower, outs, done = _windower(frame), [], 0
        for cut in cuts:
            outs.append(windower.push(log.slice(done, cut - done)))
            done = cut
        outs.append(windower.flush())
        results.append((_features(outs), _entries(outs)))
    (one, _), *others = results
    for features, entries in results:
        assert entries.height == log.height
        assert entries.filter(pl.col("late"))["value"].to_list() == [999.0]
        assert entries.filter(pl.col("late"))["row"].is_null().all()  # not scored either
        assert features.keys() == one.keys() and all(np.array_equal(features[k], one[k]) for k in one)


def _export(log, bundle, out) -> pl.DataFrame:
    done = run_cli("tui", str(log), "--model", str(bundle), "--export", str(out), "--all")
    assert done.returncode == 0, done.stderr.decode()
    return pl.read_csv(out, try_parse_dates=True)


def test_a_log_that_goes_back_in_time_is_scored_like_two_logs(tmp_path, generated, tiny_bundle):
    """End to end: a log whose second part starts over at the first part's timestamps (with
    other values) is scored as if each part were a log of its own."""
    frame = pl.read_ndjson(generated).head(2 * 333 * STEP)
    one, two = frame.head(333 * STEP), frame.tail(333 * STEP)
    assert one.select("server", "component").equals(two.select("server", "component"))
    two = two.with_columns(one["timestamp"])  # the same steps again, other values
    paths = [tmp_path / name for name in ("one.jsonl", "two.jsonl", "both.jsonl")]
    for path, part in zip(paths, (one, two, pl.concat([one, two]))):
        part.write_ndjson(path)
    alone = [_export(path, tiny_bundle, tmp_path / f"{path.stem}.csv") for path in paths[:2]]
    both = _export(paths[2], tiny_bundle, tmp_path / "both.csv")
    assert both.height == one.height + two.height
    for part, mine in zip(alone, (both.head(one.height), both.tail(two.height))):
        assert mine.select("timestamp", "server", "component", "value").equals(
            part.select("timestamp", "server", "component", "value"))
        assert mine["score"].null_count() == part["score"].null_count() < 200
        assert np.allclose(mine["score"].to_numpy(), part["score"].to_numpy(), equal_nan=True)


def _switches(steps: list[tuple[str, int]], last: dict[str, int], parked: dict[str, list[int]] | None = None):
    from logwatch.engine.window.timeline import switches

    frame = pl.DataFrame({"server": [s for s, _ in steps], "step": [t for _, t in steps]})
    return [(w.row, w.server, w.kind) for w in switches(frame, last, parked or {}, 16, 5)]


def test_switches_by_hand():
    assert _switches([("a", 100 - 16), ("a", 101)], {"a": 100}) == []  # a window back: late, not a rewind
    assert _switches([("a", 101), ("b", 10), ("a", 50), ("a", 51), ("a", 30)], {"a": 100, "b": 10}) == [
        (2, "a", "rewind"),  # 51 steps behind a's newest (101), b is another server
        (4, "a", "rewind"),  # 21 behind the new timeline's newest (51)
    ]
    # A backlog re-sent, then live entries that continue the parked timeline resume it ...
    assert _switches([("a", 60), ("a", 61), ("a", 101)], {"a": 100}) == [(0, "a", "rewind"), (2, "a", "resume")]
    # ... but a replay that catches up and goes on is one timeline: no gap, nothing to resume.
    assert _switches([("a", 99), ("a", 100), ("a", 101)], {"a": 99}, {"a": [100]}) == []
    # Entries too far after the parked end open a gap in both: no resume either.
    assert _switches([("a", 120)], {"a": 61}, {"a": [100]}) == []
    # The rest of a step a straggler interrupted goes back to it (its last step again) ...
    assert _switches([("a", 100), ("a", 50), ("a", 100)], {"a": 99}) == [(1, "a", "rewind"), (2, "a", "resume")]
    # ... and two timelines written in turn switch back and forth, each resuming the other.
    assert _switches([("a", 60), ("a", 101), ("a", 61), ("a", 102)], {"a": 100}) == [
        (0, "a", "rewind"), (1, "a", "resume"), (2, "a", "resume"), (3, "a", "resume")
    ]
    # Three timelines in turn each resume their own history ...
    assert _switches([("a", 60), ("a", 20), ("a", 101), ("a", 61), ("a", 21)], {"a": 100}) == [
        (0, "a", "rewind"), (1, "a", "rewind"), (2, "a", "resume"), (3, "a", "resume"), (4, "a", "resume")
    ]
    # ... but a server keeps MAX_PARKED of them: one more forgets the least recent (100).
    from logwatch.engine.window.timeline import MAX_PARKED

    older = [("a", 1000 - 100 * (i + 1)) for i in range(MAX_PARKED + 1)]
    assert _switches([*older, ("a", 1001)], {"a": 1000})[-1] == (MAX_PARKED, "a", "rewind")
    assert _switches([*older[:-1], ("a", 1001)], {"a": 1000})[-1] == (MAX_PARKED, "a", "resume")


def test_arrivals_since_count_only_entries_at_or_after_the_step_by_hand():
    from logwatch.engine.window.waiting import arrivals_since

    steps = np.array([10, 11, 3, 4, 12, 10, 9])  # a step-10 entry, then newer, older, newer ...
    first = np.array([0, 1, 2, 3, 4, 0, 6])      # the entry at 5 is step 10's second
    carried = np.zeros(7, np.int64)
    rows = np.array([0, 5])
    # Before the entry at 5: 11 and 12 count, the replayed 3 and 4 do not.
    assert arrivals_since(steps, first, carried, 0, rows, rows).tolist() == [0, 2]
    # To the end of the pool, for step 10: 11, 12 and its own second entry.
    assert arrivals_since(steps, first, carried, 0, np.array([0]), np.array([7])).tolist() == [3]
    # Held from an earlier push (3 counted then): only entries from `fresh_from` on count now.
    carried[[0, 5]] = 3
    assert arrivals_since(steps, first, carried, 4, np.array([0]), np.array([7])).tolist() == [3 + 2]
