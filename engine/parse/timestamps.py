"""Timestamps as people write them, turned into naive UTC microseconds, all at once.

Accepted: ISO 8601 with or without a fraction and a zone (`Z`, `+02:00`, `+0200`, `+02`),
a space instead of `T` (NAB's `YYYY-MM-DD HH:MM:SS`), and minutes without seconds.
Anything else becomes null, which the caller reports as a bad line. A time outside
`EARLIEST`..`LATEST` once in UTC (year 0001 or 9999 with a zone) is parsed, and the caller
rejects it too: such a time could not be written back in a form anyone reads.

Fast path: when every timestamp of a batch has the same width and the plain shape
`YYYY-MM-DD?HH:MM:SS[.f]` (1 to 6 fraction digits, no zone: what logwatch and most
loggers write), the digits are read straight from the bytes with numpy, several times
cheaper than strptime. Rows it cannot vouch for (another width, a zone, a field out of
range) go through the careful path, so the result is the same either way.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

EARLIEST = datetime(1970, 1, 1)
LATEST = datetime(2200, 1, 1)
"""Entry times (naive UTC) outside EARLIEST..LATEST, both included, are bad lines."""
TIME_RANGE = f"{EARLIEST:%Y-%m-%d}..{LATEST:%Y-%m-%d} UTC"

_FAST_FORMAT = "%Y-%m-%dT%H:%M:%S%.f"
_PATTERN = (
    r"^\s*(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2})?(?:[.,](\d+))?"
    r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
_PLAIN = "2000-01-01T00:00:00.000000"
"""A valid timestamp of every width the fast path reads (19, or 21 to 26 characters)."""
_WIDTHS = (19, 21, 22, 23, 24, 25, 26)
_DATE_DIGITS = np.r_[0:4, 5:7, 8:10, 11:13, 14:16, 17:19]
_SEPARATORS = {4: b"-", 7: b"-", 13: b":", 16: b":"}
"""Fixed characters of the plain shape, by position."""
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int32)


def parse_timestamps(text: pl.Series) -> pl.Series:
    """Parse a String series; unparseable entries become null (Datetime("us"), naive UTC)."""
    fast = _fixed_width(text)
    if fast is None:
        return _careful(text)
    micros, ok = fast
    out = pl.Series(text.name, micros, pl.Int64).cast(pl.Datetime("us"))
    if not ok.all():
        rest = np.flatnonzero(~ok)
        out = out.scatter(rest, _careful(text.gather(rest)))
    return out


def _fixed_width(text: pl.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Microseconds and an ok-mask for a series of one plain width, else None."""
    lengths = text.str.len_bytes()
    width = lengths.max()
    if width is None or lengths.min() != width or width not in _WIDTHS:
        return None
    filled = text.fill_null(_PLAIN[:width])
    raw = filled.str.join("").item().encode("utf-8")
    if len(raw) != width * len(text):  # cannot happen for equal byte lengths; be sure
        return None
    # One row per character position: each field is a few contiguous vector operations.
    chars = np.frombuffer(raw, np.uint8).reshape(-1, width).T.copy()  # C order: rows contiguous
    chars -= np.uint8(48)  # digits become 0..9, anything else wraps to >= 10
    ok = text.is_not_null().to_numpy().copy()
    for at, sep in _SEPARATORS.items():
        ok &= chars[at] == _shifted(sep)
    middle = chars[10]
    ok &= (middle == _shifted(b"T")) | (middle == _shifted(b"t")) | (middle == _shifted(b" "))
    positions = _DATE_DIGITS if width == 19 else np.r_[_DATE_DIGITS, 20:width]
    ok &= chars[positions].max(axis=0) < 10
    if width > 19:
        ok &= chars[19] == _shifted(b".")

    def number(lo: int, hi: int) -> np.ndarray:
        value = chars[lo].astype(np.int32)
        for k in range(lo + 1, hi):
            value *= 10
            value += chars[k]
        return value

    year, month, day = number(0, 4), number(5, 7), number(8, 10)
    hour, minute, second = number(11, 13), number(14, 16), number(17, 19)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60) & (second < 60)
    late = np.flatnonzero(day > 28)  # only these can be past their month's end
    if len(late):
        y, m = year[late], month[late]
        leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
        ok[late] &= day[late] <= _MONTH_DAYS[np.where(ok[late], m, 0)] + (leap & (m == 2))
    fraction = number(20, width) * 10 ** (26 - width) if width > 19 else 0
    days = _days_from_civil(year, month, day).astype(np.int64)
    seconds = days * 86_400 + (hour * 3600 + minute * 60 + second)
    return seconds * 1_000_000 + fraction, ok


def _shifted(char: bytes) -> np.uint8:
    return np.uint8((char[0] - 48) % 256)


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm); int32
    is enough for years 0-9999."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _careful(text: pl.Series) -> pl.Series:
    """strptime with the common format, then the general pattern for what it missed."""
    fast = text.str.strptime(pl.Datetime("us"), _FAST_FORMAT, strict=False, cache=False)
    if fast.null_count() == text.null_count():
        return fast
    slow = _parse_general(text)
    return fast.fill_null(slow).alias(text.name)


def _parse_general(text: pl.Series) -> pl.Series:
    """The careful path for zones, spaces and odd fractions (only reached when needed)."""
    parts = text.str.extract_groups(_PATTERN).struct.unnest()
    date, hm, sec, frac, zone = (parts[str(i)] for i in range(1, 6))
    frame = pl.DataFrame({"date": date, "hm": hm, "sec": sec, "frac": frac, "zone": zone})
    zone_digits = pl.col("zone").str.replace_all(":", "")
    sign = pl.when(pl.col("zone").str.starts_with("-")).then(-1).otherwise(1)
    offset_minutes = (
        pl.when(pl.col("zone").is_null() | pl.col("zone").str.to_uppercase().is_in(["Z", "UTC"]))
        .then(0)
        .otherwise(
            sign
            * (
                zone_digits.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + zone_digits.str.slice(3, 2).cast(pl.Int64, strict=False).fill_null(0)
            )
        )
    )
    micros = pl.col("frac").str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64, strict=False)
    base = pl.concat_str(
        [pl.col("date"), pl.lit(" "), pl.col("hm"), pl.col("sec").fill_null(":00")]
    ).str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False, cache=False)
    out = frame.select(
        (
            base
            + pl.duration(microseconds=micros.fill_null(0))
            - pl.duration(minutes=offset_minutes)
        ).alias("ts")
    )
    return out["ts"].alias(text.name)
