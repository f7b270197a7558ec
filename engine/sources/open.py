"""Opening a source: the one place that decides how SOURCE is read, for headless runs and
the monitor alike.

- a log file (JSON lines or CSV): followed as it grows (`follow`), or read to its end;
- a `.gz` file: read whole; following one is a UserError;
- `-`, standard input: read to its end; following it is a UserError;
- no path: the built-in generator (the monitor's demo).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from logwatch.engine.errors import UserError
from logwatch.engine.parse import is_compressed
from logwatch.engine.sources.base import Source


@dataclass(frozen=True)
class SourceSpec:
    """What to read and how (`logwatch tui [SOURCE]` and its options)."""

    path: str | None = None
    """A log file, `-` for standard input, or None for the built-in generator."""
    follow: bool = False
    """Keep reading the file as it grows (see `can_follow`)."""
    from_start: bool = False
    """Following: read the existing content first."""
    backfill: str | None = None
    """Following: `--backfill N|Tm`, how much of an existing file comes first (None: the default)."""
    poll: bool = False
    """Following: poll instead of waiting for change events."""
    config: str | None = None
    """The generator's config.json (None: the shipped one)."""
    seed: int | None = None
    """The generator's seed (None: the config's)."""
    speed: float | None = None
    """The generator's simulated seconds per real second (None: its default)."""


def can_follow(path: str) -> bool:
    """Whether `path` can be followed: not standard input, not a compressed file."""
    return path != "-" and not is_compressed(path)


def open_source(spec: SourceSpec, *, on_notice: Callable[[str], None] | None = None) -> Source:
    """The source `spec` names. A file to read whole is opened now (an unreadable one is a
    UserError here); a followed file may not exist yet. `on_notice` gets the follower's
    one-line news (waiting, rotated, truncated, polling), from the reading thread."""
    if spec.path is None:
        from logwatch.engine.config import load_config
        from logwatch.engine.sources.generator_stream import GeneratorSource

        return GeneratorSource(load_config(spec.config), seed=spec.seed, speed=spec.speed)
    if not spec.follow:
        from logwatch.engine.sources.whole_file import WholeFile

        return WholeFile(spec.path)
    if spec.path == "-":
        raise UserError("--follow needs a log file path (standard input cannot be followed)")
    if is_compressed(spec.path):
        raise UserError(f"--follow {spec.path}: a compressed file cannot be followed")
    from logwatch.engine.sources.backfill import Backfill
    from logwatch.engine.sources.tail import TailSource

    backfill = Backfill() if spec.backfill is None else Backfill.parse(spec.backfill)
    return TailSource(spec.path, from_start=spec.from_start, backfill=backfill, poll=spec.poll,
                      on_notice=on_notice)
