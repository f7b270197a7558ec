"""Export writers: each format read back column by column; complete or absent; append mode."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.export import EXPORT_COLUMNS, open_writer


def scored(labels: bool) -> pl.DataFrame:
    frame = pl.DataFrame({
        "timestamp": [datetime(2025, 1, 5, 14, 22, 31, 123456), datetime(2025, 1, 5, 14, 22, 41)],
        "server": ["server_1", "web,2"],
        "component": ["CPU", "Memory"],
        "value": [95.3, 41.0],
        "anomalous": [True, False],
        "anomaly_type": ["spike", None],
        "score": [8.25, None],
        "threshold": [6.0, 6.0],
        "predicted": [True, False],
        "reason": ['CPU 95.3 vs usual 41.0 ± 2.0; "quoted"', "warming up: fewer than 30"],
        "expected": [41.0, None],
    }, schema_overrides={"timestamp": pl.Datetime("us")})
    return frame if labels else frame.drop("anomalous", "anomaly_type")


def read_back(path) -> pl.DataFrame:
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    if path.suffix == ".csv":
        frame = pl.read_csv(path, infer_schema=False)
    else:
        frame = pl.read_ndjson(path)
    casts = {"value": pl.Float64, "score": pl.Float64, "threshold": pl.Float64}
    return frame.with_columns(
        pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", time_unit="us"),
        *(pl.col(c).cast(t) for c, t in casts.items()),
        *(pl.col(c).cast(pl.String).str.to_lowercase().replace_strict({"true": True, "false": False},
                                                                     return_dtype=pl.Boolean)
          for c in ("predicted", "anomalous") if c in frame.columns),
    )


@pytest.mark.parametrize("labels", [True, False], ids=["labeled", "unlabeled"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_each_format_reads_back_column_by_column(tmp_path, suffix, labels):
    path = tmp_path / f"out{suffix}"
    writer = open_writer(path, labels=labels)
    source = scored(labels)
    writer.write(source.head(1))
    writer.write(source.tail(1))
    writer.close()
    back = read_back(path)
    expected_columns = [*EXPORT_COLUMNS, *(["anomalous"] if labels else [])]
    assert back.columns == expected_columns
    for column in expected_columns:
        assert back[column].to_list() == source[column].to_list(), column
    assert writer.rows == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_abort_leaves_no_file(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    writer = open_writer(path, labels=False)
    writer.write(scored(False))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_only_replaced_on_close(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old content\n")
    writer = open_writer(path, labels=False)
    writer.write(scored(False))
    assert path.read_text() == "old content\n"
    writer.close()
    assert path.read_text().startswith("timestamp,server,")


def test_append_mode_adds_whole_rows_and_one_header(tmp_path):
    path = tmp_path / "live.csv"
    for _ in range(2):
        writer = open_writer(path, labels=False, append=True)
        writer.write(scored(False))
        assert len(path.read_text().splitlines()) >= 3  # rows are visible before close
        writer.close()
    lines = path.read_text().splitlines()
    assert lines[0].startswith("timestamp,") and sum(l.startswith("timestamp,") for l in lines) == 1
    assert len(read_back(path)) == 4
    with pytest.raises(UserError):
        open_writer(tmp_path / "x.parquet", labels=False, append=True)


@pytest.mark.parametrize("name", ["out.txt", "out", "missing-dir/out.csv"])
def test_bad_targets_are_user_errors(tmp_path, name):
    with pytest.raises(UserError) as caught:
        open_writer(tmp_path / name, labels=False)
    assert "\n" not in str(caught.value)
