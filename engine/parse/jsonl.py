"""JSON lines: one polars read per chunk; halves of a rejected chunk until the bad lines show.

polars rejects a whole chunk for one bad line, so a rejected chunk is split in two and each
half retried; regions of at most `_LEAF_LINES` lines are read line by line with `json`. A
chunk with one bad line costs about two extra polars reads, never a Python loop over it all.
"""

from __future__ import annotations

import json
import math

import polars as pl

from logwatch.engine.batch import Batch
from logwatch.engine.parse.lines import CleanLines, clean_lines, count_lines, is_plain
from logwatch.engine.parse.validate import RAW_SCHEMA, finish

_LEAF_LINES = 64


def parse_lines(
    chunk: bytes, *, where: str, first_line: int, n_lines: int | None = None
) -> Batch:
    """Parse complete JSON lines (each ending in "\\n"; the first is line `first_line`).

    `where` names the source in bad-line reports (`where:line`); `n_lines` saves a count
    when the caller already knows it. Never raises on bad data.
    """
    labels = b'"anomalous"' in chunk
    if is_plain(chunk):
        n = count_lines(chunk) if n_lines is None else n_lines
        raw = _read(chunk)
        if raw is not None and raw.height == n:
            lines = pl.int_range(first_line, first_line + n, dtype=pl.Int64, eager=True)
            return finish(raw.with_columns(lines.alias("line")), [], where=where, labels=labels)
    clean = clean_lines(chunk, first_line)
    frames: list[pl.DataFrame] = []
    bad = list(clean.bad)
    _read_region(clean, 0, len(clean.numbers), frames, bad)
    raw = pl.concat(frames) if frames else _empty_raw()
    return finish(raw, sorted(bad), where=where, labels=labels)


def _read(data: bytes) -> pl.DataFrame | None:
    try:
        return pl.read_ndjson(data, schema=RAW_SCHEMA)
    except pl.exceptions.PolarsError:
        return None


def _empty_raw() -> pl.DataFrame:
    return pl.DataFrame(schema={**RAW_SCHEMA, "line": pl.Int64()})


def _read_region(
    clean: CleanLines, lo: int, hi: int, frames: list[pl.DataFrame], bad: list[tuple[int, str]]
) -> None:
    """Append the rows of kept lines lo..hi to `frames` (in order), bad lines to `bad`."""
    if hi <= lo:
        return
    if hi - lo > _LEAF_LINES:
        raw = _read(clean.region(lo, hi))
        if raw is not None and raw.height == hi - lo:
            frames.append(raw.with_columns(pl.Series("line", clean.numbers[lo:hi])))
            return
        mid = (lo + hi) // 2
        _read_region(clean, lo, mid, frames, bad)
        _read_region(clean, mid, hi, frames, bad)
        return
    rows: list[dict[str, object]] = []
    for i in range(lo, hi):
        line = int(clean.numbers[i])
        row, reason = _leaf(clean.text(i))
        if reason is not None:
            bad.append((line, reason))
        else:
            row["line"] = line
            rows.append(row)
    if rows:
        frames.append(pl.DataFrame(rows, schema={**RAW_SCHEMA, "line": pl.Int64()}))


def _leaf(text: str) -> tuple[dict[str, object], str | None]:
    """One line, read carefully: the row for validation, or why the line is bad."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return {}, "not JSON"
    if not isinstance(obj, dict):
        return {}, "not a JSON object"
    value = obj.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float, type(None))):
        return {}, "value is not a number"
    if value is not None:
        try:
            value = float(value)
        except OverflowError:  # an integer beyond float range
            value = math.inf
    row: dict[str, object] = {"value": value}
    for key in ("timestamp", "server", "component"):
        field = obj.get(key)
        if isinstance(field, (dict, list, bool)):
            return {}, f"field '{key}' is not text"
        row[key] = None if field is None else str(field)
    label = obj.get("anomalous")
    row["anomalous"] = label if isinstance(label, bool) else None
    kind = obj.get("anomaly_type")
    row["anomaly_type"] = kind if isinstance(kind, str) else None
    return row, None


__all__ = ["parse_lines"]
