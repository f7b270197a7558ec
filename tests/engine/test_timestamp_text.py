"""The export's timestamps built with numpy are the text polars' strftime gives."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from logwatch.engine.export.columns import TIMESTAMP_FORMAT
from logwatch.engine.export.timestamp_text import timestamp_text


def _check(micros: np.ndarray) -> None:
    column = pl.Series("timestamp", micros, pl.Int64).cast(pl.Datetime("us"))
    assert timestamp_text(column).to_list() == column.dt.strftime(TIMESTAMP_FORMAT).to_list()


def test_every_day_of_the_accepted_range_and_any_time_of_day():
    rng = np.random.default_rng(7)
    latest = int((datetime(2200, 1, 1) - datetime(1970, 1, 1)).total_seconds()) * 1_000_000
    day = 86_400_000_000
    _check(np.arange(0, latest + day, day))  # leap years, 1972, 2000, not 2100
    _check(rng.integers(0, latest, 200_000))
    _check(np.array([0, 1, 999_999, 1_000_000, day - 1, latest]))


def test_a_column_it_cannot_vouch_for_goes_through_polars():
    column = pl.Series("timestamp", [0, None], pl.Int64).cast(pl.Datetime("us"))
    assert timestamp_text(column).to_list() == column.dt.strftime(TIMESTAMP_FORMAT).to_list()
    before_1970 = pl.Series("timestamp", [-1, 5], pl.Int64).cast(pl.Datetime("us"))
    assert timestamp_text(before_1970).to_list() == before_1970.dt.strftime(TIMESTAMP_FORMAT).to_list()
    assert timestamp_text(column.head(0)).to_list() == []


def test_int32_arithmetic_holds_to_the_last_four_digit_year():
    last = int((datetime(9999, 12, 31, 23, 59, 59, 999_999) - datetime(1970, 1, 1)).total_seconds() * 1_000_000)
    last = last // 1_000_000 * 1_000_000 + 999_999  # the float above may round the microseconds
    rng = np.random.default_rng(11)
    _check(np.concatenate([rng.integers(0, last, 100_000), [last]]))
