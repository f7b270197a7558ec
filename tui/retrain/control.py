"""Retraining from the app's side: starting jobs, routing their messages, swapping models.

One job at a time. A user's retrain goes through the retrain dialog (compare, then the user
decides); the first model, trained in the background when there is none, is swapped in
without asking, and so are its refreshes (see REFRESH_GROWTH). Everything here runs on the
UI thread; the job itself runs in a worker.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logwatch.engine.errors import UserError
from logwatch.tui.messages import TrainingEnded, TrainingEvent
from logwatch.engine.monitor.model_info import ZSCORE_NAME
from logwatch.tui.retrain.job import TrainingJob, TrainingPlan
from logwatch.tui.widgets.spark_text import age_words, number

if TYPE_CHECKING:
    from logwatch.tui.retrain.host import RetrainHost
    from logwatch.tui.retrain.screen import RetrainScreen

COMPARE_ENTRIES = 20_000
"""Old and new models are compared on this many of the newest entries."""

REFRESH_GROWTH = 2
"""The app's own model is retrained in the background each time the history has grown to
this many times the entries it was trained on, until the history is full. A first model
from 20,000 entries (a few hours of the demo) has not seen the rest of the day and flags
the hours it never saw. Refreshing pauses while the user has a threshold of their own, and
stops for good after a retrain of their own. A model the app trained by itself says so in
its model.json (BACKGROUND_KEY), so refreshing goes on after a restart; any other model on
disk is the user's and is never replaced without asking."""


NOTE_SECONDS = 10.0
"""How long the line above the keys says that a training ended without a swap."""

BACKGROUND_KEY = "trained_in_background"
"""model.json key the app adds to a model it trained by itself ({"history_entries": N}),
so that the next start keeps refreshing it."""


class TrainingControl:
    def __init__(self, app: RetrainHost) -> None:
        self.app = app
        self.job: TrainingJob | None = None
        self.first_model_failed = False
        self.refresh_failed = False
        self._ids = count(1)
        self._candidate: TrainingEnded | None = None
        self._candidate_trained_on: int | None = None
        """History entries the candidate was trained on when the app trained it by itself."""
        self.auto_trained_on: int | None = _background_entries(app.state.model.meta)
        """History entries the model in use was trained on, when the app trained it by itself."""
        self.backend = app.options.train_backend
        """The retrain dialog's backend: the one chosen there last (for this session)."""
        self._note: tuple[str, float] | None = None
        """How the last training ended without a swap, and until when to say so (app clock)."""

    def activity(self) -> str:
        """Training progress in a few words ("" when there is nothing to say)."""
        job = self.job
        if job is not None:
            event = job.last_event
            what = self._label(job)
            if job.cancelled:  # its last event may be the child's "error" as it stops
                return f"{what}: {_stopped(job)}"
            if event.get("event") == "epoch":
                return f"{what}: epoch {event.get('epoch')}/{event.get('epochs')}"
            return f"{what}: {event.get('event', 'starting')}"
        if self._note is not None and self.app.clock() < self._note[1]:
            return self._note[0]
        if self._wants_first_model():
            return self._first_model_progress()
        return ""

    def _first_model_progress(self) -> str:
        """What the first model waits for, in words."""
        history, options = self.app.state.history, self.app.options
        if len(history) < options.first_model_entries:
            return f"first model after {len(history):,}/{options.first_model_entries:,} entries (z-score until then)"
        return (f"first model once a day of log time is in memory: {age_words(history.span_seconds())} "
                f"of {age_words(options.first_model_seconds)} (z-score until then)")

    def _first_model_due(self) -> bool:
        history, options = self.app.state.history, self.app.options
        if len(history) < options.first_model_entries:
            return False
        return history.span_seconds() >= options.first_model_seconds or len(history) >= history.capacity

    def maybe_train_in_background(self) -> None:
        """Called by the app's timer: start the first model once there is enough history,
        refresh the app's own model as the history grows, and drop a refresh once the user
        has a threshold of their own."""
        if self.job is not None:
            if self._stale_refresh(self.job) and not self.job.cancelled:
                self.job.cancel()  # ends with a "cancelled" TrainingEnded: see on_ended
            return  # one job at a time
        if self._dialog() is not None:
            return  # the open retrain dialog may start the user's
        size = len(self.app.state.history)
        first = self._wants_first_model() and self._first_model_due()
        if first or self._wants_refresh(size):
            self.start("memory", self.app.options.train_backend, background=True)

    def ask(self) -> None:
        from logwatch.tui.retrain.screen import RetrainScreen

        if self.job is not None:
            self.app.notify("a model is already being trained; see the line above the keys", markup=False)
            return
        options = self.app.options
        file = str(options.source) if options.source else None
        self.app.push_screen(RetrainScreen(len(self.app.state.history), file, self.backend))

    def start(self, what: str, backend: str, background: bool) -> None:
        """Train on "memory" (the history) or "file" (the whole tailed file)."""
        app, state = self.app, self.app.state
        plan = TrainingPlan(
            model_dir=app.model_dir, backend=backend, epochs=app.options.train_epochs,
            history=state.history.frame() if what == "memory" else None,
            file=app.options.source if what == "file" else None,
            recent=state.history.frame(state.history.order(COMPARE_ENTRIES)),
            old=state.model, old_threshold=state.threshold,
            old_flagged=state.flagged_count(COMPARE_ENTRIES), background=background,
        )
        self.job = TrainingJob(next(self._ids), plan, app.post_message)
        app.run_worker(self.job.run, thread=True, name="training", group="training", exit_on_error=False)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def on_event(self, message: TrainingEvent) -> None:
        screen = self._dialog()
        if screen is not None and self.job is not None and message.run_id == self.job.id:
            screen.show_event(message.event)

    def on_ended(self, message: TrainingEnded) -> None:
        job = self.job
        if job is None or message.run_id != job.id:
            return
        self.job = None
        stopped = message.cancelled or (message.scorer is not None and self._stale_refresh(job))
        if stopped:  # cancelled, or a refresh that finished as the user set a threshold
            self._candidate = message
            self.reject()  # removes its bundle, if it wrote one: nothing is swapped in
            self._note = (f"{self._label(job)}: {_stopped(job)}", self.app.clock() + NOTE_SECONDS)
        if job.plan.background:
            if stopped:
                return
            if message.scorer is not None:
                history = job.plan.history
                self._candidate = message
                self._candidate_trained_on = history.height if history is not None else 0
                self.accept()
            elif self.auto_trained_on is None:
                self.first_model_failed = True
                self.app.notify(message.error or "failed", title="First model not trained",
                                severity="warning", markup=False)
            else:
                self.refresh_failed = True
                self.app.notify(message.error or "failed", title="Model not refreshed",
                                severity="warning", markup=False)
            return
        screen = self._dialog()
        if message.scorer is not None:
            self._candidate, self._candidate_trained_on = message, None
            if screen is not None:
                screen.show_result(message.comparison)
        elif screen is not None:
            screen.show_failure(message.error or "unknown error", message.cancelled)

    def accept(self) -> None:
        """Make the candidate the model: on disk (atomically), in the scorer, on screen."""
        from logwatch.tui.retrain.process import promote

        candidate, self._candidate = self._candidate, None
        if candidate is None or candidate.bundle is None:
            return
        app, trained_on = self.app, self._candidate_trained_on
        mark = None if trained_on is None else {BACKGROUND_KEY: {"history_entries": trained_on}}
        try:
            path = promote(Path(candidate.bundle), app.model_dir, mark)
        except (UserError, OSError) as error:
            if trained_on is not None:  # not again and again into a folder that cannot take it
                self.first_model_failed = self.refresh_failed = True
            app.notify(str(error), title="Model not swapped", severity="error", markup=False)
            return
        self.auto_trained_on = trained_on
        info = replace(candidate.info, name=path.name, path=str(path))
        app.scorer = candidate.scorer
        app.ingest.scorer = candidate.scorer
        app.state.use_model(info)
        app.main.repaint(force=True)
        app.notify(f"now scoring with {info.name} ({info.backend}), threshold {number(info.threshold)}",
                   title="New model", markup=False)

    def reject(self) -> None:
        candidate, self._candidate = self._candidate, None
        if candidate is not None and candidate.bundle is not None:
            shutil.rmtree(candidate.bundle, ignore_errors=True)

    def _wants_first_model(self) -> bool:
        options = self.app.options
        return (options.auto_train and options.detector == "auto" and not self.first_model_failed
                and self.app.state.model.name == ZSCORE_NAME)

    def _wants_refresh(self, size: int) -> bool:
        options = self.app.options
        return (
            options.auto_train and options.detector == "auto"
            and self.auto_trained_on is not None and not self.refresh_failed
            and size >= REFRESH_GROWTH * self.auto_trained_on and not self._user_threshold()
        )

    def _user_threshold(self) -> bool:
        """Whether the user has set a threshold of their own for the model in use."""
        state = self.app.state
        return state.threshold != state.model.threshold

    def _stale_refresh(self, job: TrainingJob) -> bool:
        """A refresh of the app's model that must not be swapped in: the user has a
        threshold of their own (refreshes pause then)."""
        return job.plan.background and self.auto_trained_on is not None and self._user_threshold()

    def _label(self, job: TrainingJob) -> str:
        if not job.plan.background:
            return "retrain"
        return "first model" if self.auto_trained_on is None else "model refresh"

    def _dialog(self) -> RetrainScreen | None:
        from logwatch.tui.retrain.screen import RetrainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, RetrainScreen):
                return screen
        return None


def _stopped(job: TrainingJob) -> str:
    """How a job that ends without a swap is described: the app drops its own, the user
    cancels theirs."""
    return "dropped" if job.plan.background else "cancelled"


def _background_entries(meta: dict[str, Any] | None) -> int | None:
    """The history size a bundle was trained on when the app trained it by itself."""
    mark = (meta or {}).get(BACKGROUND_KEY)
    entries = mark.get("history_entries") if isinstance(mark, dict) else None
    return entries if isinstance(entries, int) and entries > 0 else None
