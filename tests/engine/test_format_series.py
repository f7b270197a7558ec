"""`format_series` writes every number as `fmt_number` does, edge cases included."""

from __future__ import annotations

import numpy as np
import polars as pl

from logwatch.engine.detect.base import fmt_number, format_series

EDGES = [None, float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 5e-324, 0.00012345, 99.94, 99.95,
         99.96, -99.95, 100.0, 999.4, 999.5, 999.6, -999.5, 1000.0, 1000.5, 1001.5, -1000.5, 1e15,
         9.2e18, 9.3e18, 1e300, -1e300, 123456.789, 1 / 3, 2.5, -2.5, 1234.5]


def _both(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    return format_series(values), values.to_frame().select(fmt_number(pl.col(values.name))).to_series()


def test_same_text_as_fmt_number_on_edges_and_every_magnitude():
    rng = np.random.default_rng(0)
    spread = rng.normal(0, 1, 50_000) * 10.0 ** rng.integers(-8, 22, 50_000)
    for values in (pl.Series("v", EDGES, pl.Float64), pl.Series("v", spread), pl.Series("v", spread[:10] + 500),
                   pl.Series("v", [1.5, 2.25]), pl.Series("v", [], pl.Float64)):
        fast, plain = _both(values)
        assert fast.to_list() == plain.to_list()
