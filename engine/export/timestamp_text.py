"""Timestamps as the export writes them (`TIMESTAMP_FORMAT`), built with numpy.

polars formats a datetime column row by row with a format string: about half the CPU time
of writing a scored batch as CSV. Every entry time is between 1970 and 2200 (see
`parse.timestamps`), so the text has one width and its digits can be computed for the whole
column at once; a column this cannot vouch for goes through polars.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from logwatch.engine.export.columns import TIMESTAMP_FORMAT

_WIDTH = 26
"""`YYYY-MM-DDTHH:MM:SS.ffffff`"""
_DAY_US = 86_400_000_000
_LATEST_US = 253_402_300_799_999_999
"""9999-12-31T23:59:59.999999: four-digit years only."""
_PAIRS = np.array([[48 + v // 10, 48 + v % 10] for v in range(100)], np.uint8)
"""The two ASCII digits of 0..99."""


def timestamp_text(column: pl.Series) -> pl.Series:
    """A Datetime("us") column as String, exactly as `dt.strftime(TIMESTAMP_FORMAT)` writes it."""
    micros = column.cast(pl.Int64).to_numpy()
    if column.null_count() or len(micros) == 0 or micros.min() < 0 or micros.max() > _LATEST_US:
        return column.dt.strftime(TIMESTAMP_FORMAT)
    days, rest = np.divmod(micros, _DAY_US)
    year, month, day = _civil_from_days(days)
    seconds, fraction = np.divmod(rest, 1_000_000)
    text = np.empty((_WIDTH, len(micros)), np.uint8)  # one row per character: contiguous writes
    for at, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, ".")):
        text[at] = ord(char)
    for at, number in (
        (0, year // 100), (2, year % 100), (5, month), (8, day),
        (11, seconds // 3600), (14, seconds // 60 % 60), (17, seconds % 60),
        (20, fraction // 10_000), (22, fraction // 100 % 100), (24, fraction % 100),
    ):
        text[at : at + 2] = _PAIRS[number].T
    rows = np.ascontiguousarray(text.T).view(f"S{_WIDTH}").ravel()
    return pl.Series(column.name, rows).cast(pl.String)


def _civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's
    `civil_from_days`)."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, day
