"""One component of the selected server: a sparkline with its current value, recent range
and anomaly marks (coloured bars, plus a marker lane that needs no colour)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch.tui.literal import literal
from logwatch.engine.monitor.series import Columns
from logwatch.tui.widgets.spark_text import LABEL_WIDTH, WidthChanged, bar_row, label, levels, mark_row, newest, number


class MetricSpark(Widget):
    """Two rows: bars on a steady scale, then the marker lane under flagged columns."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "metric-spark--bar",
        "metric-spark--anomaly",
        "metric-spark--range",
    }

    DEFAULT_CSS = """
    MetricSpark {
        height: 2;
    }
    MetricSpark > .metric-spark--bar { color: $success; }
    MetricSpark > .metric-spark--anomaly { color: $error; text-style: bold; }
    MetricSpark > .metric-spark--range { color: $text-muted; }
    """

    columns: reactive[Columns | None] = reactive(None, always_update=True, layout=False)
    """What to draw: one value per column (set by the screen on each repaint)."""
    scale: reactive[tuple[float, float]] = reactive((0.0, 1.0))
    """Bottom and top of the bars, kept steady by the screen."""

    def __init__(self, name: str, *, id: str | None = None, classes: str | None = None) -> None:
        """Args:
            name: the component's name as found in the log (shown literally).
        """
        super().__init__(id=id, classes=classes)
        self.component = name

    def bar_columns(self) -> int:
        """How many columns of bars fit."""
        return max(self.size.width - LABEL_WIDTH, 0)

    def on_resize(self) -> None:
        self.post_message(WidthChanged())

    def render(self) -> Text:
        columns = self.columns
        bar_style = self.get_component_rich_style("metric-spark--bar")
        anomaly = self.get_component_rich_style("metric-spark--anomaly")
        muted = self.get_component_rich_style("metric-spark--range")
        current = number(columns.current) if columns is not None else "-"
        top = label(literal(self.component), current)
        bottom = label(Text(""), "", muted)
        if columns is not None:
            span = f"{number(columns.low)}..{number(columns.high)}"
            bottom = label(Text(""), span, muted)
            low, high = self.scale
            fit = self.bar_columns()  # columns may be from before a resize: keep the newest
            values, flagged = newest(columns.values, fit), newest(columns.flagged, fit)
            top.append_text(bar_row(levels(values, low, high), flagged, bar_style, anomaly))
            bottom.append_text(mark_row(flagged, anomaly))
        return Text("\n", no_wrap=True, overflow="crop").join([top, bottom])
