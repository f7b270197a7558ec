"""SOURCE arguments to files: several paths, globs (with `**`) and folders, in one sorted list.

`expand_sources(["web-1.log", "archive/**/*.jsonl.gz", "logs/"])` gives each plain path
as is (a missing one is reported by whoever opens it, with the reader's own message), the
regular files a glob matches, and the regular files of a folder that look like logs; each
glob's and folder's files are sorted, the whole list keeps the order given and names every
file once. `-` (standard input) passes through.
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
        found += _expand(source)
    return list(dict.fromkeys(found))


def _expand(source: str) -> list[str]:
    if source == "-":
        return [source]
    if is_pattern(source) and not Path(source).expanduser().exists():
        pattern = str(Path(source).expanduser())
        files = sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        if not files:
            raise UserError(f"{source}: no file matches")
        return files
    folder = Path(source).expanduser()
    if folder.is_dir():
        files = sorted(str(p) for p in folder.iterdir() if p.is_file() and looks_like_log(p))
        if not files:
            raise UserError(f"{source}: the folder holds no log files "
                            f"({', '.join(LOG_SUFFIXES)}, optionally .gz)")
        return files
    return [source]
