"""`i`: what came in since start, per source, so a user can check nothing was lost."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from logwatch.engine.monitor.counts import Counts
from logwatch.tui.literal import literal

COLUMNS = (
    ("read", "lines taken in: entries and bad lines"),
    ("scored", "entries with a score"),
    ("not scored", "warming up, or too late for their time step"),
    ("bad", "lines that could not be parsed"),
    ("flagged", "over the threshold in use when they arrived"),
)


class InfoScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,i", "dismiss(None)", "Close"), Binding("q", "app.quit", "Quit", show=False)]

    def __init__(self, sources: list[tuple[str, Counts]], since: str) -> None:
        super().__init__()
        self.sources = sources
        self.since = since

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2, 0, 0))
        table.add_column("source")
        for name, _ in COLUMNS:
            table.add_column(name, justify="right")
        for source, counts in self.sources:
            values = (counts.read, counts.scored, counts.unscored, counts.bad, counts.flagged)
            table.add_row(literal(source), *(f"{v:,}" for v in values))
        notes = Text("\n".join(f"{name}: {meaning}" for name, meaning in COLUMNS), style="dim")
        with Vertical(classes="dialog", id="info"):
            yield Label(f"Counts since {self.since} (Escape closes)", markup=False)
            yield Static(table)
            yield Static(notes)
