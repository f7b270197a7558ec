"""Terminal charts for the model screen: the loss curve and the error histogram.

Drawn with plain characters into a grid (no colour needed to read them: the two loss
curves use different marks, the threshold is a vertical bar), then given styles. Small and
deterministic, so snapshots are stable and NO_COLOR terminals lose nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text

from logwatch.tui.widgets.spark_text import BARS, number

AXIS_WIDTH = 8
"""Columns for the y-axis labels and the axis line."""


def line_chart(series: Sequence[tuple[str, Sequence[float], str, Style]], width: int, height: int,
               x_label: str) -> Text:
    """Curves (name, values per x, mark, style) over a shared y-axis; x runs 1..len."""
    plot_w, plot_h = max(width - AXIS_WIDTH, 4), max(height - 3, 2)
    values = [v for _, ys, _, _ in series for v in ys if math.isfinite(v)]
    if not values:
        return Text("no loss history in this bundle")
    low, high = min(values), max(values)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    grid: list[list[tuple[str, Style | None]]] = [[(" ", None)] * plot_w for _ in range(plot_h)]
    for _, ys, mark, style in series:
        n = len(ys)
        for column in range(plot_w):
            x = column * (n - 1) / max(plot_w - 1, 1) if n > 1 else 0.0
            left = int(math.floor(x))
            right = min(left + 1, n - 1)
            y = ys[left] + (ys[right] - ys[left]) * (x - left)
            if not math.isfinite(y):
                continue
            row = plot_h - 1 - int(round((y - low) / (high - low) * (plot_h - 1)))
            grid[row][column] = (mark, style)
    lines = []
    for row in range(plot_h):
        value = high - (high - low) * row / (plot_h - 1)
        tick = number(value) if row in (0, plot_h // 2, plot_h - 1) else ""
        line = Text(f"{tick:>{AXIS_WIDTH - 1}}┤" if tick else " " * (AXIS_WIDTH - 1) + "│")
        for char, style in grid[row]:
            line.append(char, style)
        lines.append(line)
    n = max(len(ys) for _, ys, _, _ in series)
    lines.append(Text(" " * (AXIS_WIDTH - 1) + "└" + "─" * plot_w))
    lines.append(Text(" " * AXIS_WIDTH + "1" + f"{x_label} {n}".rjust(plot_w - 1)))
    legend = Text(" " * AXIS_WIDTH)
    for name, _, mark, style in series:
        legend.append(mark, style)
        legend.append(f" {name}   ")
    lines.append(legend)
    return Text("\n", no_wrap=True, overflow="crop").join(lines)


def histogram_chart(edges: Sequence[float], counts: Sequence[int], threshold: float, width: int,
                    height: int, bar: Style | None, marked: Style | None) -> Text:
    """Bars of counts over [edges[0], edges[-1]] with the threshold as a vertical line.

    Heights follow the square root of the counts, so the thin tail near the threshold stays
    visible next to the bulk of small errors."""
    plot_w, plot_h = max(width - AXIS_WIDTH, 4), max(height - 3, 2)
    if not counts or len(edges) != len(counts) + 1:
        return Text("no error histogram in this bundle")
    low, high = float(edges[0]), float(edges[-1])
    bins = len(counts)
    heights = [0] * plot_w
    for column in range(plot_w):
        first = column * bins // plot_w
        last = max(first + 1, (column + 1) * bins // plot_w)
        heights[column] = max(counts[first:last])
    top = max(heights) or 1
    root = math.sqrt(top)
    mark_column = None
    if high > low and low <= threshold <= high:
        mark_column = min(plot_w - 1, int((threshold - low) / (high - low) * plot_w))
    eighths = [math.sqrt(h) / root * plot_h * len(BARS) for h in heights]
    lines = []
    for row in range(plot_h):
        floor = (plot_h - 1 - row) * len(BARS)
        tick = f"{top:,}" if row == 0 else ("0" if row == plot_h - 1 else "")
        line = Text(f"{tick:>{AXIS_WIDTH - 1}}┤" if tick else " " * (AXIS_WIDTH - 1) + "│")
        for column, amount in enumerate(eighths):
            if column == mark_column:
                line.append("│", marked)
                continue
            fill = amount - floor
            char = " " if fill <= 0 else (BARS[-1] if fill >= len(BARS) else BARS[max(int(math.ceil(fill)) - 1, 0)])
            line.append(char, bar)
        lines.append(line)
    lines.append(Text(" " * (AXIS_WIDTH - 1) + "└" + "─" * plot_w))
    axis = Text(" " * AXIS_WIDTH + number(low))
    axis.append(f"error {number(high)}".rjust(plot_w - len(number(low))))
    lines.append(axis)
    legend = Text(" " * AXIS_WIDTH)
    legend.append("│", marked)
    legend.append(f" threshold {number(threshold)}")
    lines.append(legend)
    return Text("\n", no_wrap=True, overflow="crop").join(lines)
