"""Retraining from the TUI with the real training subprocess (scikit-learn backend, tiny)."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from tui_support import make_app, screen_text, settle, wait_until

from logwatch.engine.bundle import bundle_exists, load_bundle
from logwatch.tui.retrain.process import candidate_dir
from logwatch.tui.retrain.screen import RetrainScreen

pytestmark = pytest.mark.slow


def copy_bundle(source, tmp_path):
    target = tmp_path / "models" / "current"
    shutil.copytree(source, target)
    return target


async def test_retrain_on_memory_compares_and_swaps_the_model(tmp_path):
    app = make_app(tmp_path, steps=3000, train_epochs=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.state.model.backend == "z-score"
        old_scorer = app.ingest.scorer
        await pilot.press("r")
        assert isinstance(app.screen, RetrainScreen)
        await pilot.press("1")
        screen = app.screen
        await wait_until(pilot, lambda: screen.phase in ("result", "failed"), timeout=120)
        assert screen.phase == "result", screen_text(app)
        # The comparison is drawn on the next layout pass: on a busy machine, some pauses later.
        rows = ("threshold", "validation loss", "flags in last 20,000")
        await wait_until(pilot, lambda: all(row in screen_text(app) for row in rows), timeout=10)
        await pilot.press("enter")
        # The swap loads the new bundle; on a busy machine that takes more than one pause.
        await wait_until(pilot, lambda: app.screen is app.main and app.state.model.backend == "sklearn",
                         timeout=60)
        assert app.ingest.scorer is not old_scorer and app.ingest.scorer is app.scorer
        assert app.state.threshold == app.state.model.threshold == load_bundle(app.model_dir).threshold
        assert not candidate_dir(app.model_dir).exists()
        assert "sklearn" in screen_text(app).splitlines()[0]
        # Trained from memory (through a temporary file): model.json and the model screen say so.
        assert load_bundle(app.model_dir).meta["training_data"]["source"] == "the monitor's memory"
        await pilot.press("m")
        await pilot.press("G")
        await wait_until(pilot, lambda: "27,000 entries from the monitor's memory" in screen_text(app), timeout=10)


async def test_failed_training_keeps_the_old_model(tmp_path, tiny_bundle):
    model_dir = copy_bundle(tiny_bundle, tmp_path)
    before = (model_dir / "model.json").read_bytes()
    app = make_app(tmp_path, steps=3)  # 27 entries: not even one window to train on
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        old = (app.state.model, app.ingest.scorer)
        await pilot.press("r", "1")
        screen = app.screen
        await wait_until(pilot, lambda: screen.phase in ("result", "failed"), timeout=120)
        assert screen.phase == "failed"
        # The dialog grows to the failure text on the next layout pass: wait for it drawn.
        await wait_until(pilot, lambda: "Escape closes" in screen_text(app), timeout=10)
        text = screen_text(app)
        assert "Training failed" in text and "current model stays" in text, text
        assert "complete windows" in text.replace("\n", " "), text
        await pilot.press("escape")
        assert (app.state.model, app.ingest.scorer) == old
    assert (model_dir / "model.json").read_bytes() == before


async def test_escape_cancels_training_and_keeps_the_old_model(tmp_path, tiny_bundle):
    model_dir = copy_bundle(tiny_bundle, tmp_path)
    before = (model_dir / "model.json").read_bytes()
    app = make_app(tmp_path, steps=3000, train_epochs=400)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        old = app.state.model
        await pilot.press("r", "1")
        screen = app.screen
        await wait_until(pilot, lambda: app.training.job is not None and app.training.job.last_event.get("event") in ("start", "data"))
        await pilot.press("escape")
        said: set[str] = set()  # the line above the keys, while the child stops and after

        def ended() -> bool:
            said.add(app.activity())
            return screen.phase in ("result", "failed")

        await wait_until(pilot, ended, timeout=60)
        await wait_until(pilot, lambda: "Escape closes" in screen_text(app), timeout=10)
        assert screen.phase == "failed" and "Training cancelled" in screen_text(app)
        assert said == {"retrain: cancelled"}, said
        await wait_until(pilot, lambda: screen_text(app).splitlines()[-2].strip() == "retrain: cancelled", timeout=5)
        await pilot.press("escape")
        assert app.state.model == old
    assert (model_dir / "model.json").read_bytes() == before
    assert not bundle_exists(candidate_dir(model_dir))


async def test_first_run_scores_with_zscore_then_switches_to_a_trained_model(tmp_path):
    app = make_app(tmp_path, steps=3000, auto_train=True, first_model_entries=20_000, first_model_seconds=0,
                   train_epochs=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.state.model.backend == "z-score" or app.training.job is not None
        await wait_until(pilot, lambda: app.training.job is not None or app.state.model.backend == "sklearn")
        if app.training.job is not None:
            assert "first model" in app.activity()
        await wait_until(pilot, lambda: app.state.model.backend == "sklearn", timeout=120)
        assert bundle_exists(app.model_dir)
        assert app.model_dir == tmp_path / "models" / "current"


async def test_q_quits_from_the_retrain_dialog_and_stops_its_training(tmp_path, tiny_bundle):
    model_dir = copy_bundle(tiny_bundle, tmp_path)
    before = (model_dir / "model.json").read_bytes()
    app = make_app(tmp_path, steps=3000, train_epochs=400)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("r", "1")
        job = app.training.job
        await wait_until(pilot, lambda: job is not None and job.last_event.get("event") == "epoch", timeout=60)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0
    assert (model_dir / "model.json").read_bytes() == before
    deadline = time.monotonic() + 30  # SIGTERM, then a grace period before SIGKILL
    while _training_processes(job.candidate) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _training_processes(job.candidate)
    # Stopped, not finished: a training left to run writes its candidate bundle.
    assert not bundle_exists(candidate_dir(model_dir))


def _training_processes(candidate) -> str:
    """Command lines of processes still training into `candidate` ("" when none)."""
    found = subprocess.run(["pgrep", "-af", "--", f"logwatch.training .* --out {candidate} "], capture_output=True, text=True)
    return found.stdout.strip()
