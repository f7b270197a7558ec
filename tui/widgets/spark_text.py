"""Drawing sparkline rows as rich Text: bars, anomaly marks, and short number and age labels.

Pure functions of numbers to Text, so widgets stay small and drawing is testable alone.
"""

from __future__ import annotations

import math

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.message import Message

BARS = "▁▂▃▄▅▆▇█"
MARK = "▲"
"""Drawn under a column holding a flagged entry: visible without any colour."""
LABEL_WIDTH = 14
"""Columns taken by the name and numbers at the left of every sparkline."""


class WidthChanged(Message):
    """Posted by a widget whose drawing depends on its width (sparklines, the feed) when
    that width changed, so the screen draws it again from the state."""


def levels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Bar index 0..7 per value on the [low, high] scale; -1 where there is no value."""
    out = np.full(values.shape, -1, np.int64)
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return out
    finite = np.isfinite(values)
    scaled = (values[finite] - low) / (high - low) * (len(BARS) - 1)
    out[finite] = np.clip(np.rint(scaled), 0, len(BARS) - 1).astype(np.int64)
    return out


def bar_row(bars: np.ndarray, flagged: np.ndarray, normal: Style, anomaly: Style) -> Text:
    """One line of bars (index per column, -1 blank); flagged columns in the anomaly style."""
    text = Text(no_wrap=True, overflow="crop")
    for start, end, is_flagged in _runs(flagged):
        chars = "".join(" " if b < 0 else BARS[b] for b in bars[start:end].tolist())
        text.append(chars, anomaly if is_flagged else normal)
    return text


def mark_row(flagged: np.ndarray, anomaly: Style) -> Text:
    """The marker lane: MARK under flagged columns, blanks elsewhere."""
    text = Text(no_wrap=True, overflow="crop")
    for start, end, is_flagged in _runs(flagged):
        text.append((MARK if is_flagged else " ") * (end - start), anomaly if is_flagged else None)
    return text


def number(value: float) -> str:
    """A value in at most 7 characters (`-` when unknown)."""
    if not math.isfinite(value):
        return "-"
    size = abs(value)
    if size >= 99_999.5 or 0 < size < 0.005:
        return f"{value:.1e}"
    if size >= 99.95:
        return f"{value:.0f}"
    if size >= 9.995:
        return f"{value:.1f}"
    return f"{value:.2f}"


def times(ratio: float) -> str:
    """A ratio to the threshold in at most 5 characters: 0.8, 12.5, 3021, 8e6, 1e300."""
    if not math.isfinite(ratio):
        return "-"
    if ratio < 99.95:
        return f"{ratio:.1f}"
    if ratio < 99_999.5:
        return f"{ratio:.0f}"
    exponent = math.floor(math.log10(ratio))
    mantissa = round(ratio / 10.0**exponent)
    if mantissa == 10:
        mantissa, exponent = 1, exponent + 1
    return f"{mantissa}e{exponent}"


def age_words(seconds: float) -> str:
    """A duration in at most 4 characters: "45s", "12m", "3h", "5d"."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size:.0f}{unit}"
    return f"{seconds:.0f}s"


def label(left: Text, right: str, style: Style | None = None) -> Text:
    """`left` and `right` in exactly LABEL_WIDTH columns (`left` is cut with an ellipsis)."""
    right = right[: LABEL_WIDTH - 3]
    left = left.copy()
    left.truncate(max(LABEL_WIDTH - 2 - len(right), 1), overflow="ellipsis")
    line = Text(no_wrap=True, overflow="crop")
    line.append_text(left)
    line.append(" " * (LABEL_WIDTH - 1 - left.cell_len - len(right)))
    line.append(right, style or "")
    line.append(" ")
    return line


def newest(values: np.ndarray, count: int) -> np.ndarray:
    """The last `count` items (none when count is 0)."""
    return values[len(values) - count:] if 0 < count <= len(values) else (values if count > 0 else values[:0])


def _runs(flags: np.ndarray) -> list[tuple[int, int, bool]]:
    """(start, end, flag) of runs of equal flags."""
    if flags.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    starts = [0, *cuts.tolist()]
    ends = [*cuts.tolist(), int(flags.size)]
    return [(s, e, bool(flags[s])) for s, e in zip(starts, ends)]
