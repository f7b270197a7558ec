"""The one anomaly decision gives the same answer wherever it is taken."""

from __future__ import annotations

import numpy as np
import polars as pl

from logwatch.engine.decision import anomalous, relative
from logwatch.engine.monitor.history import History
from logwatch.engine.score import Scorer
from logwatch.engine.detect import ZScoreDetector
from logwatch.engine.generate import Simulator
from logwatch.engine.config import load_config


def test_numpy_and_polars_agree_and_unscored_entries_are_never_anomalous():
    scores = [np.nan, 0.5, 2.0, 2.0000001, 4.0]
    as_numpy = anomalous(relative(np.array(scores), 2.0))
    frame = pl.DataFrame({"score": [None, *scores[1:]]})
    as_polars = frame.select(anomalous(relative(pl.col("score"), 2.0))).to_series().to_list()
    assert as_numpy.tolist() == as_polars == [False, False, False, True, True]
    assert anomalous(relative(np.array(scores), 2.0), factor=1.5).tolist() == [False, False, False, False, True]


def test_the_scorers_predicted_is_the_monitors_flag_at_the_models_threshold():
    frame = Simulator(load_config(None), seed=5).next_chunk(3000)
    scorer = Scorer(ZScoreDetector())
    scored = pl.concat([scorer.score(frame), scorer.flush()], how="diagonal_relaxed")
    history = History(capacity=scored.height)
    positions = history.append(scored.with_columns(pl.lit(0.0).alias("expected")))
    assert scored["predicted"].sum() > 0
    assert history.flagged(positions, 1.0).tolist() == scored["predicted"].to_list()
