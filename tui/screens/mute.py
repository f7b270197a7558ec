"""`M`: mute the selected incident's server/component, or its whole server, for a while."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from logwatch.tui.literal import literal
from logwatch.tui.screens.server_picker import VimOptionList

DURATIONS: tuple[tuple[str, float | None], ...] = (("15 min", 900.0), ("1 hour", 3600.0), ("until restart", None))


@dataclass(frozen=True, slots=True)
class MuteChoice:
    server: str
    component: str | None
    """None: the whole server."""
    seconds: float | None
    """None: until the monitor stops."""


class MuteScreen(ModalScreen[MuteChoice | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, server: str, component: str) -> None:
        super().__init__()
        self.choices = [
            MuteChoice(server, target, seconds)
            for target in (component, None) for _, seconds in DURATIONS
        ]
        self.server, self.component = server, component

    def compose(self) -> ComposeResult:
        options = []
        for index, choice in enumerate(self.choices):
            label = Text("mute ")
            label.append_text(literal(self.server if choice.component is None else f"{self.server}/{self.component}"))
            label.append(" for " if choice.seconds is not None else " ")
            label.append(next(words for words, seconds in DURATIONS if seconds == choice.seconds))
            options.append(Option(label, id=str(index)))
        with Vertical(classes="dialog"):
            yield Label("Mute (Enter to mute, Escape to cancel; U lists and lifts mutes)", markup=False)
            yield VimOptionList(*options)

    def on_mount(self) -> None:
        self.query_one(VimOptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)])
