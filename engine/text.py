"""Text from logs made safe to print: every control or format character spelled out, so a
name holding an escape sequence or a bidi override cannot move the cursor, change colours or
reorder what is around it. Used by the terminal UI (`tui.literal`) and by the commands that
print log text (`logwatch eval`)."""

from __future__ import annotations

import re

_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
"""Unicode format characters (category Cf, Unicode 15.1): bidi overrides and isolates that
reorder the text around them (U+202E), zero-width marks and joiners, the byte order mark."""
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_FORMAT}]")
"""C0 and C1 control characters, DEL, the Unicode line/paragraph separators, format characters."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every control or format character spelled out (`\\x1b`, `\\u202e`), so it
    prints on one line, in the order it was written."""
    return _CONTROL.sub(_escape, text)
