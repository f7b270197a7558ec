"""Muted servers and server/components: their incidents are kept out of the feed (and of
notifications) until the mute ends.

Timed mutes survive a restart: they are kept in a small JSON file (`state_file`) written
atomically (a temporary file renamed over the old one), so a crash leaves the old file or
the new one, never half of one. A mute "until restart" lives in memory only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from logwatch.engine.export.tempfiles import make_temp

STATE_FILE = "monitor-state.json"
FORMAT_VERSION = 1


def state_file(model_dir: Path) -> Path:
    """Where the monitor keeps its state: next to the models folder that holds
    `model_dir` (the default model `.../logwatch/models/current` gives
    `.../logwatch/monitor-state.json`)."""
    return model_dir.expanduser().absolute().parent.parent / STATE_FILE


@dataclass(frozen=True, slots=True)
class Mute:
    server: str
    component: str | None
    """None: every component of the server."""
    until: float | None
    """Wall-clock seconds since the epoch when it ends; None: until the monitor stops."""

    def covers(self, server: str, component: str) -> bool:
        return server == self.server and (self.component is None or component == self.component)

    def what(self) -> str:
        return self.server if self.component is None else f"{self.server}/{self.component}"


class Mutes:
    """The mutes in force; `problem` says (in one line) why the saved ones could not be
    read or written, and is None when all is well."""

    def __init__(self, path: Path | None, clock: Callable[[], float]) -> None:
        self.path = path
        self.clock = clock
        self.problem: str | None = None
        self._mutes: list[Mute] = self._load()

    def active(self) -> list[Mute]:
        """Mutes still in force, soonest to end first (those until restart last)."""
        now = self.clock()
        live = [m for m in self._mutes if m.until is None or m.until > now]
        if len(live) != len(self._mutes):
            self._mutes = live
        return sorted(live, key=lambda m: (m.until is None, m.until or 0.0, m.what()))

    def is_muted(self, server: str, component: str) -> bool:
        return any(m.covers(server, component) for m in self.active())

    def add(self, server: str, component: str | None, seconds: float | None) -> Mute:
        """Mute `server` (or one of its components) for `seconds` (None: until restart);
        replaces a mute of the same target."""
        mute = Mute(server, component, None if seconds is None else self.clock() + seconds)
        self._mutes = [m for m in self._mutes if (m.server, m.component) != (server, component)] + [mute]
        self._save()
        return mute

    def lift(self, mute: Mute) -> None:
        self._mutes = [m for m in self._mutes if m != mute]
        self._save()

    def _load(self) -> list[Mute]:
        if self.path is None or not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            saved = data["mutes"]
            mutes = [Mute(str(m["server"]), None if m["component"] is None else str(m["component"]),
                          float(m["until"])) for m in saved]
        except (OSError, ValueError, KeyError, TypeError) as error:
            self.problem = f"{self.path}: saved mutes not read ({error.__class__.__name__}: {error}); starting without them"
            return []
        now = self.clock()
        return [m for m in mutes if m.until is not None and m.until > now]

    def _save(self) -> None:
        if self.path is None:
            return
        timed = [{"server": m.server, "component": m.component, "until": m.until}
                 for m in self.active() if m.until is not None]
        text = json.dumps({"format_version": FORMAT_VERSION, "mutes": timed}, indent=1)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = make_temp(self.path)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temp, self.path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        except OSError as error:
            self.problem = f"{self.path}: mutes not saved ({error.strerror or error})"
        else:
            self.problem = None
