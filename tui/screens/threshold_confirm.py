"""Asks before a threshold far above the model's own hides most of what it reports."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from logwatch.tui.widgets.spark_text import number


class ConfirmThreshold(ModalScreen[bool]):
    """True when the user confirms (y or Enter), False otherwise."""

    BINDINGS = [
        Binding("y,enter", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, value: float, model_threshold: float) -> None:
        super().__init__()
        self.value = value
        self.model_threshold = model_threshold

    def compose(self) -> ComposeResult:
        ratio = self.value / self.model_threshold if self.model_threshold > 0 else float("inf")
        with Vertical(classes="dialog"):
            yield Label(
                f"Set the threshold to {number(self.value)}, {ratio:.1f}x the model's own "
                f"({number(self.model_threshold)})? Most of what the model reports would be hidden.",
                markup=False,
            )
            yield Label("y or Enter: set it; n or Escape: keep the current one", markup=False)
