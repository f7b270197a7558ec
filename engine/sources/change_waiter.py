"""Sleep until a followed file may have changed: watchfiles notifications on its folder
(or the folders of many files, with one watch), or plain polling.

The folder is watched, not the file, so renames, deletions and re-creations wake us too.
After a notification, `changed` names the paths it was about.
Notifications also time out every `recheck_seconds`, so a change that was never announced
(a writer using another hard link, a remote writer) is still found; when that happens
twice the caller switches to polling for good. A folder on a network file system is
polled from the start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from logwatch.engine.sources.fs_kind import network_fs_type

if TYPE_CHECKING:
    from watchfiles._rust_notify import RustNotify

NOTIFY_STEP_MS = 10
"""watchfiles gathers changes for this long after the first one before waking us."""
NOTIFY_DEBOUNCE_MS = 40
"""Upper bound on that gathering while changes keep coming (bounds the latency)."""
MISSED_BEFORE_POLLING = 2
"""Unannounced changes tolerated before notifications are deemed not to work here."""


class ChangeWaiter:
    """Blocks in `wait()` until a change is announced, a timeout passes, or stop is set.

    The watch starts in `start()`, before the caller reads the file, so a change landing
    between that read and `wait()` is not lost: it wakes the next `wait()` at once. One
    watch (one watchfiles backend, one thread) covers every folder given; each folder is
    one inotify watch, however many files it holds.
    """

    def __init__(
        self,
        directory: str | Sequence[str],
        stop: threading.Event,
        *,
        poll: bool = False,
        poll_seconds: float = 0.1,
        recheck_seconds: float = 1.0,
        on_fallback: Callable[[str], None] | None = None,
    ) -> None:
        """`directory`: the folder to watch, or several. `on_fallback(why)` is called when
        notifications are given up for polling."""
        self.directories = [directory] if isinstance(directory, str) else list(directory)
        self.directory = ", ".join(self.directories)
        """The folders in words, for messages."""
        self._on_fallback = on_fallback
        self.poll_seconds = poll_seconds
        self.recheck_seconds = recheck_seconds
        self.polling = poll
        """True once waiting is plain polling (asked for, or notifications failed)."""
        self.why_polling = "polling was asked for" if poll else ""
        self._stop = stop
        self._notify: RustNotify | None = None
        self._missed = 0
        self.changed: frozenset[str] | None = None
        """After `wait()` returned "changed": the paths the notification named (absolute,
        as folder + name); None after any other wake (anything may have changed)."""

    def start(self) -> None:
        """Begin watching the folder (if it exists and notifications are wanted)."""
        if self.polling or self._notify is not None:
            return
        if not all(os.path.isdir(folder) for folder in self.directories):
            return  # polled until every folder exists
        for folder in self.directories:
            remote = network_fs_type(folder)
            if remote is not None:
                self._fall_back(f"{folder} is on a network file system ({remote})")
                return
        # watchfiles' documented Rust backend: unlike `watchfiles.watch`, it starts
        # watching when created, not at the first wait.
        try:
            from watchfiles._rust_notify import RustNotify

            self._notify = RustNotify(self.directories, False, False, 300, False, False)
        except (ImportError, TypeError) as error:  # a watchfiles release changed its backend
            self._fall_back(f"file notifications are unavailable in this watchfiles ({error})")
        except (OSError, RuntimeError) as error:
            self._fall_back(f"file notifications are unavailable ({error})")

    def wait(self) -> str:
        """Sleep until something may have changed. Returns why we woke: "changed" (a
        notification), "timeout" (notifications on, none came: an unannounced change
        found now is a missed one), or "polled"."""
        self.changed = None
        if self._stop.is_set():
            return "polled"
        if self._notify is None:
            self.start()
            if self._notify is not None:
                return "polled"  # watching only now: the caller looks once more first
            self._stop.wait(self.poll_seconds)
            return "polled"
        timeout_ms = max(1, int(self.recheck_seconds * 1000))
        try:
            changes = self._notify.watch(
                NOTIFY_DEBOUNCE_MS, NOTIFY_STEP_MS, timeout_ms, self._stop
            )
        except (OSError, RuntimeError) as error:  # the watch broke (folder removed...)
            self._fall_back(f"file notifications failed ({error})")
            return "polled"
        if isinstance(changes, set):
            self.changed = frozenset(path for _, path in changes)
            return "changed"
        return "timeout" if changes == "timeout" else "polled"

    def missed(self) -> None:
        """The caller found a change that no notification announced."""
        if self.polling:
            return
        self._missed += 1
        if self._missed >= MISSED_BEFORE_POLLING:
            self._fall_back("file change notifications are not arriving")

    def announced(self) -> None:
        """The caller found a change right after a notification: they do work here."""
        self._missed = 0

    def watch(self, directories: Sequence[str]) -> bool:
        """Watch these folders from now on. True when that took a new watch: changes made
        while it started may not be announced, so the caller looks at everything once."""
        if list(directories) == self.directories:
            return False
        self.close()
        self.directories = list(directories)
        self.directory = ", ".join(self.directories)
        self.start()
        return True

    def close(self) -> None:
        if self._notify is not None:
            self._notify.close()
            self._notify = None

    def _fall_back(self, why: str) -> None:
        self.close()
        self.polling = True
        self.why_polling = why
        if self._on_fallback is not None:
            self._on_fallback(why)
