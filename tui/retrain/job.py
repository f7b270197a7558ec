"""One retraining from start to candidate: data, subprocess, loading and comparing.

Runs in a worker thread; tells the UI everything through `TrainingEvent` and
`TrainingEnded` messages. Nothing is swapped here: the UI decides, on its own thread.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from textual.message import Message

from logwatch.engine.errors import UserError
from logwatch.engine.monitor.compare import compare
from logwatch.tui.messages import TrainingEnded, TrainingEvent
from logwatch.engine.monitor.model_info import scorer_from_bundle
from logwatch.tui.retrain.process import MEMORY_SOURCE, TrainingRun, candidate_dir, write_training_data
from logwatch.engine.monitor.state import ModelInfo


@dataclass(frozen=True)
class TrainingPlan:
    """What to train on and where; built by the app on its thread."""

    model_dir: Path
    backend: str
    epochs: int | None
    history: pl.DataFrame | None
    """Entries in memory to train on, or None to train on `file`."""
    file: Path | None
    recent: pl.DataFrame
    """Newest entries both models are compared on."""
    old: ModelInfo
    old_threshold: float
    old_flagged: int
    background: bool = False
    """First model: swap without asking."""


class TrainingJob:
    def __init__(self, job_id: int, plan: TrainingPlan, post: Callable[[Message], Any]) -> None:
        self.id = job_id
        self.plan = plan
        self.post = post
        self.candidate = candidate_dir(plan.model_dir)
        self.last_event: dict[str, Any] = {}
        """Newest progress event (read by the UI for the status line)."""
        self._run: TrainingRun | None = None
        self._cancelled = False

    def run(self) -> None:
        """Blocking; call in a thread. Always ends by posting `TrainingEnded`."""
        plan, temp = self.plan, Path(tempfile.mkdtemp(prefix="logwatch-train-"))
        try:
            shutil.rmtree(self.candidate, ignore_errors=True)
            data = write_training_data(plan.history, temp) if plan.history is not None else plan.file
            assert data is not None
            # The history goes through a temporary file: model.json names the memory instead.
            named = ("--source-name", MEMORY_SOURCE) if plan.history is not None else ()
            self._run = TrainingRun(data, self.candidate, backend=plan.backend, epochs=plan.epochs, extra=named)
            if self._cancelled:
                self._run.cancel()
            result = self._run.run(self._event)
            if result.bundle is None:
                # Cancelled just as the child finished: its bundle must not outlive the job.
                shutil.rmtree(self.candidate, ignore_errors=True)
                self.post(TrainingEnded(self.id, None, result.error, cancelled=result.cancelled))
                return
            scorer, info = scorer_from_bundle(result.bundle)
            comparison = compare(plan.old, plan.old_threshold, plan.old_flagged, scorer, info, plan.recent)
            self.post(TrainingEnded(self.id, str(result.bundle), None, scorer=scorer, info=info, comparison=comparison))
        except (UserError, OSError, ValueError) as error:
            self.post(TrainingEnded(self.id, None, str(error)))
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    @property
    def cancelled(self) -> bool:
        """Asked to stop (the child may still be winding down)."""
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True
        if self._run is not None:
            self._run.cancel()

    def _event(self, event: dict[str, Any]) -> None:
        self.last_event = event
        self.post(TrainingEvent(self.id, event))
