"""The export of a headless `--follow` run: rows appear in OUT as they are scored."""

from __future__ import annotations

import os
from pathlib import Path

from logwatch.engine.errors import UserError
from logwatch.engine.export.writers import ExportWriter, open_writer


def open_follow_export(path: str | Path, *, labels: bool) -> ExportWriter:
    """CSV and JSON lines: a fresh OUT that grows as entries are scored, whole rows at a
    time. Parquet cannot grow: it is written when following ends."""
    if str(path).lower().endswith(".parquet"):
        return open_writer(path, labels=labels)
    try:
        os.unlink(path)  # like a run without --follow, OUT holds this run's rows only
    except FileNotFoundError:
        pass
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None
    return open_writer(path, labels=labels, append=True)
