"""A fleet of log files written while they are followed as one folder: the writer appends
to every file in random pieces (lines cut mid-way), mixes in bad lines, rotates each file
once the way logrotate and servers do, and adds a new file midway. It records every valid
entry (its value is its unique id) and every bad line by `name:line`, so a test can check
that the follower scored each valid line exactly once and counted each bad line.

The rotations, one per file, take turns:
- rename: `web-01.log` -> `web-01.log.1`, a new `web-01.log`;
- rename_ext: `web-02.log` -> `web-02.1.log` (logrotate's `extension`): a name that looks
  like a log, which must not be read again as a new file;
- copytruncate: copied to `web-03.log-20250105`, then emptied in place;
- copytruncate_ext: copied to `web-04-20250105.log` (looks like a log too), then emptied;
- delete: removed and created again.
Each file was read at the start (the test waits for that), and each generation after a
rotation is rotated no more, so no line is lost to a rotation no tailer could follow.

(tests/sources/test_fleet_follow.py runs it headless, tests/tui/test_tui_fleet.py in the
monitor.)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROTATIONS = ("rename", "rename_ext", "copytruncate", "copytruncate_ext", "delete")
START = datetime(2025, 1, 5)
COMPONENTS = ("CPU", "Memory", "Disk")


@dataclass
class Written:
    valid: list[int] = field(default_factory=list)
    """Ids (the `value`) of the valid entries, in writing order."""
    bad: set[tuple[str, int]] = field(default_factory=set)
    """(file name, line number in its file) of each bad line."""
    bad_lines: int = 0
    rotations: Counter = field(default_factory=Counter)
    new_file: str = ""

    @property
    def lines(self) -> int:
        return len(self.valid) + self.bad_lines


class FleetWriter:
    """Writes `files` logs `web-01.log`... into `folder`; see the module docstring."""

    def __init__(self, folder: Path, files: int = 20, *, seed: int = 0, bad_share: float = 0.02) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.bad_share = bad_share
        self.names = [f"web-{i:02d}.log" for i in range(1, files + 1)]
        self.written = Written()
        self._fds: dict[str, int] = {}
        self._line: dict[str, int] = {}  # lines in the current generation of each file
        self._seq = 0

    def create(self, lines_each: int = 50) -> None:
        """The files as they are before following starts."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in self.names:
            self._open(name)
            self._append(name, lines_each)

    def run(self, seconds: float = 2.0, rate: float = 4_000.0) -> Written:
        """Append at about `rate` lines a second for `seconds`, rotating each file once
        (spread over the run) and adding one new file halfway."""
        rotate_at = {name: (i + 0.5) / len(self.names) * seconds for i, name in enumerate(self.names)}
        new_name, added = f"web-{len(self.names) + 1:02d}.log", False
        started, written = time.monotonic(), 0
        while (elapsed := time.monotonic() - started) < seconds:
            due = int(elapsed * rate) - written
            for _ in range(max(0, min(due, 2_000)) // 10):
                self._append(self.rng.choice(list(self._fds)), 10)
                written += 10
            for name, at in list(rotate_at.items()):
                if elapsed >= at:
                    del rotate_at[name]
                    self._rotate(name, ROTATIONS[self.names.index(name) % len(ROTATIONS)])
            if not added and elapsed >= seconds / 2:
                added = True
                self.written.new_file = new_name
                self._open(new_name)
                self._append(new_name, 20)
            time.sleep(0.005)
        for name in rotate_at:  # a slow machine: every file is rotated all the same
            self._rotate(name, ROTATIONS[self.names.index(name) % len(ROTATIONS)])
        for name in list(self._fds):
            self._append(name, 5)  # the last generation of every file gets lines too
        return self.written

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def _open(self, name: str) -> None:
        path = self.folder / name
        self._fds[name] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._line[name] = 0

    def _append(self, name: str, count: int) -> None:
        lines = [self._entry(name) for _ in range(count)]
        data = b"".join(lines)
        cut = self.rng.randrange(1, len(data))  # two pieces: a line waits for its end
        os.write(self._fds[name], data[:cut])
        os.write(self._fds[name], data[cut:])

    def _entry(self, name: str) -> bytes:
        self._seq += 1
        self._line[name] += 1
        if self.rng.random() < self.bad_share:
            self.written.bad.add((name, self._line[name]))
            self.written.bad_lines += 1
            return b"not an entry %d\n" % self._seq
        self.written.valid.append(self._seq)
        stamp = (START + timedelta(milliseconds=self._seq)).isoformat(timespec="milliseconds")
        entry = {"timestamp": stamp, "server": name.removesuffix(".log"),
                 "component": COMPONENTS[self._seq % 3], "value": self._seq}
        return json.dumps(entry).encode() + b"\n"

    def _rotate(self, name: str, kind: str) -> None:
        path = self.folder / name
        stem = name.removesuffix(".log")
        if kind in ("rename", "rename_ext", "delete"):
            os.close(self._fds.pop(name))
            if kind == "delete":
                os.unlink(path)
            else:
                os.replace(path, self.folder / (f"{name}.1" if kind == "rename" else f"{stem}.1.log"))
            self._open(name)
        else:  # copy, then empty in place: no write in between (those lines would be lost)
            copy = f"{name}-20250105" if kind == "copytruncate" else f"{stem}-20250105.log"
            shutil.copyfile(path, self.folder / copy)
            os.truncate(path, 0)
            self._line[name] = 0
        self.written.rotations[kind] += 1


def exactly_once(valid: list[int], scored: list[int]) -> list[str]:
    """What is wrong with `scored` (ids as scored) against the valid ids written."""
    counts = Counter(scored)
    problems = []
    if missing := sorted(set(valid) - set(counts)):
        problems.append(f"{len(missing)} valid lines never scored, e.g. {missing[:5]}")
    if twice := sorted(i for i, n in counts.items() if n > 1):
        problems.append(f"{len(twice)} entries scored more than once, e.g. {twice[:5]}")
    if unexpected := sorted(set(counts) - set(valid)):
        problems.append(f"{len(unexpected)} entries scored that were never written, e.g. {unexpected[:5]}")
    return problems
