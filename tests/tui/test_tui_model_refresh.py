"""The app's own model is retrained in the background as the history grows, until the user
takes over (real generator, real training subprocess, scikit-learn, tiny)."""

from __future__ import annotations

import contextlib
import shutil

import pytest
from tui_support import make_app, wait_until

from logwatch.engine.bundle import load_bundle
from logwatch.tui.retrain.process import candidate_dir
from logwatch.tui.retrain.screen import RetrainScreen
from logwatch.tui.retrain.control import BACKGROUND_KEY, REFRESH_GROWTH

pytestmark = pytest.mark.slow

FIRST = 3000
"""Entries before the first model: under a second of a demo at 3,600x (3,240 entries/s)."""


@contextlib.asynccontextmanager
async def _running(app):
    """`run_test`, stopping the generator thread however the test ends (as quitting does):
    otherwise a failed assertion leaves the loop waiting for that thread forever."""
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            yield pilot
        finally:
            app.stop_background()


def _live_app(tmp_path):
    """The demo app (in-process generator, fast) with no model on disk."""
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    return LogwatchApp(MonitorOptions(
        model_dir=tmp_path / "models" / "current", speed=3600.0, seed=3, auto_train=True,
        first_model_entries=FIRST, first_model_seconds=0, train_epochs=3, zoom=300.0,
    ))


async def test_the_first_model_is_refreshed_without_asking_as_the_history_grows(tmp_path):
    app = _live_app(tmp_path)
    seen_labels: set[str] = set()
    async with _running(app) as pilot:
        def first_swapped() -> bool:
            seen_labels.add(app.activity())
            return app.training.auto_trained_on is not None

        await wait_until(pilot, first_swapped, timeout=120)
        first_size = app.training.auto_trained_on
        first_created = load_bundle(app.model_dir).meta["created"]
        assert first_size >= FIRST and app.state.model.backend == "sklearn"

        def refreshed() -> bool:
            seen_labels.add(app.activity())
            return app.training.auto_trained_on not in (None, first_size)

        await wait_until(pilot, refreshed, timeout=120)
        assert app.training.auto_trained_on >= REFRESH_GROWTH * first_size
        assert not any(isinstance(s, RetrainScreen) for s in app.screen_stack)
        assert load_bundle(app.model_dir).meta["created"] != first_created
        assert app.state.threshold == app.state.model.threshold
        mark = load_bundle(app.model_dir).meta[BACKGROUND_KEY]
        assert mark == {"history_entries": app.training.auto_trained_on}
    assert any(label.startswith("model refresh") for label in seen_labels), seen_labels

    # The next start knows the model is the app's own, and goes on refreshing it.
    again = make_app(tmp_path, steps=10, auto_train=True)
    assert again.training.auto_trained_on == mark["history_entries"]
    assert make_app(tmp_path, steps=10, auto_train=False).training._wants_refresh(10**9) is False


def test_a_model_the_user_trained_is_never_refreshed(tmp_path, tiny_bundle):
    shutil.copytree(tiny_bundle, tmp_path / "models" / "current")
    app = make_app(tmp_path, steps=10, auto_train=True)
    assert app.state.model.backend == "sklearn"
    assert app.training.auto_trained_on is None
    assert app.training._wants_refresh(10**9) is False


async def test_a_threshold_of_the_users_own_stops_the_refreshes(tmp_path):
    app = _live_app(tmp_path)
    async with _running(app) as pilot:
        await wait_until(pilot, lambda: app.training.auto_trained_on is not None, timeout=120)
        trained_on = app.training.auto_trained_on
        created = load_bundle(app.model_dir).meta["created"]
        refresh = None

        def refreshing() -> bool:
            nonlocal refresh
            refresh = app.training.job
            return refresh is not None

        await wait_until(pilot, refreshing, timeout=120)
        await pilot.press("plus")
        mine = app.state.threshold
        assert mine != app.state.model.threshold
        await wait_until(pilot, lambda: refresh.cancelled, timeout=5)  # at the next tick
        said: set[str] = set()

        def dropped() -> bool:
            said.add(app.activity())
            return app.training.job is None

        # The running refresh is dropped, not finished, and the line above the keys says so.
        await wait_until(pilot, dropped, timeout=120)
        assert said == {"model refresh: dropped"}, said
        assert app.activity() == "model refresh: dropped"
        assert not candidate_dir(app.model_dir).exists()
        # Let the history grow well past the point where a refresh would start.
        await wait_until(pilot, lambda: len(app.state.history) >= 2 * REFRESH_GROWTH * trained_on, timeout=120)
        for _ in range(10):
            await pilot.pause(0.1)
        assert app.training.job is None
        assert app.training.auto_trained_on == trained_on
        assert load_bundle(app.model_dir).meta["created"] == created
        assert app.state.threshold == mine


async def test_no_background_training_starts_while_the_retrain_dialog_is_open(tmp_path):
    """Both would train into the same candidate folder, and the dialog's job would orphan
    the background one."""
    from dataclasses import replace

    app = make_app(tmp_path, steps=600, auto_train=True, first_model_entries=10**9, first_model_seconds=0)
    async with _running(app) as pilot:
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RetrainScreen))
        app.options = replace(app.options, first_model_entries=100)  # now it is due
        for _ in range(10):
            await pilot.pause(0.1)
        assert app.training.job is None
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.training.job is not None)
        app.training.cancel()
        await wait_until(pilot, lambda: app.training.job is None)


async def test_a_model_folder_that_cannot_be_written_is_not_trained_for_again_and_again(tmp_path):
    app = make_app(tmp_path, steps=600, auto_train=True, first_model_entries=3000, first_model_seconds=0,
                   train_epochs=2)
    async with _running(app) as pilot:
        await wait_until(pilot, lambda: app.training.job is not None, timeout=60)
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder\n")
        app.model_dir = blocker / "current"  # the swap will fail; training itself does not
        await wait_until(pilot, lambda: app.training.job is None, timeout=120)
        for _ in range(10):
            await pilot.pause(0.1)
        assert app.training.job is None
        assert app.state.model.backend == "z-score"
        assert app.training.first_model_failed


async def test_the_first_model_waits_for_a_day_of_log_time_and_says_so(tmp_path):
    """A model from a few hours floods the hours it never saw (bench_first_model), so the
    first one waits until the history spans the wanted log time, scoring with z-score."""
    from dataclasses import replace

    # 600 steps of 10 s: 100 minutes of log time, well over the entries wanted.
    app = make_app(tmp_path, steps=600, auto_train=True, first_model_entries=100, first_model_seconds=7200,
                   train_epochs=2)
    async with _running(app) as pilot:
        await wait_until(pilot, lambda: app.ended is not None)
        for _ in range(10):
            await pilot.pause(0.1)
        assert app.training.job is None and app.state.model.backend == "z-score"
        assert app.activity().startswith("first model once a day of log time is in memory: 1h of 2h")
        app.options = replace(app.options, first_model_seconds=3600)  # 100 minutes are enough now
        await wait_until(pilot, lambda: app.training.job is not None, timeout=30)
        app.training.cancel()
        await wait_until(pilot, lambda: app.training.job is None)
