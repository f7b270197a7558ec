"""Text from logs, shown exactly as written: never parsed as markup, never sent raw to the terminal.

A server named `[bold red]x` must show those nine characters, and a name holding an escape
sequence must not move the cursor or change colours. Every string that came from a log goes
through `literal()` before it reaches a widget.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 control characters, DEL, and the Unicode line/paragraph separators."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character spelled out (`\\x1b`), so it prints on one line."""
    return _CONTROL.sub(_escape, text)


def literal(text: str, style: str = "") -> Text:
    """A rich `Text` that shows `text` character for character (no markup, no controls)."""
    return Text(visible(text), style=style, no_wrap=True, overflow="ellipsis")
