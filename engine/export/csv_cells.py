"""Text cells a spreadsheet must not run as formulas (CSV injection, OWASP's advice).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
`'`, so Excel, LibreOffice and Google Sheets show it as text. Only text columns (server,
component, reason, ...) change; numbers such as -3.5 are numeric columns and stay as
they are. A program reading the CSV back drops that one `'` when the next character is one
of those six.
"""

from __future__ import annotations

import re

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"
"""The first characters that make a spreadsheet treat a cell as a formula."""


def protect_text_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that could start a formula prefixed with `'`."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text or frame.height == 0:
        return frame
    # Rewritten only where some cell needs it: a new copy of every text column costs more
    # than the check.
    found = frame.select(pl.col(name).str.contains(FORMULA_START).any() for name in text).row(0)
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, needed in zip(text, found) if needed
    )


def protect_text(text: str) -> str:
    """One text cell, protected the same way (for CSV written row by row)."""
    return "'" + text if re.match(FORMULA_START, text) else text
