"""The columnar z-score gives exactly what the per-series code gave, on cases that take
every path of the statistics (see zscore_cases.py), however the input is cut."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from logwatch.engine.detect import ZScoreDetector
from zscore_cases import cases, golden, score_cases


def test_scores_match_the_per_series_implementation():
    assert_frame_equal(score_cases(ZScoreDetector()), golden(), check_exact=True)


def test_one_batch_scores_as_many():
    frame, cuts = cases()
    whole = ZScoreDetector().score(frame)
    detector = ZScoreDetector()
    parts = pl.concat([detector.score(frame.slice(a, b - a)) for a, b in zip(cuts, cuts[1:])])
    assert_frame_equal(parts, whole, check_exact=True)
