"""Timestamps as people write them, turned into naive UTC microseconds, all at once.

Accepted: ISO 8601 with or without a fraction and a zone (`Z`, `+02:00`, `+0200`, `+02`),
a space instead of `T` (NAB's `YYYY-MM-DD HH:MM:SS`), and minutes without seconds.
Anything else becomes null, which the caller reports as a bad line.
"""

from __future__ import annotations

import polars as pl

_FAST_FORMAT = "%Y-%m-%dT%H:%M:%S%.f"
_PATTERN = (
    r"^\s*(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2})?(?:[.,](\d+))?"
    r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$"
)


def parse_timestamps(text: pl.Series) -> pl.Series:
    """Parse a String series; unparseable entries become null (Datetime("us"), naive UTC)."""
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
