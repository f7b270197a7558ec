"""The live monitor app: wires the ingest worker, the state, the screens and retraining.

Data flows one way: source -> (ingest thread: score) -> `Scored` messages -> `MonitorState`
-> screens, which repaint on a timer a few times a second from the state. Threads never
touch widgets. `launch(args)` is what `logwatch tui` calls.
"""

from __future__ import annotations

from logwatch.tui.memory import frugal_allocators

frugal_allocators()  # first: polars' allocator reads its settings when polars is imported

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from logwatch.engine.batch import Batch
from logwatch.engine.errors import UserError
from logwatch.engine.model_loader import load_model
from logwatch.engine.monitor.feed import Incident
from logwatch.engine.monitor.feed_query import FeedQuery
from logwatch.engine.monitor.history_lines import lines_in_memory
from logwatch.engine.monitor.model_info import loaded_info
from logwatch.engine.monitor.mutes import Mutes, state_file
from logwatch.engine.monitor.raw_lines import RawLines, lines_in_file
from logwatch.engine.monitor.state import FLAGGED_WINDOW_SECONDS, THRESHOLD_STEP, ModelInfo, MonitorState
from logwatch.engine.notify import STOP_WAIT, Notifier
from logwatch.engine.parse import is_compressed
from logwatch.engine.score import Scorer
from logwatch.engine.sources.open import open_source
from logwatch.tui.ingest import Ingest
from logwatch.tui.keys import KEYS
from logwatch.tui.messages import IngestEnded, NotifyProblem, Scored, SourceNotice, TrainingEnded, TrainingEvent
from logwatch.tui.options import MonitorOptions
from logwatch.tui.retrain.control import TrainingControl
from logwatch.tui.screens.main import MainScreen
from logwatch.tui.widgets.spark_text import age_words, number
from logwatch.tui.widgets.status_line import Status


class LogwatchApp(App[int]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    """Absolute, so subclasses elsewhere (the bench) find it too."""
    TITLE = "logwatch"
    BINDINGS = [Binding("q", "quit", "Quit", show=False), Binding("question_mark", "help", "Keys", show=False)]

    def __init__(
        self,
        options: MonitorOptions,
        *,
        source: Iterable[Batch] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Args:
            options: what `logwatch tui` was asked to do.
            source: batches to monitor instead of the one the options name (tests, bench).
            clock: wall-clock seconds; frozen in tests so that nothing on screen moves.
        """
        super().__init__()
        self.options = options
        self.clock = clock
        loaded = load_model(options.detector, options.model_dir, first_model_here=True)
        self.scorer = Scorer(loaded.detector, options.threshold)
        model = loaded_info(loaded, self.scorer, chosen=options.detector == "zscore")
        self.model_warning = loaded.warning
        self.model_dir = loaded.folder
        self.state = MonitorState(model, clock=clock, mutes=Mutes(state_file(self.model_dir), clock))
        self.started = clock()
        self.main = MainScreen(zoom=options.zoom)
        if source is None:
            source = open_source(options.source_spec(), on_notice=lambda text: self.post_message(SourceNotice(text)))
        self.source = source
        self.ingest = Ingest(source, self.scorer, self.post_message)
        self.ended: str | None = None
        self.training = TrainingControl(self)
        self.notifier = None if options.notify is None else Notifier(
            options.notify, every=options.notify_every, on_problem=lambda text: self.post_message(NotifyProblem(text)))
        """Runs `--notify` for each incident the feed opens (on its own thread)."""

    @property
    def source_name(self) -> str:
        """The source in a few words (a followed set says how many files it holds now)."""
        return str(getattr(self.source, "name", "source"))

    def get_default_screen(self) -> Screen:
        return self.main

    def on_mount(self) -> None:
        self.run_worker(self.ingest.run, thread=True, name="ingest", group="ingest", exit_on_error=False)
        self.set_interval(1 / self.options.refresh_hz, self.tick)
        if self.state.mutes.problem:
            self.notify(self.state.mutes.problem, title="Mutes", severity="warning", markup=False)
        if self.model_warning:
            self.notify(self.model_warning, title="Model not used", severity="warning", timeout=20, markup=False)

    # the timer: background decisions, then a repaint of what is visible ------------------

    def tick(self) -> None:
        stack = self.screen_stack
        if not stack:  # quitting: the screens are gone a moment before the timer stops
            return
        self.training.maybe_train_in_background()
        screen = stack[-1]
        below_modal = isinstance(screen, ModalScreen) and len(stack) > 1 and stack[-2] is self.main
        if screen is self.main or below_modal:
            self.main.repaint()

    def status(self) -> Status:
        state = self.state
        return Status(
            source=self.source_name,
            rate=state.entries_per_second(),
            bad_lines=state.bad_lines,
            model=self._model_words(state.model),
            threshold=state.threshold,
            flagged_share=state.flagged_share(),
            rate_window=f"{FLAGGED_WINDOW_SECONDS // 60}m",
            paused=state.paused,
            muted=len(state.mutes.active()),
        )

    def _model_words(self, model: ModelInfo) -> str:
        if model.created is None:
            return model.name
        return f"{model.name} {model.backend} {age_words(self.clock() - model.created)}"

    def activity(self) -> str:
        """Background work worth a line: training progress, the source having ended."""
        return self.training.activity() or self.ended or ""

    # messages from the threads ------------------------------------------------------------

    def on_scored(self, message: Scored) -> None:
        opened = self.state.add(message.frame, message.bad_lines, message.bad_samples)
        self.ingest.delivered()
        if self.notifier is not None:
            for incident in opened:
                if not self.state.mutes.is_muted(incident.server, incident.component):
                    self.notifier.submit(incident.start(self.state.factor))

    def on_notify_problem(self, message: NotifyProblem) -> None:
        self.notify(message.text, title="Notifications", severity="warning", markup=False)

    def on_ingest_ended(self, message: IngestEnded) -> None:
        self.ended = f"source stopped: {message.error}" if message.error else "source ended"
        if message.error:
            self.notify(message.error, title="Source stopped", severity="error", markup=False)

    def on_source_notice(self, message: SourceNotice) -> None:
        self.notify(message.text, title="Source", markup=False)

    def on_training_event(self, message: TrainingEvent) -> None:
        self.training.on_event(message)

    def on_training_ended(self, message: TrainingEnded) -> None:
        self.training.on_ended(message)

    # actions --------------------------------------------------------------------------------

    def apply_threshold(self, value: float | None) -> None:
        """Use `value` (None: nothing to do); one more than CONFIRM_FACTOR times the model's
        own is applied only after the user confirms it."""
        from logwatch.tui.screens.threshold_confirm import ConfirmThreshold

        def apply(confirmed: bool = True) -> None:
            if confirmed and value is not None:
                self.state.set_threshold(value)
                self.main.repaint(force=True)

        if value is not None and self.state.needs_confirmation(value):
            self.push_screen(ConfirmThreshold(value, self.state.model.threshold), apply)
        else:
            apply()

    def change_threshold(self, up: bool) -> None:
        self.apply_threshold(self.state.threshold * (THRESHOLD_STEP if up else 1 / THRESHOLD_STEP))

    def reset_threshold(self) -> None:
        self.apply_threshold(self.state.model.threshold)
        self.notify(f"threshold {number(self.state.model.threshold)}, the model's own", title="Threshold",
                    markup=False)

    def ask_threshold(self) -> None:
        from logwatch.tui.screens.threshold_input import ThresholdInput

        self.push_screen(ThresholdInput(self.state.threshold, self.state.model.threshold), self.apply_threshold)

    def recalibrate(self) -> None:
        from logwatch.tui.screens.recalibrate import RecalibrateScreen

        try:
            proposal = self.state.propose_recalibration()
        except UserError as error:
            self.notify(str(error), title="Cannot recalibrate", severity="warning", markup=False)
            return
        self.push_screen(RecalibrateScreen(proposal, self.state.threshold, self.state.model.threshold),
                         self.apply_threshold)

    def toggle_pause(self) -> None:
        self.state.paused = not self.state.paused
        self.main.repaint(force=True)

    def ask_retrain(self) -> None:
        self.training.ask()

    def action_help(self) -> None:
        from logwatch.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def show_model(self) -> None:
        from logwatch.tui.screens.model import ModelScreen

        self.push_screen(ModelScreen(self.state.model, self.state.threshold, self.clock()))

    def show_details(self, incident_id: int) -> None:
        from logwatch.tui.screens.details import DetailsScreen

        incident = self.state.feed.get(incident_id)
        if incident is not None:
            self.push_screen(DetailsScreen(incident, self.state.history, self.state.factor, self._raw_lines(incident)))

    def _raw_lines(self, incident: Incident) -> Callable[[], RawLines]:
        """How to find the log lines behind `incident`: in the file when tailing one (or, for
        several, the file the server's entries came from; a `.gz` is read whole, not
        searched), from memory for the generator."""
        source = self.options.source
        if source is None:
            found = lines_in_memory(self.state.history, incident.peak_number)
            return lambda: found
        file_of = getattr(self.source, "file_of", None)
        path = str(source) if file_of is None else file_of(incident.server)
        if path is None:
            return lambda: RawLines(self.source_name, note=f"no file has given entries of {incident.server} yet")
        if is_compressed(path):
            return lambda: RawLines(path, note="a compressed file is not searched")
        return partial(lines_in_file, path, incident.server, incident.component, incident.peak_time)

    def ask_mute(self, server: str, component: str) -> None:
        from logwatch.tui.screens.mute import MuteChoice, MuteScreen

        def mute(choice: MuteChoice | None) -> None:
            if choice is None:
                return
            mute = self.state.mutes.add(choice.server, choice.component, choice.seconds)
            self.state.version += 1
            self.main.repaint(force=True)
            if self.state.mutes.problem:
                self.notify(self.state.mutes.problem, title="Mutes", severity="warning", markup=False)
            else:
                self.notify(f"muted {mute.what()} (U lists mutes)", title="Mute", markup=False)

        self.push_screen(MuteScreen(server, component), mute)

    def show_mutes(self) -> None:
        from logwatch.tui.screens.mutes import MutesScreen

        def closed(_: None) -> None:
            self.state.version += 1
            self.main.repaint(force=True)

        self.push_screen(MutesScreen(self.state.mutes), closed)

    def show_info(self) -> None:
        from logwatch.tui.screens.info import InfoScreen

        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))
        files = getattr(self.source, "files", None)
        self.push_screen(InfoScreen([(self.source_name, self.state.counts)], since,
                                    files=None if files is None else files()))

    def ask_export_feed(self, query: FeedQuery) -> None:
        from logwatch.engine.monitor.incident_export import write_incidents
        from logwatch.tui.screens.export_feed import ExportFeedScreen

        incidents = self.state.incidents(query)
        default = time.strftime("logwatch-incidents-%Y%m%d-%H%M%S.csv", time.localtime(self.clock()))

        def write(path: str | None) -> None:
            if path is None:
                return
            try:
                written = write_incidents(Path(path), incidents, self.state.factor)
            except UserError as error:
                self.notify(str(error), title="Export failed", severity="error", markup=False)
                return
            self.notify(f"{written:,} incidents written to {Path(path).expanduser().absolute()}", title="Export",
                        markup=False)

        self.push_screen(ExportFeedScreen(default, len(incidents), bool(query)), write)

    # the command palette and quitting ------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is self.main:
            for key in KEYS:
                yield SystemCommand(key.help, f"key: {key.label}", partial(self.main.run_action, key.action))

    async def action_quit(self) -> None:
        self.stop_background()
        self.exit(0)

    def stop_background(self) -> None:
        """Stop reading and training, and drop a trained model nobody accepted (safe to
        call more than once)."""
        self.ingest.stop()
        self.training.cancel()
        self.training.reject()

    def close_notifier(self, say: Callable[[str], None] | None = None) -> str | None:
        """Deliver the queued notifications (waiting at most STOP_WAIT s); their summary."""
        if self.notifier is None:
            return None
        return self.notifier.close(STOP_WAIT, say=say).line(self.notifier.every)


def launch(args: argparse.Namespace) -> int:
    """Run the monitor until the user quits; the exit status."""
    app = LogwatchApp(MonitorOptions.from_args(args))  # bad options and models are reported first
    try:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UserError("the terminal UI needs a terminal (stdin and stdout); "
                            "for a run without one use --export OUT")
        result = app.run()
    finally:
        app.stop_background()
        summary = app.close_notifier(lambda text: print(f"logwatch: {text}", file=sys.stderr, flush=True))
        if summary is not None:
            print(f"logwatch: {summary}", file=sys.stderr)
    return int(result or 0)
