"""Start-up: an export imports only what it uses (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LOG = Path(__file__).parent / "golden" / "logs.jsonl.gz"

SCRIPT = """
import json, sys
from logwatch.tui.cli import main
code = main(["tui", sys.argv[1], "--export", sys.argv[2], "--all", "--detector", "zscore"] + sys.argv[3:])
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules if m.startswith(
    ("logwatch.engine.evaluate", "logwatch.engine.episodes", "onnxruntime")))}))
"""


def _loaded(*args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, timeout=120,
                          env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["code"] == 0
    return result["loaded"]


def test_zscore_export_imports_neither_metrics_nor_onnx(tmp_path):
    assert _loaded(str(LOG), str(tmp_path / "out.csv")) == []


def test_eval_imports_the_metrics(tmp_path):
    loaded = _loaded(str(LOG), str(tmp_path / "out.csv"), "--eval")
    assert "logwatch.engine.evaluate" in loaded and "onnxruntime" not in loaded
