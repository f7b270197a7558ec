"""Opening a source: the one place that decides how SOURCE is read, for headless runs and
the monitor alike.

- a log file (JSON lines or CSV): followed as it grows (`follow`), or read to its end;
- several files, a glob or a folder: followed as one set (`multi_tail.MultiTail`: new files
  join, `.gz` files in the set are read whole), or read to their ends one after another;
- a `.gz` file: read whole; following one is a UserError;
- `-`, standard input: read to its end; following it is a UserError;
- no path: the built-in generator (the monitor's demo).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from logwatch.engine.errors import UserError
from logwatch.engine.parse import is_compressed
from logwatch.engine.sources.base import Source


@dataclass(frozen=True)
class SourceSpec:
    """What to read and how (`logwatch tui [SOURCE]` and its options)."""

    path: str | None = None
    """A log file, a glob or a folder, `-` for standard input, or None for the built-in
    generator."""
    more: tuple[str, ...] = ()
    """Further SOURCEs after `path` (files, globs, folders): all are read as one set."""
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


    @classmethod
    def of(cls, sources: Sequence[str], **options: object) -> SourceSpec:
        """The spec for SOURCE arguments as given (none: the generator)."""
        first = sources[0] if sources else None
        return cls(first, tuple(sources[1:]), **options)  # type: ignore[arg-type]

    @property
    def paths(self) -> list[str]:
        """Every SOURCE given, in order."""
        return ([] if self.path is None else [self.path]) + list(self.more)

    @property
    def is_set(self) -> bool:
        """Several SOURCEs, a glob or a folder: a set of files rather than one."""
        from logwatch.engine.sources.paths import source_kind

        return bool(self.more) or (self.path is not None and source_kind(self.path) != "file")


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

        return WholeFile(spec.paths)
    if "-" in spec.paths:
        raise UserError("--follow needs a log file path (standard input cannot be followed)")
    from logwatch.engine.sources.backfill import Backfill

    backfill = Backfill() if spec.backfill is None else Backfill.parse(spec.backfill)
    if spec.is_set:  # a glob or folder with no log yet is waited for, as a missing file is
        from logwatch.engine.sources.multi_tail import MultiTail

        return MultiTail(spec.paths, from_start=spec.from_start, backfill=backfill, poll=spec.poll,
                         on_notice=on_notice)
    if is_compressed(spec.path):
        raise UserError(f"--follow {spec.path}: a compressed file cannot be followed")
    from logwatch.engine.sources.tail import TailSource

    return TailSource(spec.path, from_start=spec.from_start, backfill=backfill, poll=spec.poll,
                      on_notice=on_notice)

