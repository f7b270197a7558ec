"""A broken model in the default folder does not stop the monitor (z-score, one warning);
a broken model the user named is a clear exit 2 that says how to go on without it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tui_support import FROZEN_NOW, Finite, generated, wait_until

from logwatch.engine.bundle import default_model_dir
from logwatch.engine.monitor.model_info import ZSCORE_NAME

DAMAGE = {"model.onnx": b"definitely not onnx", "model.json": b"{not json"}
"""What each test writes over one file of a real bundle."""


def broken_bundle(tiny_bundle: Path, target: Path, file: str) -> Path:
    shutil.copytree(tiny_bundle, target)
    (target / file).write_bytes(DAMAGE[file])
    return target / file


def run(*args: str) -> subprocess.CompletedProcess:
    """`logwatch ARGS` with no terminal; XDG_DATA_HOME is the test's (see conftest)."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    return subprocess.run([sys.executable, "-m", "logwatch.tui", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("file", sorted(DAMAGE))
async def test_a_broken_default_model_warns_once_and_the_monitor_runs_with_zscore(tiny_bundle, file):
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions

    damaged = broken_bundle(tiny_bundle, default_model_dir(), file)
    app = LogwatchApp(MonitorOptions(auto_train=False), source=Finite(generated(300)), clock=lambda: FROZEN_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.ended is not None)
        assert app.state.model.name == ZSCORE_NAME and len(app.state.history) == 2700
        warnings = [n.message for n in app._notifications]
        assert len(warnings) == 1 and str(damaged) in warnings[0], warnings
        assert "\n" not in warnings[0] and warnings[0].endswith("; scoring with z-score")
        app.stop_background()


@pytest.mark.parametrize("file", sorted(DAMAGE))
def test_a_broken_default_model_does_not_stop_the_command(tiny_bundle, tmp_path, file):
    damaged = broken_bundle(tiny_bundle, default_model_dir(), file)
    # The demo gets past the model (and stops only for want of a terminal, as always).
    demo = run("tui")
    assert demo.returncode == 2
    assert demo.stderr.strip() == ("logwatch: the terminal UI needs a terminal (stdin and stdout); "
                                   "for a run without one use --export OUT")
    # Headless scores with z-score and says why on its first line.
    log = Path(tiny_bundle).parent / "train.jsonl"
    done = run("tui", str(log), "--export", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("logwatch: z-score detector: cannot use the default model: ") and str(damaged) in first


@pytest.mark.parametrize("file", sorted(DAMAGE))
def test_a_broken_model_named_with_model_exits_2_and_suggests_zscore(tiny_bundle, tmp_path, file):
    folder = tmp_path / "mine"
    damaged = broken_bundle(tiny_bundle, folder, file)
    for args in (["tui", "--model", str(folder)],
                 ["tui", str(Path(tiny_bundle).parent / "train.jsonl"), "--model", str(folder),
                  "--export", str(tmp_path / "out.csv")]):
        done = run(*args)
        assert done.returncode == 2
        error = done.stderr.strip()
        assert error.startswith(f"logwatch: {damaged}") and "\n" not in error, error
        assert error.endswith("; --detector zscore runs without a model meanwhile"), error
