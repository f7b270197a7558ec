"""What `a` proposes, side by side with the current threshold, before anything changes."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from logwatch.engine.monitor.state import Recalibration
from logwatch.tui.widgets.spark_text import number


def _flags(count: int, steps: int) -> str:
    share = 100 * count / steps if steps else 0.0
    return f"{count:,} ({share:.1f} %)"


class RecalibrateScreen(ModalScreen[float | None]):
    """Returns the proposed threshold (Enter), or None (Escape)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Keep"),
        Binding("enter", "apply", "Apply"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, proposal: Recalibration, current: float, model_threshold: float) -> None:
        super().__init__()
        self.proposal = proposal
        self.current = current
        self.model_threshold = model_threshold

    def compose(self) -> ComposeResult:
        p = self.proposal
        table = Table(box=None, pad_edge=False, show_edge=False)
        table.add_column("threshold")
        table.add_column("value", justify="right")
        table.add_column("steps it flags", justify="right")
        rows = [("now", self.current, p.flagged_now), ("recalibrated", p.value, p.flagged_new),
                ("the model's own", self.model_threshold, p.flagged_model)]
        if p.normal_flagged is None:
            for name, value, flagged in rows:
                table.add_row(name, number(value), _flags(flagged, p.steps))
        else:  # the source carries labels (the demo): show the false alarms among them
            table.add_column("labeled normal", justify="right")
            for (name, value, flagged), normal in zip(rows, p.normal_flagged):
                table.add_row(name, number(value), _flags(flagged, p.steps), _flags(normal, p.steps))
        rate = p.how.get("target_false_alarm_rate")
        with Vertical(classes="dialog"):
            yield Label("Recalibrate the threshold", classes="title")
            yield Label(
                f"From the newest {p.steps:,} time steps in memory, for a false-alarm budget of {rate:g} "
                f"per step; the {p.left_out:,} steps the current threshold flags are left out.",
                markup=False,
            )
            yield Static(table)
            yield Label("Enter applies the recalibrated threshold, Escape keeps the current one.", markup=False)

    def action_apply(self) -> None:
        self.dismiss(self.proposal.value)
