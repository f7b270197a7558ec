"""Find the copy `logrotate copytruncate` made of the file being read.

copytruncate copies the file beside it, then empties it. Lines written before the copy
but not read yet when the file was emptied are only in the copy, so after a truncation
the tailer reads the rest of the copy (from the offset it had reached), then the emptied
file from its start.

The copy is found by name, then recognised by content. Names: anything beside the file
that starts with its name (`app.log.1`, `app.log-20250105`, `app.log.20250105`), or, for
logrotate's `extension` option, its stem and ends with its extension (`app.1.log`,
`app-20250105.log`); compressed files are left alone. Content: the same first line as
the file, at least as many bytes as were read, and the same bytes just before that
offset. Newest first; the first one that matches wins.

`rotated_originals` is the strict form of the name rule, for telling a rotated file from a
new log in a followed folder (where a false match would hide a log, not just cost a look).
"""

from __future__ import annotations

import os
import re

from logwatch.engine.sources.file_identity import OpenFile

COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".lzo", ".z", ".zip", ".br", ".7z")
"""Suffixes of files logrotate (or a person) compressed: not readable as lines."""
ROTATION_MARK = re.compile(r"\.[0-9]+|[.\-_][0-9]{4}[0-9.\-_]*")
"""What logrotate puts after a name (or between stem and extension): a number after a dot
(`.1`), or a date after a separator (`-20250105`, `.2025-01-05`, `-2025010512`)."""


def rotated_originals(name: str) -> set[str]:
    """The file names whose rotation logrotate would call `name`, compressed or not:
    `app.log` for `app.log.1`, `app.log.2.gz`, `app.log-20250105`, and (its `extension`
    option) `app.1.log`, `app-20250105.log`. Empty for `app.log.bak`, `app-2.log`."""
    lowered = name.lower()
    for suffix in COMPRESSED:
        if lowered.endswith(suffix):
            name = name[: -len(suffix)]
            break
    found = {name[:at] for at in _separators(name) if ROTATION_MARK.fullmatch(name[at:])}
    body, extension = os.path.splitext(name)
    if extension:
        found |= {body[:at] + extension for at in _separators(body) if ROTATION_MARK.fullmatch(body[at:])}
    found.discard("")
    return found


def _separators(name: str) -> list[int]:
    return [at for at, char in enumerate(name) if char in ".-_" and at > 0]


def find_copy(original: OpenFile) -> OpenFile | None:
    """The copy holding the rest of what `original` held, opened at `original.offset`;
    None when no file beside it matches."""
    for candidate in copy_candidates(original.path):
        try:
            copy = OpenFile(candidate)
        except OSError:  # gone meanwhile (compressed, rotated away), or unreadable
            continue
        if holds_what_was_read(copy, original):
            copy.offset = original.offset
            return copy
        copy.close()
    return None


def copy_candidates(path: str) -> list[str]:
    """Files beside `path` whose names logrotate may have given its copy, newest first."""
    folder, name = os.path.split(os.path.abspath(path))
    stem, extension = os.path.splitext(name)
    found: list[tuple[float, str]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        other = entry.name
        if other == name or other.lower().endswith(COMPRESSED):
            continue
        with_extension = bool(extension) and other.startswith(stem) and other.endswith(extension)
        if not (other.startswith(name) or with_extension):
            continue
        try:
            if entry.is_file():
                found.append((entry.stat().st_mtime, entry.path))
        except OSError:
            continue
    return [candidate for _, candidate in sorted(found, reverse=True)]


def holds_what_was_read(copy: OpenFile, original: OpenFile) -> bool:
    """Does `copy` start with what was read of `original`: the same first line, at least
    `original.offset` bytes, and the same last bytes before that offset?"""
    head, tail, offset = original.head, original.tail, original.offset
    if not (head or tail) or copy.identity == original.identity or copy.size() < offset:
        return False  # nothing to recognise it by, the file itself (a hard link), too short
    return (
        os.pread(copy.fd, len(head), 0) == head
        and os.pread(copy.fd, len(tail), offset - len(tail)) == tail
    )
