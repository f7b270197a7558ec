"""CSV, JSON lines and Parquet writers sharing one life cycle: write*, then close or abort."""

from __future__ import annotations

import functools
import io
import os
import time
from pathlib import Path
from typing import IO, Protocol

import polars as pl

from logwatch.engine.batch import SCHEMA, SCORE_SCHEMA
from logwatch.engine.errors import UserError
from logwatch.engine.export.columns import export_columns, export_frame
from logwatch.engine.export.csv_cells import protect_text_cells
from logwatch.engine.export.stale import remove_stale
from logwatch.engine.export.timestamp_text import timestamp_text
from logwatch.engine.export.tempfiles import make_temp, probe_writable, write_error
from logwatch.engine.files import apply_umask

FORMATS = (".csv", ".jsonl", ".parquet")


class ExportWriter(Protocol):
    path: Path
    rows: int
    """Rows written so far."""

    def write(self, frame: pl.DataFrame) -> None:
        """Append scored rows (any frame with the scored columns)."""

    def close(self) -> None:
        """Finish: the file at `path` is complete."""

    def abort(self) -> None:
        """Give up: a temporary file is removed (appended rows stay, each one whole)."""


class _FileWriter:
    """Shared plumbing: a temporary sibling renamed on close, or the target in append mode.

    In append mode (`--follow`) rows go to `path` itself, each batch encoded whole and then
    written unbuffered (the header with the first); a write that fails part-way (a full
    disk) is cut back to the last whole row, so the file never ends in half a row.
    """

    suffix = ""

    def __init__(self, path: Path, *, labels: bool, append: bool) -> None:
        self.path = path
        self.labels = labels
        self.rows = 0
        self._append = append
        self._tmp: Path | None = None
        self._created = False  # append mode: the file did not exist before
        self._whole = 0  # append mode: bytes of `path` that hold whole rows
        self._header_due = False  # append mode: the header goes with the first write
        try:
            if append:
                self._handle: IO[bytes] = self._open_append(path)
                self._whole = os.fstat(self._handle.fileno()).st_size
                self._header_due = self._whole == 0
            else:
                fd, self._tmp = make_temp(path)
                self._handle = os.fdopen(fd, "wb")
                apply_umask(fd)  # mkstemp makes it 0600; OUT gets a plain new file's mode
                self._header(self._handle)
        except OSError as error:
            self._discard()
            raise write_error(path, error) from None
        except BaseException:  # Ctrl-C while opening: no temporary file stays behind
            self._discard()
            raise

    def _open_append(self, path: Path) -> IO[bytes]:
        try:
            handle = open(path, "xb", buffering=0)
            self._created = True
            return handle
        except FileExistsError:
            return open(path, "ab", buffering=0)

    def _discard(self) -> None:
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None

    def _header(self, out: IO[bytes]) -> None:
        pass

    def _write(self, frame: pl.DataFrame, out: IO[bytes]) -> None:
        raise NotImplementedError

    def write(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        try:
            if self._append:  # encode first, then one write: readers never see half a row
                encoded = io.BytesIO()
                if self._header_due:
                    self._header(encoded)
                self._write(export_frame(frame, self.labels), encoded)
                self._append_whole(encoded.getbuffer())
            else:
                self._write(export_frame(frame, self.labels), self._handle)
        except (OSError, pl.exceptions.PolarsError) as error:
            raise write_error(self.path, error) from None
        self.rows += frame.height

    def _append_whole(self, data: memoryview) -> None:
        """Write all of `data` or, failing part-way, cut the file back to its whole rows."""
        try:
            done = 0
            while done < len(data):
                done += self._handle.write(data[done:]) or 0
        except OSError:
            try:
                os.ftruncate(self._handle.fileno(), self._whole)
            except OSError:  # e.g. a device, not a file: nothing to cut back
                pass
            raise
        self._whole += len(data)
        self._header_due = False

    def close(self) -> None:
        try:
            if self._header_due:  # nothing was written: OUT still gets its header
                encoded = io.BytesIO()
                self._header(encoded)
                self._append_whole(encoded.getbuffer())
            self._handle.close()
            if self._tmp is not None:
                os.replace(self._tmp, self.path)
                self._tmp = None
        except OSError as error:
            self.abort()
            raise write_error(self.path, error) from None

    def abort(self) -> None:
        try:
            self._handle.close()
        except OSError:  # e.g. the disk is full: what could not be written is dropped anyway
            pass
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None
        if self._created and self._whole == 0:  # a file we made holds nothing: no trace
            self.path.unlink(missing_ok=True)
            self._created = False


class CsvWriter(_FileWriter):
    def _header(self, out: IO[bytes]) -> None:
        out.write((",".join(export_columns(self.labels)) + "\n").encode())

    def _write(self, frame: pl.DataFrame, out: IO[bytes]) -> None:
        frame = protect_text_cells(frame)  # before the threshold becomes text below
        threshold = frame["threshold"]
        if threshold.null_count() == 0 and threshold.min() == threshold.max():
            # One threshold for the whole batch (the usual case): its text once, not per row.
            frame = frame.with_columns(pl.lit(_csv_float(threshold[0])).alias("threshold"))
        frame = frame.with_columns(timestamp_text(frame["timestamp"]))
        frame.write_csv(out, include_header=False)


@functools.lru_cache(maxsize=64)
def _csv_float(value: float) -> str:
    """`value` exactly as polars writes a float into CSV."""
    return pl.DataFrame({"x": [value]}, schema={"x": pl.Float64}).write_csv(include_header=False).rstrip("\n")


class JsonlWriter(_FileWriter):
    def _write(self, frame: pl.DataFrame, out: IO[bytes]) -> None:
        frame.with_columns(timestamp_text(frame["timestamp"])).write_ndjson(out)


class ParquetWriter:
    """Parquet has no appendable form here: rows are kept and written once, on close."""

    def __init__(self, path: Path, *, labels: bool) -> None:
        self.path = path
        self.labels = labels
        self.rows = 0
        self._frames: list[pl.DataFrame] = []

    def write(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self._frames.append(export_frame(frame, self.labels))
            self.rows += frame.height

    def close(self) -> None:
        frame = (
            pl.concat(self._frames)
            if self._frames
            else export_frame(_empty_scored(), self.labels)
        )
        self._frames = []
        tmp: Path | None = None
        try:
            fd, tmp = make_temp(self.path)
            try:  # held open while polars writes it: never taken for a stale leftover
                frame.write_parquet(tmp)
                apply_umask(fd)  # mkstemp makes it 0600; OUT gets a plain new file's mode
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        except (OSError, pl.exceptions.PolarsError) as error:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise write_error(self.path, error) from None
        except BaseException:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise

    def abort(self) -> None:
        self._frames = []


def _empty_scored() -> pl.DataFrame:
    return pl.DataFrame(schema={**SCHEMA, **SCORE_SCHEMA})


def check_target(path: str | Path, *, append: bool = False, started: float | None = None) -> Path:
    """Validate an export path before any work starts (UserError names the problem).

    Also removes leftover temporary files of this path from killed runs (older than
    `started`, default now, and held open by no one), then proves the folder takes a new
    file, so a read-only folder or a full disk is reported before any input is scored.
    """
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(
            f"--export {path}: unknown extension {suffix or '(none)'!r} (use .csv, .jsonl or .parquet)"
        )
    if target.is_dir():
        raise UserError(f"--export {path}: is a folder")
    if not target.parent.is_dir():
        raise UserError(f"--export {path}: folder {target.parent} does not exist")
    if append and suffix == ".parquet":
        raise UserError(f"--export {path}: Parquet cannot be appended to; use .csv or .jsonl")
    remove_stale(target, time.time() if started is None else started)
    probe_writable(target)
    return target


def open_writer(path: str | Path, *, labels: bool, append: bool = False) -> ExportWriter:
    """A writer for `path`, chosen by its extension (.csv, .jsonl, .parquet).

    `labels`: add the `anomalous` column. `append`: add rows to `path` as they come
    (CSV/JSON lines only; for `--follow`). Raises UserError for an unknown extension or an
    unwritable place.
    """
    target = check_target(path, append=append)
    if target.suffix.lower() == ".parquet":
        return ParquetWriter(target, labels=labels)
    cls = CsvWriter if target.suffix.lower() == ".csv" else JsonlWriter
    return cls(target, labels=labels, append=append)
