"""Batches that differ in the optional label columns (`anomalous`, `anomaly_type`).

A live log may switch between lines with labels and lines without them. Entries held back
by the streaming windower of one batch then meet the next batch's entries: scoring must
go on, and the entries that had no labels come out with null label columns.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from logwatch.engine.batch import LABEL_COLUMNS, Batch
from logwatch.engine.detect import ZScoreDetector
from logwatch.engine.export import open_writer
from logwatch.engine.headless import run_headless
from logwatch.engine.model_loader import make_detector
from logwatch.engine.parse import parse_lines
from logwatch.engine.score import Scorer

CUT = 3004
"""Where the input switches between labeled and unlabeled lines: inside a time step (9
entries a step), so the autoencoder holds entries of the first batch back."""


def _bare(lines: list[bytes]) -> list[bytes]:
    """The lines without their label fields."""
    return [json.dumps({k: v for k, v in json.loads(line).items() if k not in LABEL_COLUMNS}).encode() + b"\n"
            for line in lines]


def _batches(path: Path, labeled_first: bool) -> tuple[Batch, Batch]:
    """Two real parsed batches of the generated log: one with labels, one whose lines lack
    the label fields (in the order asked)."""
    lines = path.read_bytes().splitlines(keepends=True)[: 2 * CUT]
    bare = _bare(lines)
    first, second = (lines, bare) if labeled_first else (bare, lines)
    one = parse_lines(b"".join(first[:CUT]), where="a", first_line=1)
    two = parse_lines(b"".join(second[CUT:]), where="a", first_line=CUT + 1)
    assert one.has_labels == labeled_first and two.has_labels != labeled_first
    return one, two


def _score_all(scorer: Scorer, batches: tuple[Batch, ...]) -> tuple[list[pl.DataFrame], pl.DataFrame]:
    parts = [scorer.score(b) for b in batches] + [scorer.flush()]
    return parts, pl.concat(parts, how="diagonal")


def _check(scored: pl.DataFrame, batches: tuple[Batch, Batch], labeled_first: bool) -> None:
    """Every entry once, in order; labels as given, null where the lines had none."""
    entries = ["timestamp", "server", "component", "value"]
    given = pl.concat([b.frame.select(entries) for b in batches])
    assert scored.select(entries).equals(given)
    labeled = next(b for b in batches if b.has_labels).frame
    n = batches[0].frame.height
    labels = scored.select(LABEL_COLUMNS)
    got, nulls = (labels.head(n), labels.tail(-n)) if labeled_first else (labels.tail(-n), labels.head(n))
    assert got.equals(labeled.select(LABEL_COLUMNS))
    assert nulls["anomalous"].is_null().all() and nulls["anomaly_type"].is_null().all()


@pytest.mark.parametrize("labeled_first", [True, False], ids=["labels-then-none", "none-then-labels"])
def test_autoencoder_scores_batches_with_and_without_labels(tiny_bundle, generated, labeled_first):
    batches = _batches(generated, labeled_first)
    scorer = Scorer(make_detector("autoencoder", tiny_bundle))
    parts, scored = _score_all(scorer, batches)
    assert parts[0].height < batches[0].frame.height  # entries were held across the switch
    _check(scored, batches, labeled_first)
    # Scored normally: the same scores as the entries read in one go without any labels.
    plain = pl.concat([b.frame.drop(LABEL_COLUMNS, strict=False) for b in batches])
    reference = Scorer(make_detector("autoencoder", tiny_bundle))
    whole = pl.concat([reference.score(plain), reference.flush()])
    assert scored["reason"].equals(whole["reason"]) and scored["predicted"].equals(whole["predicted"])
    assert np.allclose(scored["score"].to_numpy(), whole["score"].to_numpy(), rtol=1e-4, equal_nan=True)
    second = scored.tail(batches[1].frame.height)
    assert second["score"].is_not_null().all()  # warm-up ended long before the switch


@pytest.mark.parametrize("labeled_first", [True, False], ids=["labels-then-none", "none-then-labels"])
def test_zscore_scores_batches_with_and_without_labels(generated, labeled_first):
    batches = _batches(generated, labeled_first)
    _, scored = _score_all(Scorer(ZScoreDetector()), batches)
    _check(scored, batches, labeled_first)
    plain = pl.concat([b.frame.drop(LABEL_COLUMNS, strict=False) for b in batches])
    assert scored.drop(LABEL_COLUMNS).equals(Scorer(ZScoreDetector()).score(plain))
    assert scored.tail(batches[1].frame.height)["score"].is_not_null().all()


def test_headless_export_with_labels_then_none(tiny_bundle, generated, tmp_path):
    batches = _batches(generated, labeled_first=True)
    out = tmp_path / "s.csv"
    summary = run_headless(batches, Scorer(make_detector("autoencoder", tiny_bundle)),
                           lambda labels: open_writer(out, labels=labels), write_all=True,
                           read_ahead=0, write_behind=0)
    n = sum(len(b) for b in batches)
    assert summary.entries == n and summary.written == n
    written = pl.read_csv(out, schema_overrides={"anomalous": pl.Boolean})
    assert written["anomalous"].head(CUT).equals(batches[0].frame["anomalous"])
    assert written["anomalous"].tail(-CUT).is_null().all()
    assert written["score"].tail(-CUT).is_not_null().all()


def test_headless_export_says_once_when_labels_come_after_its_columns_were_set(generated, tmp_path):
    """The note names the first labeled entry, not where the input happened to be cut."""
    lines = generated.read_bytes().splitlines(keepends=True)[: 2 * CUT]
    bare = _bare(lines)
    batches = (parse_lines(b"".join(bare[:CUT]), where="a", first_line=1),
               parse_lines(b"".join(bare[CUT : CUT + 5] + lines[CUT + 5 :]), where="a", first_line=CUT + 1))
    out, err = tmp_path / "s.csv", io.StringIO()
    summary = run_headless(batches, Scorer(ZScoreDetector()), lambda labels: open_writer(out, labels=labels),
                           write_all=True, read_ahead=0, write_behind=0, err=err)
    assert summary.written == sum(len(b) for b in batches)
    assert "anomalous" not in pl.read_csv(out).columns
    (line,) = err.getvalue().splitlines()
    assert f"labels start at entry {CUT + 6:,}" in line and "--eval counts the labels" in line
