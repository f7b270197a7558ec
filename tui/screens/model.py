"""`m`: the loaded model: training loss curve, error histogram with the threshold, metadata."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from logwatch.tui.literal import literal
from logwatch.tui.retrain.process import HISTORY_PREFIX, MEMORY_SOURCE
from logwatch.engine.monitor.state import ModelInfo
from logwatch.tui.widgets.chart_view import ChartView
from logwatch.tui.widgets.charts import histogram_chart, line_chart
from logwatch.tui.widgets.spark_text import age_words, number


class ModelScreen(Screen):
    BINDINGS = [
        Binding("escape,m", "app.pop_screen", "Close"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
        Binding("g", "scroll('top')", "Top", show=False),
        Binding("G", "scroll('bottom')", "Bottom", show=False),
    ]

    COMPONENT_CLASSES = {"model-screen--loss", "model-screen--val", "model-screen--bar", "model-screen--threshold"}

    DEFAULT_CSS = """
    ModelScreen > .model-screen--loss { color: $primary; }
    ModelScreen > .model-screen--val { color: $warning; }
    ModelScreen > .model-screen--bar { color: $primary; }
    ModelScreen > .model-screen--threshold { color: $error; text-style: bold; }
    """

    def __init__(self, model: ModelInfo, threshold: float, now: float) -> None:
        """Args:
            model: the loaded model.
            threshold: the threshold in use now (may differ from the model's own).
            now: the current time (seconds since the epoch), for the model's age.
        """
        super().__init__()
        self.model = model
        self.threshold = threshold
        self.now = now

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="model-body"):
            yield Static(self._title(), id="model-title")
            if self.model.meta is None:
                yield Static(Text(
                    f"No model yet: entries are scored with the robust z-score baseline "
                    f"(threshold {number(self.threshold)}).\nPress r to train one from the "
                    "entries in memory."
                ))
            else:
                yield Static(Text("Training loss per epoch", style="bold"))
                yield ChartView(self._loss, id="loss-chart")
                yield Static(Text("Validation errors (bar height: square root of the count) and the threshold", style="bold"))
                yield ChartView(self._histogram, id="histogram-chart")
                yield Static(self._metadata(), id="metadata")
        yield Footer()

    def action_scroll(self, where: str) -> None:
        """One line "down" or "up", or to the "top" or "bottom"."""
        body = self.query_one("#model-body", VerticalScroll)
        moves = {"down": body.scroll_down, "up": body.scroll_up, "top": body.scroll_home, "bottom": body.scroll_end}
        moves[where](animate=False)

    def _title(self) -> Text:
        model = self.model
        text = Text("Model ", style="bold")
        text.append_text(literal(model.name, style="bold"))
        text.append(f"  backend {model.backend}")
        if model.created is not None:
            created = datetime.fromtimestamp(model.created, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            text.append(f"  created {created} ({age_words(self.now - model.created)} ago)")
        return text

    def _loss(self, width: int, height: int) -> Text:
        history = (self.model.meta or {}).get("history") or {}
        loss = [float(v) for v in history.get("loss") or [] if isinstance(v, (int, float))]
        val = [float(v) for v in history.get("val_loss") or [] if isinstance(v, (int, float))]
        series = [("loss", loss, "•", self.get_component_rich_style("model-screen--loss"))]
        if val:
            series.append(("val_loss", val, "×", self.get_component_rich_style("model-screen--val")))
        return line_chart([s for s in series if s[1]], width, height, "epoch")

    def _histogram(self, width: int, height: int) -> Text:
        hist = (self.model.meta or {}).get("error_histogram") or {}
        return histogram_chart(
            hist.get("edges") or [], hist.get("counts") or [], self.model.threshold, width, height,
            self.get_component_rich_style("model-screen--bar"),
            self.get_component_rich_style("model-screen--threshold"),
        )

    def _metadata(self) -> Table:
        meta = self.model.meta or {}
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        how = meta.get("threshold") if isinstance(meta.get("threshold"), dict) else {}
        rows = [
            ("path", self.model.path or ""),
            ("components", ", ".join(str(c) for c in meta.get("components") or [])),
            ("window", f"{meta.get('window')} steps of {meta.get('step_seconds')} s"),
            ("threshold", f"{number(self.model.threshold)} by {how.get('method', '?')}, target false-alarm rate "
                          f"{how.get('target_false_alarm_rate', '?')}; in use now {number(self.threshold)}"),
        ]
        per_day = how.get("alarms_per_day")
        if isinstance(per_day, (int, float)):
            rows.append(("budget", f"{per_day:.3g} false alarms a day per server (steps flagged in normal data)"))
        data = meta.get("training_data") if isinstance(meta.get("training_data"), dict) else {}
        if data:
            rows.append(("trained on", _trained_on(data)))
            rows.append(("fingerprint", str(data.get("fingerprint", ""))[:23]))
        metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
        for key, value in metrics.items():
            if isinstance(value, int) and not isinstance(value, bool):
                shown = f"{value:,}"
            elif isinstance(value, float):
                shown = number(value)
            else:
                shown = json.dumps(value)
            rows.append((str(key), shown))
        for key, value in rows:
            table.add_row(literal(key), literal(value))
        return table


def _trained_on(data: dict) -> str:
    """"20,000 entries from the monitor's memory" (older bundles name the temporary file
    the memory was written to: that file is gone)."""
    entries, source = data.get("entries"), str(data.get("source", "?"))
    if Path(source).name.startswith(HISTORY_PREFIX):
        source = MEMORY_SOURCE
    count = f"{entries:,}" if isinstance(entries, int) else "?"
    return f"{count} entries from {source}"
