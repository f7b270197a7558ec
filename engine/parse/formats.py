"""The two line formats and how an input's first line picks one.

A `{` (or an empty first line) means JSON lines; a header naming `timestamp` and `value`
means CSV (`csvfmt`). Whole files and tails both ask `sniff_format`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from logwatch.engine.batch import Batch
from logwatch.engine.errors import UserError
from logwatch.engine.parse.csvfmt import csv_format
from logwatch.engine.parse.jsonl import parse_lines
from logwatch.engine.parse.lines import UTF8_BOM


class LineFormat(Protocol):
    """Parses complete lines of one input; `header_lines` lines precede the data."""

    header_lines: int

    def parse(self, chunk: bytes, *, where: str, first_line: int, n_lines: int | None = None) -> Batch:
        """`chunk`'s entries; `n_lines` is its line count when the caller knows it."""
        ...


class JsonLines:
    """JSON lines (no header)."""

    header_lines = 0

    def parse(self, chunk: bytes, *, where: str, first_line: int, n_lines: int | None = None) -> Batch:
        return parse_lines(chunk, where=where, first_line=first_line, n_lines=n_lines)


def sniff_format(first_line: bytes, *, name: str) -> LineFormat:
    """The format announced by the input's first line; `name` is the path (for CSV server names
    and messages). Raises UserError when the line is neither JSON nor a usable CSV header."""
    text = first_line.removeprefix(UTF8_BOM).strip()
    if text.startswith(b"{") or not text:
        return JsonLines()
    fmt = csv_format(text.decode("utf-8", "replace"), server=_stem(name))
    if fmt is None:
        shown = text[:60].decode("utf-8", "replace")
        raise UserError(
            f"{name}:1: expected JSON lines or a CSV header with timestamp and value columns, "
            f"found {shown!r}"
        )
    return fmt


def _stem(name: str) -> str:
    if name in ("-", "<stdin>"):
        return "stdin"
    path = Path(name)
    for suffix in (".gz", ".csv", ".jsonl", ".json", ".log", ".txt"):
        if path.name.lower().endswith(suffix):
            path = path.with_name(path.name[: -len(suffix)])
    return path.name or "value"
