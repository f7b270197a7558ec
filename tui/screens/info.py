"""`i`: what came in since start, per source, so a user can check nothing was lost; when
several files are followed, each file with its state and counts (a long list scrolls)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from logwatch.engine.monitor.counts import Counts
from logwatch.engine.sources.member import FileReport
from logwatch.tui.literal import literal

COLUMNS = (
    ("read", "lines taken in: entries and bad lines"),
    ("scored", "entries with a score"),
    ("not scored", "warming up, or too late for their time step"),
    ("bad", "lines that could not be parsed"),
    ("flagged", "over the threshold in use when they arrived"),
)
STATES = "following: read as it grows; rotated: renamed away, being finished or waiting for a new file; " \
    "gone: deleted, likewise; gone (closed): deleted, read to its end and closed after a minute; " \
    "unreadable: retrying; waiting: not there yet"
"""What a file's state means, under the list of files."""


class InfoScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,i", "dismiss(None)", "Close"), Binding("q", "app.quit", "Quit", show=False)]
    DEFAULT_CSS = """
    InfoScreen #info-files { height: auto; max-height: 20; }
    """

    def __init__(self, sources: list[tuple[str, Counts]], since: str, *,
                 files: Sequence[FileReport] | None = None) -> None:
        """`files`: each followed file's state and counts, when several are followed."""
        super().__init__()
        self.sources = sources
        self.since = since
        self.files = files

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2, 0, 0))
        table.add_column("source")
        for name, _ in COLUMNS:
            table.add_column(name, justify="right")
        for source, counts in self.sources:
            values = (counts.read, counts.scored, counts.unscored, counts.bad, counts.flagged)
            table.add_row(literal(source), *(f"{v:,}" for v in values))
        notes = Text("\n".join(f"{name}: {meaning}" for name, meaning in COLUMNS), style="dim")
        with Vertical(classes="dialog", id="info"):
            yield Label(f"Counts since {self.since} (Escape closes)", markup=False)
            yield Static(table)
            if self.files is not None:
                with VerticalScroll(id="info-files"):
                    yield Static(_files_table(self.files))
                yield Static(Text(STATES, style="dim"))
            yield Static(notes)


def _files_table(files: Sequence[FileReport]) -> Table:
    """The files by name within their common folder (named once, above them)."""
    folder = _common_folder([f.path for f in files])
    title = literal(f"{len(files):,} files" + (f" in {folder}" if folder else ""))
    table = Table(box=None, padding=(0, 2, 0, 0), title=title, title_justify="left")
    table.add_column("file", overflow="ellipsis", no_wrap=True)
    table.add_column("state")
    table.add_column("read", justify="right")
    table.add_column("bad", justify="right")
    for file in files:
        name = os.path.relpath(file.path, folder) if folder else file.path
        table.add_row(literal(name), Text(file.state), f"{file.lines:,}", f"{file.bad:,}")
    return table


def _common_folder(paths: list[str]) -> str:
    try:
        return os.path.commonpath([os.path.dirname(p) for p in paths]) if paths else ""
    except ValueError:  # relative and absolute paths mixed
        return ""
