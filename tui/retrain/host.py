"""What retraining needs from the app, as a typed protocol (the app satisfies it; nothing
here imports the app, so the two do not import each other)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.message import Message
    from textual.screen import Screen
    from textual.worker import Worker

    from logwatch.engine.monitor.state import MonitorState
    from logwatch.engine.score import Scorer
    from logwatch.tui.ingest import Ingest
    from logwatch.tui.options import MonitorOptions
    from logwatch.tui.screens.main import MainScreen


class RetrainHost(Protocol):
    state: MonitorState
    options: MonitorOptions
    model_dir: Path
    clock: Callable[[], float]
    scorer: Scorer
    ingest: Ingest
    main: MainScreen

    def notify(self, message: str, *, title: str = ..., severity: Any = ..., timeout: float | None = ...,
               markup: bool = ...) -> None: ...
    def push_screen(self, screen: Screen, callback: Any = ...) -> Any: ...
    def run_worker(self, work: Any, *, thread: bool = ..., name: str = ..., group: str = ...,
                   exit_on_error: bool = ...) -> Worker: ...
    def post_message(self, message: Message) -> bool: ...
