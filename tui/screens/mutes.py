"""`U`: the mutes in force, how long each lasts; Enter (or `d`) lifts the selected one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from logwatch.engine.monitor.mutes import Mute, Mutes
from logwatch.tui.literal import literal
from logwatch.tui.widgets.spark_text import age_words
from logwatch.tui.screens.server_picker import VimOptionList


class MutesScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("d", "lift", "Lift"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, mutes: Mutes) -> None:
        super().__init__()
        self.mutes = mutes
        self.shown: list[Mute] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Mutes (Enter or d lifts the selected one, Escape closes)", markup=False)
            yield VimOptionList(id="mutes")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(VimOptionList).focus()

    def _fill(self) -> None:
        options = self.query_one(VimOptionList)
        options.clear_options()
        self.shown = self.mutes.active()
        now = self.mutes.clock()
        for index, mute in enumerate(self.shown):
            label = literal(mute.what())
            label.append(Text("   " + ("until restart" if mute.until is None else f"{age_words(mute.until - now)} left")))
            options.add_option(Option(label, id=str(index)))
        if self.shown:
            options.highlighted = 0
        else:
            options.add_option(Option("nothing is muted (M on an incident mutes it)", disabled=True))

    def action_lift(self) -> None:
        options = self.query_one(VimOptionList)
        if options.highlighted is not None and options.highlighted < len(self.shown):
            self.mutes.lift(self.shown[options.highlighted])
            self._fill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_lift()
