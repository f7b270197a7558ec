"""Type an exact threshold (`t`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from logwatch.engine.errors import UserError
from logwatch.engine.score import parse_threshold
from logwatch.tui.widgets.spark_text import number


class ThresholdInput(ModalScreen[float | None]):
    """Returns the new threshold, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: float, model_threshold: float) -> None:
        super().__init__()
        self.current = current
        self.model_threshold = model_threshold

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Threshold (now {number(self.current)}, the model's own {number(self.model_threshold)})")
            yield Input(value=f"{self.current:.6g}", id="value")
            yield Label("Enter to apply, Escape to cancel", id="hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            value = parse_threshold(event.value)
        except UserError as error:  # the same check and words as `--threshold`
            self.query_one("#hint", Label).update(str(error))
            return
        self.dismiss(value)
