"""Enter on an incident: what drove it and what the values were around it.

Shares of the error: per-entry scores are the square root of each component's squared
reconstruction error (z-scores for the baseline), so a component's share at the peak is its
squared score over the sum for all components of that server at that time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from logwatch.engine.monitor.raw_lines import RawLines
from logwatch.engine.monitor.feed import Incident
from logwatch.engine.monitor.history import History
from logwatch.tui.literal import literal
from logwatch.tui.widgets.spark_text import MARK, number, times

AROUND = 6
"""Entries shown before and after the peak, per component."""


def when(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


class DetailsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    def __init__(
        self, incident: Incident, history: History, factor: float, raw: Callable[[], RawLines] | None = None,
    ) -> None:
        """Args:
            raw: finds the log lines behind the incident (it may read a large file: it runs
                in a thread worker).
        """
        super().__init__()
        self.incident = incident
        self.history = history
        self.factor = factor
        self.raw = raw

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="details-body"):
            yield Static(self._summary(), id="summary")
            yield Static(self._around(), id="around")
            yield Static(Text("\nlog lines: looking…" if self.raw else ""), id="raw")
        yield Footer()

    def on_mount(self) -> None:
        if self.raw is not None:
            self.run_worker(self.raw, thread=True, name="raw-lines", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "raw-lines":
            return
        if event.state == WorkerState.SUCCESS:
            self.query_one("#raw", Static).update(raw_lines_text(event.worker.result))
        elif event.state == WorkerState.ERROR:
            self.query_one("#raw", Static).update(Text(f"\nlog lines: not found ({event.worker.error})"))

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#details-body", VerticalScroll)
        body.scroll_down() if where == "down" else body.scroll_up()

    def _summary(self) -> Text:
        i = self.incident
        text = Text()
        text.append_text(literal(i.server, style="bold"))
        text.append(" / ")
        text.append_text(literal(i.component, style="bold"))
        text.append(f"   {when(i.first)} .. {when(i.last)}   {i.count} flagged entries\n")
        ratio = i.relative / self.factor if self.factor > 0 else float("nan")
        text.append(f"peak: value {number(i.value)}, expected {number(i.expected)}, score {number(i.score)} "
                    f"({times(ratio)}× the threshold)\n")
        text.append("reason: ")
        text.append_text(literal(i.reason or "-"))
        if i.kind:
            text.append("\nlabel in the log: ")
            text.append_text(literal(i.kind))
        return text

    def _around(self) -> Text | Group:
        history, i = self.history, self.incident
        peak = history.position(i.peak_number)
        if peak is None:
            return Text("\nThe entries around this incident are no longer in memory.")
        order = history.order()
        mine = order[history.server[order] == history.server[peak]]
        peak_time = history.timestamp[peak]
        series: dict[int, tuple[np.ndarray, int]] = {}
        for code in np.unique(history.component[mine]).tolist():
            positions = mine[history.component[mine] == code]
            series[code] = (positions, int(np.argmin(np.abs(history.timestamp[positions] - peak_time))))
        names = history.components.names
        parts = [Text(""), self._share_table(series, names), Text(""), self._value_table(series, names, peak)]
        others = sorted(set(np.unique(history.component[order]).tolist()) - set(series))
        if others:  # a server that sends only some components: say what it lacks
            missing = Text("\nnot sent by this server (other servers send them): ")
            missing.append_text(literal(", ".join(names[code] for code in others)))
            parts.append(missing)
        return Group(*parts)

    def _share_table(self, series: dict[int, tuple[np.ndarray, int]], names: list[str]) -> Table:
        history = self.history
        scores = {code: float(history.score[positions[at]]) for code, (positions, at) in series.items()}
        total = sum(s * s for s in scores.values() if np.isfinite(s))
        table = Table(title="Share of the error at the peak", title_justify="left", box=None, padding=(0, 2, 0, 0))
        table.add_column("component")
        table.add_column("share", justify="right")
        table.add_column("", no_wrap=True)
        table.add_column("score", justify="right")
        ranked = sorted(scores.items(), key=lambda kv: -kv[1] if np.isfinite(kv[1]) else 0.0)
        for code, score in ranked:
            share = score * score / total if total > 0 and np.isfinite(score) else 0.0
            table.add_row(literal(names[code]), f"{share:.0%}", "█" * int(round(share * 20)), number(score))
        return table

    def _value_table(self, series: dict[int, tuple[np.ndarray, int]], names: list[str], peak: int) -> Table:
        history = self.history
        table = Table(title="Actual (expected) around the peak", title_justify="left", box=None, padding=(0, 2, 0, 0))
        table.add_column("time")
        codes = sorted(series)
        for code in codes:
            table.add_column(literal(names[code]), justify="right")
        anchor, anchor_at = series[int(history.component[peak])]
        for offset in range(-AROUND, AROUND + 1):
            if not 0 <= anchor_at + offset < anchor.size:
                continue
            time = history.timestamp[anchor[anchor_at + offset]]
            cells: list[Text | str] = [datetime.fromtimestamp(time / 1e6, tz=timezone.utc).strftime("%H:%M:%S")]
            for code in codes:
                positions, at = series[code]
                cells.append(self._cell(int(positions[at + offset]), peak) if 0 <= at + offset < positions.size else "")
            table.add_row(*cells)
        return table

    def _cell(self, at: int, peak: int) -> Text:
        history = self.history
        cell = Text(f"{number(history.value[at])} ({number(history.expected[at])})")
        if bool(history.flagged(np.array([at]), self.factor)[0]):
            cell.append(f" {MARK}", style="bold red")
        if at == peak:
            cell.stylize("bold")
        return cell


def raw_lines_text(raw: RawLines) -> Text:
    """The lines as written (literally: log text is never markup), the peak's in bold."""
    text = Text("\nlog lines in ")
    text.append_text(literal(raw.where, style="bold"))
    if not raw.lines:
        text.append(f": {raw.note or 'none found'}")
        return text
    width = len(str(raw.lines[-1].number))
    for line in raw.lines:
        text.append(f"\n{line.number:>{width}} {'>' if line.peak else ' '} ", style="dim")
        text.append_text(literal(line.text, style="bold" if line.peak else ""))
    return text
