"""Which file is this? Device and inode say whether a path now names another file
(rotation, deletion and re-creation); size and the first line say whether the same file
was emptied and rewritten in place (copy-truncate), as lnav checks it.

Files are read with `os.pread` at an offset we keep; never mmap (a file that shrinks under
a mapping kills the reader with SIGBUS).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

HEAD_BYTES = 1024
"""At most this much of the first line is remembered to recognise the file's start."""
FIRST_LINE_BYTES = 1 << 16
"""At most this much of the first line is read to learn the file's format."""
TAIL_BYTES = 256
"""The last bytes read are remembered to recognise a copy of what was read."""


@dataclass(frozen=True)
class FileIdentity:
    device: int
    inode: int

    @classmethod
    def of(cls, status: os.stat_result) -> FileIdentity:
        return cls(status.st_dev, status.st_ino)


def path_identity(path: str) -> FileIdentity | None:
    """Identity of the file the path names now; None when nothing is there."""
    try:
        return FileIdentity.of(os.stat(path))
    except FileNotFoundError:
        return None


class OpenFile:
    """One opened file, read forward from `offset` in bounded pieces."""

    def __init__(self, path: str, *, offset: int = 0) -> None:
        """Raises FileNotFoundError, PermissionError or IsADirectoryError like `open`."""
        self.path = path
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        status = os.fstat(self.fd)
        if stat.S_ISDIR(status.st_mode):
            self.close()
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        self.identity = FileIdentity.of(status)
        self.offset = offset
        self._head = b""
        self._tail = b""
        self._remember_head()

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def read(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` from `offset` (empty at the end); advances `offset`."""
        data = os.pread(self.fd, max_bytes, self.offset)
        self.offset += len(data)
        if len(data) >= TAIL_BYTES:
            self._tail = data[-TAIL_BYTES:]
        elif data:
            self._tail = (self._tail + data)[-TAIL_BYTES:]
        return data

    @property
    def head(self) -> bytes:
        """The first line as remembered (b"" until it is complete or HEAD_BYTES long)."""
        return self._head

    @property
    def tail(self) -> bytes:
        """The last bytes `read` returned (at most TAIL_BYTES), ending at `offset`."""
        return self._tail

    def rewritten(self) -> bool:
        """True when the file was truncated (and perhaps refilled) since we read it:
        it is shorter than what we read, or its first line is no longer the one we saw.

        Checked before every read. A truncation and a refill past our offset landing
        between this check and the next `pread` would go unseen; that takes a writer
        faster than two system calls, and any copy-truncate loses lines in that gap anyway.
        """
        if self.size() < self.offset:
            return True
        if not self._head:
            self._remember_head()
            return False
        return os.pread(self.fd, len(self._head), 0) != self._head

    def first_line(self) -> bytes:
        """The file's first line (at most FIRST_LINE_BYTES of it), without its newline."""
        return os.pread(self.fd, FIRST_LINE_BYTES, 0).partition(b"\n")[0]

    def restart(self) -> None:
        """Read again from the start (after truncation)."""
        self.offset = 0
        self._head = b""
        self._tail = b""

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def _remember_head(self) -> None:
        head = os.pread(self.fd, HEAD_BYTES, 0)
        newline = head.find(b"\n")
        if newline >= 0:
            self._head = head[: newline + 1]
        elif len(head) == HEAD_BYTES:
            self._head = head
