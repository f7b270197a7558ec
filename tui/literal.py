"""Text from logs, shown exactly as written: never parsed as markup, never sent raw to the terminal.

A server named `[bold red]x` must show those nine characters, and a name holding an escape
sequence must not move the cursor or change colours. Every string that came from a log goes
through `literal()` before it reaches a widget.
"""

from __future__ import annotations

from rich.text import Text

from logwatch.engine.text import visible

__all__ = ["literal", "visible"]


def literal(text: str, style: str = "") -> Text:
    """A rich `Text` that shows `text` character for character (no markup, no controls)."""
    return Text(visible(text), style=style, no_wrap=True, overflow="ellipsis")
