"""The source `logwatch tui` reads: the file named on the command line (followed as it
grows), or the in-process generator (the demo). Both come from `logwatch.engine.sources`;
this module only maps the options onto them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from logwatch.engine.batch import Batch
from logwatch.engine.errors import UserError
from logwatch.tui.options import MonitorOptions


class WholeFile:
    """A file that cannot be followed (compressed): read once to its end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = f"read {path}"
        self.status = f"reading {path}"
        self._stopped = False

    def __iter__(self) -> Iterator[Batch]:
        from logwatch.engine.parse import read_batches

        for batch in read_batches(self.path):
            if self._stopped:
                return
            yield batch

    def stop(self) -> None:
        self._stopped = True


def open_source(options: MonitorOptions, on_notice: Callable[[str], None]):
    """A `logwatch.engine.sources.base.Source` for the options. Bad options raise UserError
    here, before the UI starts; reading starts only when the worker iterates."""
    from logwatch.engine.config import load_config

    if options.source is None:
        from logwatch.engine.sources.generator_stream import GeneratorSource

        return GeneratorSource(load_config(options.config), seed=options.seed, speed=options.speed)
    path = str(options.source)
    if path == "-":
        raise UserError("SOURCE: the terminal UI cannot read standard input (the keyboard "
                        "is there); give a file, or use --export OUT for a headless run")
    if options.config is not None:
        load_config(options.config)  # a bad config is reported before the UI starts
    if path.endswith(".gz"):
        return WholeFile(path)
    from logwatch.engine.sources.backfill import Backfill
    from logwatch.engine.sources.tail import TailSource

    backfill = Backfill() if options.backfill is None else Backfill.parse(options.backfill)
    return TailSource(path, from_start=options.from_start, backfill=backfill, poll=options.poll,
                      on_notice=on_notice)
