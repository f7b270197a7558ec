"""`e`: incidents written to CSV or JSON lines, atomically, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass

import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.monitor.incident_export import write_incidents


@dataclass
class Row:
    server: str
    component: str
    first: int = 1_736_000_000_000_000
    last: int = 1_736_000_060_000_000
    count: int = 7
    value: float = 97.5
    expected: float = 40.0
    score: float = 9.0
    relative: float = 2.0
    reason: str = "CPU 97.5 (expected 40)"
    kind: str | None = None
    acknowledged: bool = False


ROWS = [Row("web-1", "CPU"), Row("=HYPERLINK(\"http://x\")", "-cmd", reason="@SUM(A1)", acknowledged=True)]


def test_csv_has_every_incident_and_no_cell_a_spreadsheet_would_run(tmp_path):
    out = tmp_path / "feed.csv"
    assert write_incidents(out, ROWS, factor=0.5) == 2
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["server"] == "web-1" and rows[0]["first"] == "2025-01-04T14:13:20" and rows[0]["x_thr"] == "4.0"
    assert rows[1]["server"] == "'=HYPERLINK(\"http://x\")" and rows[1]["component"] == "'-cmd"
    assert rows[1]["reason"] == "'@SUM(A1)" and rows[1]["acknowledged"] == "True"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.csv"]


def test_json_lines_keep_the_text_as_it_was(tmp_path):
    out = tmp_path / "feed.jsonl"
    write_incidents(out, ROWS, factor=1.0)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[1]["server"] == "=HYPERLINK(\"http://x\")" and rows[0]["count"] == 7


def test_bad_names_and_places_are_one_line_errors_and_leave_nothing(tmp_path):
    with pytest.raises(UserError, match="must end in"):
        write_incidents(tmp_path / "feed.txt", ROWS, 1.0)
    with pytest.raises(UserError, match="cannot write there"):
        write_incidents(tmp_path / "missing" / "feed.csv", ROWS, 1.0)
    (tmp_path / "old.csv").write_text("kept\n")
    with pytest.raises(UserError):
        write_incidents(tmp_path / "old.csv" / "x.csv", ROWS, 1.0)
    assert (tmp_path / "old.csv").read_text() == "kept\n" and sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]
