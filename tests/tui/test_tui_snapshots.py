"""Snapshots (pytest-textual-snapshot) of the main screen at 80x24 and 120x40 and of the model
screen: seeded generator, frozen clock, nothing on screen depends on the wall clock.

Update after a deliberate change with `pytest tests/tui/test_tui_snapshots.py --snapshot-update`
and look at the SVGs in __snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import FROZEN_NOW, make_app, settle

from logwatch.engine.bundle import MODEL_FILE, load_bundle, write_bundle


async def _settled(pilot) -> None:
    await settle(pilot, pilot.app)


def test_main_screen_80x24(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=_settled)


def test_main_screen_120x40(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40), run_before=_settled)


@pytest.fixture
def fixed_bundle(tiny_bundle, tmp_path, monkeypatch) -> Path:
    """The tiny real bundle with the numbers the model screen shows pinned (training
    timings and float details differ between machines), at a relative path."""
    monkeypatch.chdir(tmp_path)
    bundle = load_bundle(tiny_bundle)
    meta = dict(bundle.meta)
    meta.update(
        created="2025-01-06T18:30:00+00:00",
        threshold={"value": 4.0, "method": "pot", "target_false_alarm_rate": 0.001},
        history={"loss": [1.0, 0.62, 0.41, 0.33, 0.29, 0.27], "val_loss": [0.8, 0.55, 0.44, 0.4, 0.39, 0.39]},
        error_histogram={"edges": [i * 0.25 for i in range(21)],
                         "counts": [2, 40, 160, 220, 180, 120, 70, 40, 22, 12, 7, 4, 2, 1, 1, 0, 1, 0, 0, 0],
                         "overflow": 0, "threshold": 4.0},
        metrics={"val_loss": 0.39, "best_epoch": 6, "val_false_alarm_rate": 0.001},
        training_data={"fingerprint": "sha256:0123456789abcdef", "entries": 22500, "source": "train.jsonl"},
    )
    write_bundle(Path("models/current"), (tiny_bundle / MODEL_FILE).read_bytes(), meta)
    return Path("models/current")


@pytest.mark.slow  # trains the tiny bundle once per session
def test_model_screen(snap_compare, fixed_bundle):
    app = make_app(Path("."), steps=300, model_dir=fixed_bundle)
    assert app.clock() == FROZEN_NOW
    assert snap_compare(app, terminal_size=(100, 40), press=["m"], run_before=_settled)
