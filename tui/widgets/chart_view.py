"""A widget that draws a chart to its own size (the chart is a function of width, height)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget


class ChartView(Widget):
    DEFAULT_CSS = """
    ChartView { height: 12; }
    """

    def __init__(self, draw: Callable[[int, int], Text], *, id: str | None = None) -> None:
        """Args:
            draw: called with the content width and height; returns the chart.
        """
        super().__init__(id=id)
        self.draw = draw

    def render(self) -> Text:
        return self.draw(self.size.width, self.size.height)
