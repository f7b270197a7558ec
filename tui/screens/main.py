"""The everyday screen: status line, the selected server's sparklines, the anomaly feed.

It owns no data: `repaint()` draws from the app's `MonitorState`, called by the app's timer
a few times a second (and at once after a user action).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from logwatch.engine.monitor.feed_query import FeedQuery, QueryError, parse_query
from logwatch.tui.host import host
from logwatch.tui.keys import bindings
from logwatch.tui.literal import literal
from logwatch.engine.monitor.series import StableScale, aligned_end, bucket, newest_timeline, nice_ceiling, step_seconds
from logwatch.engine.monitor.state import MonitorState
from logwatch.tui.widgets.feed_table import DAY_US, FeedTable
from logwatch.tui.widgets.metric_spark import MetricSpark
from logwatch.tui.widgets.score_spark import ScoreSpark
from logwatch.tui.widgets.server_bar import ServerBar
from logwatch.tui.widgets.status_line import StatusLine

ZOOMS: tuple[float | None, ...] = (None, 60.0, 300.0, 900.0, 3600.0)
"""Log time per sparkline column: None is the log's own step, then 1 min ... 1 h."""
FEED_ROWS = 100
"""Incidents put in the table (the feed keeps more; the filter searches them all)."""


def span_words(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


class MainScreen(Screen):
    BINDINGS = bindings()

    def __init__(self, *, zoom: float | None = None) -> None:
        super().__init__()
        self.server: str | None = None
        self.zoom_index = ZOOMS.index(zoom) if zoom in ZOOMS else 0
        self.feed_query = FeedQuery("")
        """The `/` filter in force (the last one typed that parsed)."""
        self.query_error: str | None = None
        """Why the text in the filter field is not a query, while it is not."""
        self._scales: dict[tuple[str, str], StableScale] = {}
        self._score_top: dict[str, float] = {}
        self._painted = -1

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        yield ServerBar(id="server-bar")
        with Vertical(id="sparks"):
            yield ScoreSpark(id="score")
        yield Input(placeholder="filter: server:web-1 component:cpu score>5 thr>2 kind:drift text (Escape clears)", id="filter")
        yield FeedTable(id="feed")
        yield Static("", id="activity", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one(FeedTable).focus()

    @property
    def state(self) -> MonitorState:
        return host(self).state

    # drawing -------------------------------------------------------------------------

    def repaint(self, force: bool = False) -> None:
        """Draw from the state; skipped while paused or when nothing changed."""
        state = self.state
        try:
            status_line = self.query_one(StatusLine)
        except NoMatches:  # not composed yet, or being torn down at exit
            return
        status_line.status = host(self).status()
        self._show_activity(self.query_error or host(self).activity())
        if (state.paused and not force) or (state.version == self._painted and not force):
            return
        self._painted = state.version
        servers = state.history.servers.names
        if self.server is None and servers:
            self.server = servers[0]
        self._draw_sparks()
        self._draw_feed()

    def _show_activity(self, text: str) -> None:
        line = self.query_one("#activity", Static)
        if str(line.render()) != text:
            line.update(literal(text))
        line.display = bool(text)

    def _draw_sparks(self) -> None:
        state, history = self.state, self.state.history
        bar = self.query_one(ServerBar)
        score = self.query_one(ScoreSpark)
        score.factor = state.factor
        score.unit = state.model.threshold
        if self.server is None:
            return
        servers = history.servers.names
        bar.server = self.server
        bar.index = (servers.index(self.server) + 1, len(servers))
        positions = history.of_server(self.server)
        span = self._span_seconds(positions)
        bar.span = span_words(span)
        if positions.size == 0:
            return
        span_us = max(int(span * 1e6), 1)
        positions = positions[newest_timeline(history.timestamp[positions], span_us) :]
        newest = int(history.timestamp[positions[-1]])
        bar.newest = datetime.fromtimestamp(newest / 1e6, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        end = aligned_end(newest, span_us)
        components = history.component[positions]
        for code, name in enumerate(history.components.names):
            spark = self._spark_for(name)
            picked = positions[components == code]
            columns = bucket(history, picked, end_us=end, span_us=span_us, columns=spark.bar_columns(), factor=state.factor)
            spark.scale = self._scales.setdefault((self.server, name), StableScale()).fit(columns.low, columns.high)
            spark.columns = columns
        columns = bucket(history, positions, end_us=end, span_us=span_us, columns=score.bar_columns(), factor=state.factor, score=True)
        score.top = self._steady_top(columns.high, state.factor)
        score.columns = columns

    def _steady_top(self, high: float, factor: float) -> float:
        """Top of the score scale: at least twice the threshold, widened at once, narrowed
        only when the scores fall well below it."""
        assert self.server is not None
        wanted = max(2 * factor, high if math.isfinite(high) else 0.0)
        top = self._score_top.get(self.server, 0.0)
        if wanted > top or wanted < top / 3 or top < 2 * factor:
            top = nice_ceiling(wanted * 1.1)
            self._score_top[self.server] = top
        return top

    def _spark_for(self, component: str) -> MetricSpark:
        for spark in self.query(MetricSpark):
            if spark.component == component:
                return spark
        spark = MetricSpark(component)
        self.query_one("#sparks").mount(spark, before=self.query_one(ScoreSpark))
        self._painted = -1  # its width is known only after layout: draw again next time
        return spark

    def _span_seconds(self, positions) -> float:
        zoom = ZOOMS[self.zoom_index]
        if zoom is not None:
            return zoom
        return step_seconds(self.state.history, positions) or 1.0

    def _draw_feed(self) -> None:
        state = self.state
        table = self.query_one(FeedTable)
        incidents = state.incidents(self.feed_query, FEED_ROWS)
        # The most recently flagged incident's log day: incidents of other days (a replay,
        # a long run) show their date instead of a time that would read as today's.
        today = incidents[0].last // DAY_US if incidents else None
        table.show(table.incident_rows(incidents, state.factor, today))

    # actions that stay on this screen ------------------------------------------------------

    def action_next_server(self, step: int = 1) -> None:
        servers = self.state.history.servers.names
        if not servers:
            return
        index = servers.index(self.server) if self.server in servers else 0
        self.select_server(servers[(index + step) % len(servers)])

    def action_previous_server(self) -> None:
        self.action_next_server(-1)

    def select_server(self, server: str | None) -> None:
        if server is None or server not in self.state.history.servers.names:
            return
        self.server = server
        self.repaint(force=True)

    def action_pick_server(self) -> None:
        from logwatch.tui.screens.server_picker import ServerPicker

        self.app.push_screen(ServerPicker(self.state.history.servers.names, self.server), self.select_server)

    def action_zoom(self) -> None:
        self.zoom_index = (self.zoom_index + 1) % len(ZOOMS)
        self.reset_scales()
        self.repaint(force=True)

    def reset_scales(self) -> None:
        """Forget the steady scales: the next repaint fits them to the data shown."""
        self._scales.clear()
        self._score_top.clear()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            try:
                self.feed_query = parse_query(event.value)
                self.query_error = None
            except QueryError as error:
                self.query_error = f"filter: {error}"
            event.input.set_class(self.query_error is not None, "-invalid")
            self.repaint(force=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.input.display = bool(event.value)
            self.query_one(FeedTable).focus()

    def key_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or self.feed_query:
            field.value = ""
            field.display = False
            self.feed_query, self.query_error = FeedQuery(""), None
            self.query_one(FeedTable).focus()
            self._draw_feed()

    def action_details(self) -> None:
        incident_id = self.query_one(FeedTable).selected_id()
        if incident_id is not None:
            host(self).show_details(incident_id)

    def action_next_match(self, step: int = 1) -> None:
        """n / N: the next / previous incident the filter keeps (wrapping), as in lnav."""
        table = self.query_one(FeedTable)
        if not table.row_count:
            self.app.notify("no incident matches", title="Search", markup=False)
            return
        row = (table.cursor_row + step) % table.row_count
        table.move_cursor(row=row, animate=False)
        what = f"match {row + 1} of {table.row_count}" if self.feed_query else f"incident {row + 1} of {table.row_count}"
        self.app.notify(what, title="Search", timeout=1.5, markup=False)

    def action_previous_match(self) -> None:
        self.action_next_match(-1)

    def action_acknowledge(self) -> None:
        incident_id = self.query_one(FeedTable).selected_id()
        if incident_id is not None:
            self.state.acknowledge(incident_id)
            self.repaint(force=True)

    def action_mute(self) -> None:
        incident_id = self.query_one(FeedTable).selected_id()
        incident = None if incident_id is None else self.state.feed.get(incident_id)
        if incident is not None:
            host(self).ask_mute(incident.server, incident.component)

    def action_mutes(self) -> None:
        host(self).show_mutes()

    def action_info(self) -> None:
        host(self).show_info()

    def action_export_feed(self) -> None:
        host(self).ask_export_feed(self.feed_query)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def on_resize(self) -> None:
        self.call_after_refresh(self.repaint, True)

    def on_width_changed(self) -> None:
        """A sparkline or the feed changed width (first layout, scrollbar, terminal): redraw."""
        self.call_after_refresh(self.repaint, True)

    # app-wide actions, bound here so that the app's dialogs do not see them ---------------

    def action_help(self) -> None:
        host(self).action_help()

    def action_threshold_up(self) -> None:
        host(self).change_threshold(up=True)

    def action_threshold_down(self) -> None:
        host(self).change_threshold(up=False)

    def action_set_threshold(self) -> None:
        host(self).ask_threshold()

    def action_reset_threshold(self) -> None:
        host(self).reset_threshold()

    def action_recalibrate(self) -> None:
        host(self).recalibrate()

    def action_retrain(self) -> None:
        host(self).ask_retrain()

    def action_model(self) -> None:
        host(self).show_model()

    def action_pause(self) -> None:
        host(self).toggle_pause()
