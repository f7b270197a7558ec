"""The headless path never imports Textual or TensorFlow (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("textual", "tensorflow", "keras")

SCRIPT = """
import json, sys
import logwatch.tui.cli, logwatch.tui.commands.tui, logwatch.engine.headless
from logwatch.tui.cli import main
code = main(["tui", sys.argv[1], "--export", sys.argv[2], "--all"] + sys.argv[3:])
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules
                  if m.split(".")[0] in ("textual", "tensorflow", "keras", "sklearn"))}))
"""


def _run(*args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, timeout=120,
                          env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def test_headless_zscore_export_imports_no_ui_and_no_tensorflow(generated, tmp_path):
    result = _run(str(generated), str(tmp_path / "out.csv"), "--detector", "zscore")
    assert result["code"] == 0 and (tmp_path / "out.csv").exists()
    assert result["loaded"] == []


def test_headless_autoencoder_export_imports_no_ui_and_no_tensorflow(generated, tiny_bundle, tmp_path):
    result = _run(str(generated), str(tmp_path / "out.parquet"), "--model", str(tiny_bundle))
    assert result["code"] == 0 and (tmp_path / "out.parquet").exists()
    assert not [m for m in result["loaded"] if m.split(".")[0] in HEAVY]
    assert not [m for m in result["loaded"] if m.startswith("sklearn")]  # ONNX only, no sklearn
