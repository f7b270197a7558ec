"""SOURCE arguments to files: several paths, globs (with `**`) and folders, in one sorted list.

`expand_sources(["web-1.log", "archive/**/*.jsonl.gz", "logs/"])` gives each plain path
as is (a missing one is reported by whoever opens it, with the reader's own message), the
regular files a glob matches, and the regular files of a folder that look like logs; each
glob's and folder's files are sorted, the whole list keeps the order given and names every
file once. `-` (standard input) passes through.

Following many files asks again later: `matching_files` is what a glob or folder names now
(new files appear), `watch_root` the folder whose changes may bring more.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from logwatch.engine.errors import UserError

LOG_SUFFIXES = (".jsonl", ".json", ".log", ".txt", ".csv")
"""Files of a folder taken as logs: these, and these followed by `.gz`."""

_GLOB_CHARACTERS = frozenset("*?[")


def looks_like_log(path: Path) -> bool:
    """Whether a folder's file is taken as a log, by its name (`web.log`, `day.jsonl.gz`)."""
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(LOG_SUFFIXES)


def is_pattern(source: str) -> bool:
    return any(c in _GLOB_CHARACTERS for c in source)


def expand_sources(sources: Iterable[str]) -> list[str]:
    """The files named by `sources` (see module docstring). Raises UserError for a glob that
    matches no file and a folder that holds no log."""
    found: list[str] = []
    for source in sources:
        files = matching_files(source)
        if not files:
            raise UserError(_empty(source))
        found += files
    return list(dict.fromkeys(found))


def source_kind(source: str) -> str:
    """"glob", "folder" or "file" (a plain path, `-`, or a path that does not exist)."""
    if source == "-":
        return "file"
    if is_pattern(source) and not Path(source).expanduser().exists():
        return "glob"
    return "folder" if Path(source).expanduser().is_dir() else "file"


def matching_files(source: str) -> list[str]:
    """The files `source` names now: a glob's regular files, a folder's regular files that
    look like logs (both sorted, maybe none), or the plain path itself."""
    kind = source_kind(source)
    if kind == "glob":
        pattern = str(Path(source).expanduser())
        return sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
    if kind == "folder":
        try:
            entries = list(Path(source).expanduser().iterdir())
        except OSError:  # removed meanwhile, or unreadable: no files now
            return []
        return sorted(str(p) for p in entries if p.is_file() and looks_like_log(p))
    return [source]


def watch_root(source: str) -> str:
    """The folder whose changes may bring `source` new files: a folder itself, a glob's
    folder before its first wildcard, a file's folder."""
    path = Path(source).expanduser()
    kind = source_kind(source)
    if kind == "folder":
        return str(path)
    if kind == "glob":
        fixed = list(_until_pattern(path.parts))
        return str(Path(*fixed)) if fixed else "."
    return str(path.parent)


def _until_pattern(parts: tuple[str, ...]) -> Iterable[str]:
    for part in parts[:-1]:
        if is_pattern(part):
            return
        yield part


def _empty(source: str) -> str:
    if source_kind(source) == "glob":
        return f"{source}: no file matches"
    return f"{source}: the folder holds no log files ({', '.join(LOG_SUFFIXES)}, optionally .gz)"
