"""`e`: where to write the feed (the incidents shown: all, or those the filter keeps)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class ExportFeedScreen(ModalScreen[str | None]):
    """Returns the path typed (.csv or .jsonl), or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, default: str, count: int, filtered: bool) -> None:
        super().__init__()
        self.default = default
        self.count = count
        self.filtered = filtered

    def compose(self) -> ComposeResult:
        what = f"the {self.count:,} incidents the filter keeps" if self.filtered else f"all {self.count:,} incidents"
        with Vertical(classes="dialog"):
            yield Label(f"Write {what} to (.csv or .jsonl):", markup=False)
            yield Input(value=self.default, id="path")
            yield Label("Enter to write, Escape to cancel", id="hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path.lower().endswith((".csv", ".jsonl")):
            self.query_one("#hint", Label).update("the name must end in .csv or .jsonl")
            return
        self.dismiss(path)
