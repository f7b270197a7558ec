"""Training a new model from the TUI: a `python -m logwatch.training` subprocess.

The subprocess reports JSON lines on stdout (`--progress jsonl`); `TrainingRun.run()` reads
them in a worker thread and hands each event to a callback. The TUI process never imports
TensorFlow: the Keras backend, if chosen, lives only in the child.

The new bundle is written to a candidate folder next to the model folder. Training writes
bundles atomically, so the candidate is complete or absent; `promote()` copies it over the
model folder (atomically again, through the engine's bundle writer) only after the user
agreed, and a failed or cancelled run leaves the old model untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

CANCEL_GRACE_SECONDS = 5.0
"""After SIGTERM the child may clean up this long before it is killed."""
STDERR_LINES = 20
"""Last lines of the child's stderr kept to explain a failure without an error event."""


@dataclass(frozen=True, slots=True)
class TrainingResult:
    bundle: Path | None
    """The complete candidate bundle, or None."""
    error: str | None
    cancelled: bool = False


class TrainingRun:
    """One training subprocess: start with `run()` (blocking), stop with `cancel()`."""

    def __init__(
        self,
        data: Path,
        out: Path,
        *,
        backend: str = "sklearn",
        epochs: int | None = None,
        extra: tuple[str, ...] = (),
        python: str = sys.executable,
    ) -> None:
        self.out = out
        self.command = [python, "-m", "logwatch.training", str(data), "--out", str(out),
                        "--backend", backend, "--progress", "jsonl", *extra]
        if epochs is not None:
            self.command += ["--epochs", str(epochs)]
        self._process: subprocess.Popen[str] | None = None
        self._cancelled = threading.Event()
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)

    def run(self, on_event: Callable[[dict[str, Any]], None]) -> TrainingResult:
        """Run to the end, calling `on_event` for each JSON event; never raises."""
        if self._cancelled.is_set():
            return TrainingResult(None, "cancelled", cancelled=True)
        env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2")
        try:
            self._process = subprocess.Popen(
                self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", env=env,
            )
        except OSError as error:
            return TrainingResult(None, f"cannot start training: {error.strerror or error}")
        drain = threading.Thread(target=self._drain_stderr, daemon=True)
        drain.start()
        done: dict[str, Any] | None = None
        failure: str | None = None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            event = _parse(line)
            if event is None:
                continue
            if event.get("event") == "done":
                done = event
            elif event.get("event") == "error":
                failure = str(event.get("message") or "training failed")
            on_event(event)
        status = self._process.wait()
        drain.join(timeout=1.0)
        if self._cancelled.is_set():
            return TrainingResult(None, "cancelled", cancelled=True)
        if status == 0 and done is not None:
            from logwatch.engine.bundle import bundle_exists

            bundle = Path(str(done.get("bundle") or self.out))
            if bundle_exists(bundle):
                return TrainingResult(bundle, None)
            return TrainingResult(None, f"training reported {bundle} but no complete bundle is there")
        return TrainingResult(None, failure or self._stderr_summary(status))

    def cancel(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after a grace period); returns at once,
        safe from any thread."""
        self._cancelled.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        killer = threading.Timer(CANCEL_GRACE_SECONDS, self._kill)
        killer.daemon = True
        killer.start()

    def _kill(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()

    def _drain_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        for line in self._process.stderr:
            if line.strip():
                self._stderr.append(line.rstrip())

    def _stderr_summary(self, status: int) -> str:
        for line in reversed(self._stderr):
            if line.startswith("logwatch:"):
                return line.removeprefix("logwatch:").strip()
        last = self._stderr[-1] if self._stderr else "no output"
        return f"training exited with status {status}: {last}"


def _parse(line: str) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) and "event" in event else None


def candidate_dir(model_dir: Path) -> Path:
    """Where a new bundle is trained: a hidden sibling of the model folder."""
    return model_dir.parent / f".{model_dir.name}.candidate"


MEMORY_SOURCE = "the monitor's memory"
"""What model.json calls the training data when the TUI trains on its history."""
HISTORY_PREFIX = "logwatch-history-"
"""Name of the temporary file holding that history (older model.json files name it)."""


def write_training_data(frame: pl.DataFrame, folder: Path) -> Path:
    """The history in memory as a JSON-lines file the training package reads."""
    from logwatch.engine.generate import encode_json_lines

    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=HISTORY_PREFIX, suffix=".jsonl", dir=folder)
    with os.fdopen(fd, "wb") as out:
        out.write(encode_json_lines(frame))
    return Path(name)


def promote(candidate: Path, model_dir: Path, extra_meta: dict[str, Any] | None = None) -> Path:
    """Make the candidate bundle the model folder's bundle (atomic replace), then remove it.
    `extra_meta` adds keys to its model.json."""
    from logwatch.engine.bundle import MODEL_FILE, load_bundle, write_bundle

    bundle = load_bundle(candidate)
    charts = bundle.charts_dir if bundle.charts_dir.is_dir() else None
    meta = {**bundle.meta, **(extra_meta or {})}
    path = write_bundle(model_dir, (candidate / MODEL_FILE).read_bytes(), meta, charts)
    shutil.rmtree(candidate, ignore_errors=True)
    return path
