"""Choose the server whose sparklines are shown, from a list (j/k, Enter, Escape)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from logwatch.tui.literal import literal


class VimOptionList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class ServerPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Close"), Binding("q", "app.quit", "Quit", show=False)]

    def __init__(self, servers: list[str], selected: str | None) -> None:
        super().__init__()
        self.servers = list(servers)
        self.selected = selected

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Server (Enter to show, Escape to close)")
            yield VimOptionList(*(Option(literal(name), id=str(i)) for i, name in enumerate(self.servers)))

    def on_mount(self) -> None:
        options = self.query_one(VimOptionList)
        if self.selected in self.servers:
            options.highlighted = self.servers.index(self.selected)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.servers[int(event.option.id or 0)])
