"""The anomaly feed as a table: newest incident first, keys j/k/g/G, Enter for details."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from logwatch.engine.detect.base import format_numbers
from logwatch.engine.monitor.feed import Incident
from logwatch.tui.literal import literal
from logwatch.tui.widgets.spark_text import WidthChanged, number, times

WIDE: tuple[tuple[str, str, int], ...] = (
    ("time", "time", 8),
    ("server", "server", 12),
    ("component", "comp", 9),
    ("value", "value", 7),
    ("score", "score", 7),
    ("ratio", "×thr", 5),
    ("count", "n", 4),
)
"""(key, header, width) of the fixed columns; the reason takes what is left of the width."""

NARROW: tuple[tuple[str, str, int], ...] = (
    ("time", "time", 8),
    ("server", "server", 8),
    ("component", "comp", 6),
    ("value", "value", 5),
    ("ratio", "×thr", 5),
    ("count", "n", 3),
)
"""Below NARROW_BELOW columns: no raw score (×thr says it relative to the threshold; the
details show it), tighter names, so the reason keeps about 30 characters at 80 columns."""

NARROW_BELOW = 100
DATED_TIME_WIDTH = 12
"""The time column's width while a row shows its date ("Dec 04 14:05")."""
MIN_REASON_WIDTH = 12


DAY_US = 86_400_000_000


def clock(us: int, today: int | None = None) -> str:
    """HH:MM:SS of a log timestamp in microseconds (naive UTC), or its date and time
    ("Dec 04 14:05") when it is on another day than `today` (a log-time day number)."""
    moment = datetime.fromtimestamp(us / 1e6, tz=timezone.utc)
    return moment.strftime("%H:%M:%S" if today is None or us // DAY_US == today else "%b %d %H:%M")


class FeedTable(DataTable):
    """Rows are incidents keyed by their id; the cursor follows the newest row while it is
    on the first one, and stays on its incident otherwise."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
    ]

    DEFAULT_CSS = """
    FeedTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_cursor=True)
        self._reason_width = 0
        self._columns = WIDE
        self._shown: list[tuple] = []
        self._dated = False
        """Some row is on another day than the newest: the time column is wider."""

    def on_mount(self) -> None:
        self._make_columns()

    def on_resize(self) -> None:
        if (self._layout(), self._reason_width) != (self._columns, self._wanted_reason_width()):
            self._make_columns()
            self._shown = []
            self.post_message(WidthChanged())  # the screen draws the rows again for this layout

    def show(self, rows: list[tuple]) -> None:
        """Replace the rows with `rows` (from `incident_rows`), keeping the cursor sensible."""
        if rows == self._shown:
            return
        dated = any(len(row[1].plain) > 8 for row in rows)
        if dated != self._dated:
            self._dated = dated
            self._make_columns()
        keep = None
        if self.row_count and self.cursor_row > 0:
            keep = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        self.clear()
        for row in rows:
            self.add_row(*row[1:], key=row[0])
        self._shown = rows
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        else:
            self.move_cursor(row=0, animate=False)

    def incident_rows(self, incidents: list[Incident], factor: float, today: int | None = None) -> list[tuple]:
        """Rows for `show`; the values are written as the reasons write them (one call)."""
        values = format_numbers([incident.value for incident in incidents])
        return [self.incident_row(i, value, factor, today) for i, value in zip(incidents, values)]

    def incident_row(self, incident: Incident, value: str, factor: float, today: int | None = None) -> tuple:
        """Cells for one incident in the current layout: log text literally, numbers
        right-aligned (`value` already written); its time, or its date when not on the log
        day `today`."""
        ratio = incident.relative / factor if factor > 0 else float("nan")
        cells = {
            "time": Text(clock(incident.last, today)),
            "server": literal(incident.server),
            "component": literal(incident.component),
            "value": Text(value, justify="right"),
            "score": Text(number(incident.score), justify="right"),
            "ratio": Text(times(ratio), justify="right"),
            "count": Text(f"{incident.count}", justify="right"),
        }
        reason = literal(incident.reason or f"{incident.component} {value}")
        row = [cells[key] for key, _, _ in self._columns] + [reason]
        if incident.acknowledged:  # seen: kept, but it no longer asks for attention
            for cell in row:
                cell.stylize("dim")
        return (str(incident.id), *row)

    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        return int(self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value)

    def _layout(self) -> tuple[tuple[str, str, int], ...]:
        layout = NARROW if self.size.width < NARROW_BELOW else WIDE
        if self._dated:
            layout = tuple((key, header, DATED_TIME_WIDTH if key == "time" else width) for key, header, width in layout)
        return layout

    def _wanted_reason_width(self) -> int:
        used = sum(width + 2 * self.cell_padding for _, _, width in self._layout())
        return max(MIN_REASON_WIDTH, self.size.width - used - 2 * self.cell_padding - 1)

    def _make_columns(self) -> None:
        self.clear(columns=True)
        self._columns = self._layout()
        for key, header, width in self._columns:
            self.add_column(header, width=width, key=key)
        self._reason_width = self._wanted_reason_width()
        self.add_column("reason", width=self._reason_width, key="reason")
