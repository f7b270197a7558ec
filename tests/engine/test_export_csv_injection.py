"""CSV injection (OWASP): text cells that a spreadsheet would run as a formula are written
with a leading `'`; numbers, and the JSON-lines and Parquet exports, stay as they are."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from engine_support import run_cli

from logwatch.engine.export import open_writer

NAMES = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "web-1", "a=b"]
SAFE = ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd", "web-1", "a=b"]


def _scored() -> pl.DataFrame:
    n = len(NAMES)
    return pl.DataFrame({
        "timestamp": [datetime(2025, 1, 5, 0, 0, i) for i in range(n)],
        "server": NAMES,
        "component": list(reversed(NAMES)),
        "value": [-3.5] * n,
        "score": [-1.25] * n,
        "threshold": [6.0] * n,
        "predicted": [True] * n,
        "reason": [f"-{i} vs usual" for i in range(n)],
    }, schema_overrides={"timestamp": pl.Datetime("us")})


@pytest.mark.parametrize("append", [False, True], ids=["export", "follow"])
def test_csv_text_cells_cannot_start_a_formula(tmp_path, append):
    out = tmp_path / "out.csv"
    writer = open_writer(out, labels=False, append=append)
    writer.write(_scored())
    writer.close()
    back = pl.read_csv(out, infer_schema=False)
    assert back["server"].to_list() == SAFE
    assert back["component"].to_list() == list(reversed(SAFE))
    assert back["reason"].to_list() == [f"'-{i} vs usual" for i in range(len(NAMES))]
    assert set(back["value"]) == {"-3.5"} and set(back["score"]) == {"-1.25"}
    assert set(back["threshold"]) == {"6.0"}


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_other_formats_keep_text_as_it_came(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    writer = open_writer(out, labels=False)
    writer.write(_scored())
    writer.close()
    back = pl.read_parquet(out) if suffix == ".parquet" else pl.read_ndjson(out)
    assert back["server"].to_list() == NAMES


def test_export_of_a_log_with_a_formula_for_a_server(tmp_path):
    log, out = tmp_path / "log.jsonl", tmp_path / "out.csv"
    log.write_bytes(b"".join(
        b'{"timestamp": "2025-01-05T00:%02d:00", "server": "=1+2", "component": "@CPU", "value": -%d}\n'
        % (m, m) for m in range(40)))
    done = run_cli("tui", str(log), "--export", str(out), "--all", "--detector", "zscore")
    assert done.returncode == 0, done.stderr.decode()
    back = pl.read_csv(out, infer_schema=False)
    assert set(back["server"]) == {"'=1+2"} and set(back["component"]) == {"'@CPU"}
    assert back["value"][3] == "-3.0"
