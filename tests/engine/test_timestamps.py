"""Timestamp parsing: the numpy fast path for plain fixed-width stamps agrees with the careful
path, and with dates built independently, for every width it reads and for broken stamps."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from logwatch.engine.parse.timestamps import _careful, parse_timestamps

EPOCH = datetime(1970, 1, 1)


def _random_datetimes(n: int, seed: int) -> list[datetime]:
    rng = np.random.default_rng(seed)
    micros = rng.integers(-2_000_000_000_000_000, 250_000_000_000_000_000, n)
    micros[:4] = [  # leap days and a year end, which the day-of-month check must accept
        (datetime(2024, 2, 29, 23, 59, 59, 999_999) - EPOCH) // timedelta(microseconds=1),
        (datetime(2000, 2, 29) - EPOCH) // timedelta(microseconds=1),
        (datetime(1999, 12, 31, 23, 59, 59) - EPOCH) // timedelta(microseconds=1),
        (datetime(2025, 1, 5, 14, 22, 31, 123_456) - EPOCH) // timedelta(microseconds=1),
    ]
    return [EPOCH + timedelta(microseconds=int(m)) for m in micros]


@pytest.mark.parametrize("digits", [0, 1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("sep", ["T", " ", "t"])
def test_plain_stamps_of_every_width_parse_to_the_same_instant(digits, sep):
    stamps = _random_datetimes(3000, seed=digits)
    text = [d.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + (f".{d.microsecond:06d}"[: digits + 1] if digits else "")
            for d in stamps]
    got = parse_timestamps(pl.Series("timestamp", text)).to_list()
    scale = 10 ** (6 - digits)
    want = [d.replace(microsecond=d.microsecond // scale * scale) for d in stamps]
    assert got == want


def _broken(text: list[str], seed: int) -> list[str | None]:
    """Same-width stamps with one character changed, some fields out of range, some nulls."""
    rng = np.random.default_rng(seed)
    out: list[str | None] = list(text)
    for i in rng.choice(len(out), 400, replace=False):
        s = out[i]
        assert s is not None
        j = int(rng.integers(0, len(s)))
        out[i] = s[:j] + chr(int(rng.integers(32, 127))) + s[j + 1 :]
    for i, bad in zip(rng.choice(len(out), 8, replace=False),
                      ["2025-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-06-00"]):
        out[i] = bad + out[i][10:]  # type: ignore[index]
    for i in rng.choice(len(out), 20, replace=False):
        out[i] = None
    return out


@pytest.mark.parametrize("fmt", ["%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"])
def test_broken_stamps_get_what_the_careful_path_gives(fmt):
    text = [d.strftime(fmt) for d in _random_datetimes(5000, seed=9)]
    series = pl.Series("timestamp", _broken(text, seed=4))
    fast, careful = parse_timestamps(series), _careful(series)
    assert fast.null_count() > 300  # the breakage really produced unreadable stamps
    assert fast.equals(careful)


def test_mixed_widths_zones_and_nulls_take_the_careful_path():
    series = pl.Series("timestamp", ["2025-01-05T14:22:31.5", "2025-01-05T14:22:31Z", None,
                                     "2025-01-05T16:22:31+02:00", "2025-01-05 14:22", "soon"])
    got = parse_timestamps(series).to_list()
    at = datetime(2025, 1, 5, 14, 22, 31)
    assert got == [at.replace(microsecond=500_000), at, None, at, at.replace(second=0), None]
