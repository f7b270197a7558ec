"""A failed or interrupted training leaves the previous bundle exactly as it was."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from training_support import run_training, small_log  # noqa: F401 (fixture)

from logwatch.engine.bundle import load_bundle


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous_bundle(small_log, tmp_path) -> Path:
    out = tmp_path / "models" / "current"
    result = run_training(str(small_log), "--out", str(out), "--backend", "sklearn", "--epochs", "2")
    assert result.returncode == 0, result.stderr
    return out


def _start(small_log: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "logwatch.training", str(small_log), "--out", str(out),
         "--backend", "sklearn", "--epochs", "500", "--progress", "jsonl", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_epoch(process: subprocess.Popen) -> list[dict]:
    events = []
    for line in process.stdout:  # type: ignore[union-attr]
        events.append(json.loads(line))
        if events[-1]["event"] == "epoch":
            return events
    raise AssertionError(f"no epoch event: {events} {process.stderr.read()}")  # type: ignore[union-attr]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_training_mid_run_keeps_the_old_bundle(small_log, previous_bundle, sig):
    before = _snapshot(previous_bundle)
    process = _start(small_log, previous_bundle)
    _wait_for_epoch(process)
    os.kill(process.pid, sig)
    rest, err = process.communicate(timeout=60)
    assert process.returncode != 0
    if sig == signal.SIGTERM:  # a polite stop is reported in the stream and cleaned up
        assert process.returncode == 130
        assert json.loads(rest.splitlines()[-1])["event"] == "error"
        assert "Traceback" not in err
    assert _snapshot(previous_bundle) == before
    load_bundle(previous_bundle)
    leftovers = [p.name for p in previous_bundle.parent.iterdir() if p.name != "current"]
    assert leftovers == []


def test_ctrl_c_inside_an_sklearn_epoch_stops_and_keeps_the_old_bundle(small_log, previous_bundle):
    """MLPRegressor catches a KeyboardInterrupt raised inside `partial_fit` and only warns;
    Ctrl-C must still stop the run. With a wide network (bottleneck 512, hidden 1024) an
    epoch on this log takes about 0.35 s, `partial_fit` from about 2% to 85% of it, so a
    SIGINT sent 20-60% of the measured epoch duration after an epoch event lands inside it.
    Without the fix it was swallowed and all 8 epochs ran, replacing the bundle (exit 0).
    One SIGINT only: a second one could land after training, in the interpreter's exit."""
    before = _snapshot(previous_bundle)
    process = _start(small_log, previous_bundle, "--epochs", "8", "--bottleneck", "512")
    events, epochs = [], []
    for line in process.stdout:  # type: ignore[union-attr]
        events.append(json.loads(line))
        if events[-1]["event"] == "epoch":
            epochs.append(events[-1]["elapsed_seconds"])
            if len(epochs) == 2:  # the first epoch includes start-up: time the second
                time.sleep(random.uniform(0.2, 0.6) * (epochs[1] - epochs[0]))
                os.kill(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, (events[-1], err)
    assert events[-1] == {**events[-1], "event": "error", "kind": "interrupted"}
    assert "interrupted; the previous bundle is unchanged" in err and "Traceback" not in err
    assert len(epochs) < 8  # stopped early (usually in the very epoch it was sent in)
    assert _snapshot(previous_bundle) == before
    leftovers = [p.name for p in previous_bundle.parent.iterdir() if p.name != "current"]
    assert leftovers == []


def test_a_bad_input_fails_before_touching_the_old_bundle(previous_bundle, tmp_path):
    before = _snapshot(previous_bundle)
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"timestamp": "not a time", "server": "a"}\nnot json at all\n')
    result = run_training(str(garbage), "--out", str(previous_bundle), "--backend", "sklearn")
    assert result.returncode == 2 and "garbage.jsonl" in result.stderr
    assert _snapshot(previous_bundle) == before


def test_an_unwritable_destination_fails_and_keeps_the_old_bundle(small_log, previous_bundle):
    before = _snapshot(previous_bundle)
    parent = previous_bundle.parent
    if os.geteuid() == 0:
        # root ignores permissions: make the destination's parent a file instead.
        target = parent / "blocker" / "current"
        (parent / "blocker").write_text("not a folder")
    else:
        parent.chmod(0o500)
        target = previous_bundle
    try:
        result = run_training(str(small_log), "--out", str(target), "--backend", "sklearn", "--epochs", "1")
    finally:
        parent.chmod(0o700)
        if (parent / "blocker").is_file():
            (parent / "blocker").unlink()
    assert result.returncode == 2 and "cannot write the bundle" in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(previous_bundle) == before
    shutil.rmtree(parent / "blocker", ignore_errors=True)
