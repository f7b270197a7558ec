"""The headless path never imports Textual or TensorFlow, and sources never import a sink
(checked in a fresh interpreter)."""

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


SOURCES_SCRIPT = """
import importlib, json, pkgutil, sys
import logwatch.engine.sources as sources
for info in pkgutil.iter_modules(sources.__path__):
    importlib.import_module(f"logwatch.engine.sources.{info.name}")
from logwatch.engine.sources.open import SourceSpec, open_source
log = sys.argv[1]
whole = sum(b.frame.height for b in open_source(SourceSpec(log)))
tail = open_source(SourceSpec(log, follow=True, from_start=True, poll=True))
followed = 0
for batch in tail:  # stops after the first batch with entries
    followed += batch.frame.height
    if followed:
        tail.stop()
open_source(SourceSpec())  # the generator
print(json.dumps({"whole": whole, "followed": followed,
                  "sinks": sorted(m for m in sys.modules if m.startswith("logwatch.engine.export"))}))
"""


def test_sources_never_import_the_export_sink(generated):
    """Data flows one way: every module of engine/sources imported, a file read whole and
    followed, and still no `logwatch.engine.export` in `sys.modules`."""
    done = subprocess.run([sys.executable, "-c", SOURCES_SCRIPT, str(generated)], capture_output=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["whole"] == 12_000 and result["followed"] > 0
    assert result["sinks"] == []
