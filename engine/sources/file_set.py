"""Which files a followed set holds: the SOURCEs given (paths, globs, folders), asked again
when a folder changes, so new files join as they appear (as lnav and Promtail do).

A new name is a new log unless it is a file already being read under another name:
- its name is one logrotate gives a rotated member (`web-1.log.1`, `web-1.log.2.gz`,
  `web-1.log-20250105`, with `extension` `web-1.1.log`, `web-1-20250105.log`): a renamed
  member (its follower finishes it) or a copy of one (copy-truncate: its follower reads
  the rest of the copy). In a folder, most of these do not look like logs anyway;
- or it is a file a member has open, or had open before (same device and inode and the
  same first line: a rename under any other name).
The same rule holds for the files a glob or folder names at the start (`logs/*.log*` does
not read `web.log.1` beside `web.log`: after the next rotation it would hold what was read
as `web.log`). A plain path given as SOURCE is always followed, whatever its name. New
files are read from their start (they are new); the files there at the start get
`--from-start` or the backfill, each on its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Sequence

from logwatch.engine.parse import is_compressed
from logwatch.engine.sources.file_identity import HEAD_BYTES, FileIdentity, path_identity
from logwatch.engine.sources.member import Member
from logwatch.engine.sources.paths import matching_files, source_kind, watch_root
from logwatch.engine.sources.rotated_copy import rotated_originals

MakeMember = Callable[[str, bool], Member]
"""(path, is it new) -> the member that reads it."""


class FileSet:
    """The members, by absolute path; `rescan()` adds the files that appeared since."""

    def __init__(self, sources: Sequence[str], make: MakeMember) -> None:
        self._make = make
        self._rescanned = [s for s in sources if source_kind(s) != "file"]
        self._roots = [os.path.abspath(watch_root(s)) for s in sources]
        self._lock = threading.Lock()
        self._members: dict[str, Member] = {}
        self._left_out: dict[str, FileIdentity | None] = {}
        """Names judged rotated files, with the identity they had then."""
        self._read_before: dict[FileIdentity, bytes] = {}
        """Files members had open once, with their first line (a rename keeps both)."""
        for source in sources:
            if source_kind(source) == "file":
                self._add(source, new=False)
        found: dict[str, str] = {}
        self.empty: list[str] = []
        """The globs and folders that named no file at the start."""
        for source in self._rescanned:
            files = matching_files(source)
            found |= {os.path.abspath(path): path for path in files}
            if not files:
                self.empty.append(source)
        for full, path in found.items():
            if not self._rotation_of(full, found):
                self._add(path, new=False)

    def members(self) -> list[Member]:
        """Every member, in the order they joined (safe from any thread)."""
        with self._lock:
            return list(self._members.values())

    def member(self, path: str) -> Member | None:
        return self._members.get(path)

    def known(self, path: str) -> bool:
        """Is `path` (absolute) a member or a name judged a rotated file?"""
        return path in self._members or path in self._left_out

    def folders(self) -> list[str]:
        """The folders to watch: each SOURCE's, and each member's."""
        found = dict.fromkeys(self._roots)
        for path in self._members:
            found[os.path.dirname(path)] = None
        return sorted(found)

    def remember(self, identity: FileIdentity, head: bytes) -> None:
        """A member is done with this file (rotated away): a rename of it is not new."""
        self._read_before[identity] = head

    def rescan(self) -> list[Member]:
        """Ask the globs and folders again; the members that joined."""
        joined: list[Member] = []
        open_now: set[FileIdentity] | None = None  # built when a name needs it
        for source in self._rescanned:
            for path in matching_files(source):
                full = os.path.abspath(path)
                if full in self._members:
                    continue
                try:
                    identity = path_identity(full)
                except OSError:
                    continue
                if full in self._left_out and self._left_out[full] == identity:
                    continue
                if open_now is None:
                    open_now = {m.identity for m in self._members.values() if m.identity is not None}
                if identity is None or self._read_already(full, identity, open_now):
                    self._left_out[full] = identity
                    continue
                self._left_out.pop(full, None)
                joined.append(self._add(path, new=True))
        return joined

    def _add(self, path: str, *, new: bool) -> Member:
        full = os.path.abspath(path)
        member = self._members.get(full)
        if member is None:
            member = self._make(path, new)
            with self._lock:
                self._members[full] = member
        return member

    def _read_already(self, path: str, identity: FileIdentity, open_now: set[FileIdentity]) -> bool:
        if self._rotation_of(path, self._members) or identity in open_now:
            return True
        head = self._read_before.get(identity)
        return bool(head) and not is_compressed(path) and _starts_with(path, head)

    @staticmethod
    def _rotation_of(path: str, names: Collection[str]) -> bool:
        """Is `path` (absolute) a rotated name of one of `names` (absolute) beside it?"""
        folder, name = os.path.split(path)
        return any(os.path.join(folder, original) in names for original in rotated_originals(name))


def _starts_with(path: str, head: bytes) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(min(len(head), HEAD_BYTES)) == head
    except OSError:
        return False
