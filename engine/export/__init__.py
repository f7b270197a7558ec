"""Export sinks: scored entries to `.csv`, `.jsonl` or `.parquet`, complete or absent.

`open_writer(path, labels=...)` picks the format from the extension. Writers are
incremental (`write(frame)` any number of times, then `close()` or `abort()`); by default
they write to a hidden temporary file next to `path` and rename it into place on `close()`.
With `append=True`, CSV and JSON lines rows are appended to `path` itself, whole rows at a
time; `open_follow_export(path, labels=...)` opens the export of a `--follow` run that way. `WriteBehind(writer)` runs any writer on its own thread.
`check_target(path)` validates OUT before any work: it removes leftover temporary files of
killed runs (`stale`) and proves the folder takes a new file (`tempfiles`);
`remove_after_interrupt(path)` removes those of a run that is ending early. CSV text cells
that could start a spreadsheet formula get a leading `'` (`csv_cells`).
"""

from logwatch.engine.export.behind import WriteBehind
from logwatch.engine.export.columns import EXPORT_COLUMNS, export_columns, export_frame
from logwatch.engine.export.follow import open_follow_export
from logwatch.engine.export.stale import remove_after_interrupt
from logwatch.engine.export.writers import FORMATS, ExportWriter, check_target, open_writer

__all__ = [
    "EXPORT_COLUMNS",
    "FORMATS",
    "ExportWriter",
    "WriteBehind",
    "check_target",
    "export_columns",
    "export_frame",
    "open_follow_export",
    "open_writer",
    "remove_after_interrupt",
]
