"""`r`: choose what to train on, watch the training, compare old and new, swap.

The dialog only shows and asks; the app's `TrainingControl` runs the job (`start`, `cancel`,
`accept`, `reject`) and forwards its messages here.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static

from logwatch.engine.monitor.compare import Comparison
from logwatch.tui.host import host
from logwatch.tui.literal import literal
from logwatch.tui.widgets.spark_text import age_words, number


class RetrainScreen(ModalScreen[None]):
    """Phases: "choose" -> "training" -> "result" | "failed"."""

    BINDINGS = [
        Binding("1", "train('memory')", "Entries in memory"),
        Binding("2", "train('file')", "Whole file"),
        Binding("b", "backend", "Backend"),
        Binding("enter", "confirm", "Use new model"),
        Binding("escape", "back", "Cancel / keep old"),
        Binding("q", "app.quit", "Quit", show=False),  # as everywhere; a running training is cancelled
    ]

    def __init__(self, entries: int, file: str | None, backend: str) -> None:
        super().__init__()
        self.entries = entries
        self.file = file
        self.backend = backend
        self.phase = "choose"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="retrain"):
            yield Label("Retrain", classes="title")
            yield Static(self._choices(), id="body")
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static("", id="detail")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    def _choices(self) -> Text:
        text = Text()
        text.append(f"1  the {self.entries:,} entries in memory\n")
        if self.file:
            text.append("2  the whole file ")
            text.append_text(literal(self.file))
            text.append("\n")
        text.append(f"b  backend: {self.backend} (sklearn is quick; keras needs TensorFlow)\n\n")
        text.append("Escape closes without training.", style="dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("train", "backend"):
            return self.phase == "choose" and (parameters != ("file",) or bool(self.file))
        if action == "confirm":
            return self.phase in ("result", "failed")
        return True

    def action_backend(self) -> None:
        self.backend = "keras" if self.backend == "sklearn" else "sklearn"
        host(self).training.backend = self.backend  # the next dialog's too
        self.query_one("#body", Static).update(self._choices())

    def action_train(self, what: str) -> None:
        self.phase = "training"
        self.refresh_bindings()
        self.query_one("#body", Static).update(Text("Starting the training subprocess…"))
        self.query_one(ProgressBar).display = True
        host(self).training.start(what, self.backend, background=False)

    def show_event(self, event: dict[str, Any]) -> None:
        """A progress event of the running job."""
        kind = event.get("event")
        bar = self.query_one(ProgressBar)
        body = self.query_one("#body", Static)
        if kind == "data":
            body.update(Text(f"Training on {event.get('entries', 0):,} entries, {event.get('windows', 0):,} windows"))
        elif kind == "epoch":
            bar.update(total=event.get("epochs"), progress=event.get("epoch", 0))
            left = age_words(float(event.get("eta_seconds") or 0))
            self.query_one("#detail", Static).update(Text(
                f"epoch {event.get('epoch')}/{event.get('epochs')}   loss {number(event.get('loss', float('nan')))}"
                f"   val {number(event.get('val_loss', float('nan')))}   about {left} left (at most)\n"
                "Escape cancels; the current model keeps running."
            ))
        elif kind in ("export", "threshold"):
            body.update(Text("Exporting to ONNX and calibrating the threshold…"))

    def show_result(self, comparison: Comparison) -> None:
        self.phase = "result"
        self.refresh_bindings()
        self.query_one(ProgressBar).display = False
        table = Table(box=None, padding=(0, 2, 0, 0))
        table.add_column("")
        table.add_column(literal(comparison.old.name), justify="right")
        table.add_column(Text("new"), justify="right")
        old, new = comparison.old, comparison.new
        table.add_row("threshold", number(old.threshold), number(new.threshold))
        table.add_row("validation loss", _loss(old.val_loss), _loss(new.val_loss))
        table.add_row(f"flags in last {comparison.entries:,}", f"{old.flagged:,}", f"{new.flagged:,}")
        self.query_one("#body", Static).update(table)
        self.query_one("#detail", Static).update(Text("Enter: use the new model   Escape: keep the current one"))

    def show_failure(self, message: str, cancelled: bool) -> None:
        self.phase = "failed"
        self.refresh_bindings()
        self.query_one(ProgressBar).display = False
        head = "Training cancelled." if cancelled else "Training failed:"
        text = Text(head + " ")
        if not cancelled:
            text.append_text(literal(message))
        text.append("\nThe current model stays. Enter or Escape closes.")
        self.query_one("#body", Static).update(text)
        self.query_one("#detail", Static).update("")

    def action_confirm(self) -> None:
        if self.phase == "result":
            host(self).training.accept()
        self.dismiss(None)

    def action_back(self) -> None:
        if self.phase == "training":
            host(self).training.cancel()
            return  # the job ends with a "cancelled" result shown here
        if self.phase == "result":
            host(self).training.reject()
        self.dismiss(None)


def _loss(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"
