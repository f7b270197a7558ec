"""A failed or interrupted training leaves the previous bundle exactly as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
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


def _start(small_log: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "logwatch.training", str(small_log), "--out", str(out),
         "--backend", "sklearn", "--epochs", "500", "--progress", "jsonl"],
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
