"""Files read once to their ends, as a source: a `.gz` file, standard input (`-`), or
several files, globs and folders read one after another (`paths.expand_sources`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from logwatch.engine.batch import Batch
from logwatch.engine.parse.files import read_files
from logwatch.engine.sources.paths import expand_sources


class WholeFile:
    """`paths` (files, `.gz`, globs, folders, or `-` for standard input) read to their
    ends; iterate once.

    The first file is opened here, so a missing or unreadable one (or a glob matching
    nothing) is a UserError before any work; read errors later are UserErrors from the
    iteration."""

    def __init__(self, paths: str | Sequence[str]) -> None:
        files = expand_sources([paths] if isinstance(paths, str) else paths)
        self.paths = files
        self.name = f"read {files[0]}" if len(files) == 1 else f"read {len(files):,} files"
        """Short name for a status line."""
        self.status = f"reading {files[0]}" if len(files) == 1 else f"reading {len(files):,} files"
        self._batches = read_files(files)
        self._stopped = False

    def __iter__(self) -> Iterator[Batch]:
        for batch in self._batches:
            if self._stopped:
                return
            yield batch

    def stop(self) -> None:
        """End iteration after the batch in hand; safe from any thread."""
        self._stopped = True
