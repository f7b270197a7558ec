"""The anomaly score of the selected server, split at the threshold.

The lower row holds scores up to the threshold (linear), the upper row only what exceeds it
(logarithmic: anomaly scores span orders of magnitude): the boundary between the rows is the
threshold, and anything drawn in the upper row is an anomaly, with or without colour.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch.engine.monitor.series import Columns
from logwatch.tui.widgets.spark_text import BARS, LABEL_WIDTH, WidthChanged, bar_row, label, newest, number


class ScoreSpark(Widget):
    """Two rows of bars for the relative score; `factor` is the threshold in those units."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "score-spark--bar",
        "score-spark--anomaly",
        "score-spark--threshold",
    }

    DEFAULT_CSS = """
    ScoreSpark {
        height: 2;
    }
    ScoreSpark > .score-spark--bar { color: $primary; }
    ScoreSpark > .score-spark--anomaly { color: $error; text-style: bold; }
    ScoreSpark > .score-spark--threshold { color: $warning; }
    """

    columns: reactive[Columns | None] = reactive(None, always_update=True)
    """Highest relative score per column (score over the scoring model's threshold)."""
    factor: reactive[float] = reactive(1.0)
    """The threshold in relative units."""
    unit: reactive[float] = reactive(1.0)
    """The current model's own threshold: relative x unit = score in the model's units."""
    top: reactive[float] = reactive(2.0)
    """Relative score at the top of the upper row (kept steady by the screen)."""

    def bar_columns(self) -> int:
        return max(self.size.width - LABEL_WIDTH, 0)

    def on_resize(self) -> None:
        self.post_message(WidthChanged())

    def render(self) -> Text:
        normal = self.get_component_rich_style("score-spark--bar")
        anomaly = self.get_component_rich_style("score-spark--anomaly")
        marked = self.get_component_rich_style("score-spark--threshold")
        columns, factor = self.columns, self.factor
        current = "-" if columns is None else number(columns.current * self.unit)
        upper = label(Text("score"), current)
        lower = label(Text("thr", style=marked), number(factor * self.unit), marked)
        if columns is not None and factor > 0:
            fit = self.bar_columns()  # columns may be from before a resize: keep the newest
            values = newest(columns.values, fit)
            above = np.where(values > factor, values, np.nan)
            top = max(self.top, factor * 1.01)
            with np.errstate(divide="ignore", invalid="ignore"):
                upper_levels = _levels_from(np.log(above / factor), 0.0, math.log(top / factor))
            lower_levels = _levels_from(np.minimum(values, factor), 0.0, factor)
            flagged = np.isfinite(above)
            upper.append_text(bar_row(upper_levels, flagged, normal, anomaly))
            lower.append_text(bar_row(lower_levels, flagged, normal, anomaly))
        return Text("\n", no_wrap=True, overflow="crop").join([upper, lower])


def _levels_from(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Bar index 0..7 for values in (low, high]; -1 for missing values."""
    out = np.full(values.shape, -1, np.int64)
    finite = np.isfinite(values)
    if not math.isfinite(high) or high <= low:
        return out
    scaled = np.ceil((values[finite] - low) / (high - low) * len(BARS)) - 1
    out[finite] = np.clip(scaled, 0, len(BARS) - 1).astype(np.int64)
    return out
