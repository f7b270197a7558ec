"""The top line: where entries come from, how fast, which model judges them, and how often
it flags."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch.tui.literal import literal
from logwatch.tui.widgets.spark_text import number

MIN_SOURCE_WIDTH = 10
"""The source (a file path) is shortened to fit, but keeps at least this much."""


def fit_source(source: str, room: int) -> str:
    """`source` in at most `room` cells: "tail /var/log/app/server_logs.txt" loses folders
    from the left ("tail …/app/server_logs.txt", "…/app/server_logs.txt", then
    "…/server_logs.txt"); the file name is cut only when it does not fit alone."""
    if len(source) <= room:
        return source
    verb, _, path = source.partition(" ")
    if "/" not in path:
        verb, path = "", source
    else:
        verb += " "
    folders = path.split("/")
    for keep in range(len(folders) - 1, 0, -1):
        for lead in (verb, ""):
            shortened = lead + "…/" + "/".join(folders[-keep:])
            if len(shortened) <= room:
                return shortened
    return "…" + source[-room + 1:]


def _least_width(source: str) -> int:
    """Cells the source needs to keep its file name whole ("…/server_logs.txt")."""
    name = source.rpartition("/")[2]
    return max(MIN_SOURCE_WIDTH, min(len(source), len(name) + 2 if "/" in source else 0))


def _share(share: float) -> str:
    """The flagged share, or "-" while nothing in its window has a score (warm-up)."""
    return "-" if math.isnan(share) else f"{share:.1%}"


@dataclass(frozen=True, slots=True)
class Status:
    """Everything the status line shows; built by the app a few times a second."""

    source: str
    rate: float | None
    """Entries per second over the last few seconds (None before there is a rate)."""
    bad_lines: int
    model: str
    """`name backend age`, or "z-score (no model)"."""
    threshold: float
    flagged_share: float
    rate_window: str
    """How far back the flagged share looks, in words ("15m" of log time)."""
    paused: bool = False
    muted: int = 0
    """Mutes in force."""


class StatusLine(Widget):
    """One line; the parts are separated by bars and the least important are cut first."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status-line--alert", "status-line--muted"}

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
    }
    StatusLine > .status-line--alert { color: $warning; text-style: bold; }
    StatusLine > .status-line--muted { color: $text-muted; }
    """

    status: reactive[Status | None] = reactive(None)
    """What to show (replaced as a whole)."""

    def render(self) -> Text:
        status = self.status
        if status is None:
            return Text("starting…")
        alert = self.get_component_rich_style("status-line--alert")
        muted = self.get_component_rich_style("status-line--muted")
        bad = Text(f"bad {status.bad_lines:,}", style=alert if status.bad_lines else muted)
        parts: list[Text] = [
            Text("-/s" if status.rate is None else f"{status.rate:,.0f}/s"),
            bad,
            literal(status.model),
            Text(f"thr {number(status.threshold)}"),
            Text(f"{_share(status.flagged_share)} flagged/{status.rate_window}"),
        ]
        if status.muted:
            parts.append(Text(f"muted {status.muted}", style=alert))
        if status.paused:
            parts.insert(0, Text("PAUSED", style=alert))
        separator = Text(" │ ", style=muted)
        # the source gets what the other parts leave; its end (the file name) matters most
        room = self.size.width - sum(p.cell_len for p in parts) - separator.cell_len * len(parts)
        if room < _least_width(status.source) and not status.bad_lines:  # "bad 0" says least: it goes first
            parts.remove(bad)
            room = self.size.width - sum(p.cell_len for p in parts) - separator.cell_len * len(parts)
        room = max(room, MIN_SOURCE_WIDTH)
        parts.insert(1 if status.paused else 0, literal(fit_source(status.source, room)))
        line = separator.join(parts)
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line
