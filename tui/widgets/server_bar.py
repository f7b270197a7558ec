"""The line above the sparklines: which server they show, the column span, the newest time."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch.tui.literal import literal


class ServerBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"server-bar--muted"}

    DEFAULT_CSS = """
    ServerBar { height: 1; }
    ServerBar > .server-bar--muted { color: $text-muted; }
    """

    server: reactive[str] = reactive("")
    """Selected server (shown literally)."""
    index: reactive[tuple[int, int]] = reactive((0, 0))
    """(position of the selected server, number of servers), 1-based."""
    span: reactive[str] = reactive("")
    """Log time per sparkline column, in words."""
    newest: reactive[str] = reactive("")
    """Log time of the selected server's newest entry."""

    def render(self) -> Text:
        muted = self.get_component_rich_style("server-bar--muted")
        if not self.server:
            return Text("waiting for entries…", style=muted)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("server ", muted)
        line.append_text(literal(self.server, style="bold"))
        position, count = self.index
        line.append(f" {position}/{count}", muted)
        line.append(f" │ {self.span} per column", muted)
        if self.newest:
            line.append(f" │ newest {self.newest}", muted)
        return line
