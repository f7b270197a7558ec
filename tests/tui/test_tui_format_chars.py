"""Unicode format characters in log text (a right-to-left override in a server name) are
spelled out like control characters: they never reorder or hide what the terminal shows."""

from __future__ import annotations

import sys
import unicodedata

from logwatch.tui.literal import literal, visible


def test_bidi_and_invisible_characters_are_spelled_out():
    assert visible("srv\u202egpj.exe") == "srv\\u202egpj.exe"
    assert visible("a\u200eb\u200fc\u2066d\u2069e\ufefff") == "a\\u200eb\\u200fc\\u2066d\\u2069e\\ufefff"
    assert visible("tag\U000e0041") == "tag\\U000e0041"
    assert literal("web\u202d1").plain == "web\\u202d1"


def test_every_format_character_is_spelled_out():
    """Category Cf of this Python's Unicode database (a newer one may add some: add them)."""
    missed = [f"U+{code:04X}" for code in range(sys.maxunicode + 1)
              if unicodedata.category(chr(code)) == "Cf" and visible(chr(code)) == chr(code)]
    assert missed == []


def test_ordinary_text_in_any_script_stays_as_written():
    text = "héllo wörld 中文 עברית العربية 🙂 ±"
    assert visible(text) == text
