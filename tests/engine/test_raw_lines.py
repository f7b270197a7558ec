"""The lines behind an incident, found in the real file with their line numbers."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from logwatch.engine.monitor.raw_lines import lines_in_file


def us(text: str) -> int:
    return round(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1_000_000)


def write(path, n: int, *, offset: str = "") -> None:
    rows = []
    for i in range(n):
        for component in ("CPU", "Disk"):
            stamp = f"2025-01-05T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}{offset}"
            rows.append(json.dumps({"timestamp": stamp, "server": "web-1", "component": component, "value": i}))
    path.write_text("\n".join(rows) + "\n")


def test_the_peak_line_and_its_neighbours_with_line_numbers(tmp_path):
    log = tmp_path / "server_logs.txt"
    write(log, 30_000)  # ~5 MB: the search crosses block boundaries
    found = lines_in_file(str(log), "web-1", "Disk", us("2025-01-05T01:00:00"))
    peak = [line for line in found.lines if line.peak]
    assert len(peak) == 1 and peak[0].number == 2 * 3600 + 2  # CPU then Disk per second
    assert '"Disk"' in peak[0].text and '"01:00:00' not in peak[0].text and "T01:00:00" in peak[0].text
    text = log.read_text().splitlines()
    assert [line.text for line in found.lines] == text[peak[0].number - 4: peak[0].number + 3]
    assert [line.number for line in found.lines] == list(range(peak[0].number - 3, peak[0].number + 4))


def test_offsets_in_the_file_match_the_utc_time_of_the_entry(tmp_path):
    log = tmp_path / "log.jsonl"
    write(log, 100, offset="+02:00")
    found = lines_in_file(str(log), "web-1", "CPU", us("2025-01-04T22:00:05"))
    assert [line.number for line in found.lines if line.peak] == [11]
    assert found.lines[0].number == 8  # three before it


def test_a_line_that_is_gone_gets_a_note(tmp_path):
    log = tmp_path / "log.jsonl"
    write(log, 10)
    found = lines_in_file(str(log), "web-1", "CPU", us("2025-01-06T00:00:00"))
    assert found.lines == () and "not in the last" in (found.note or "")
    missing = lines_in_file(str(tmp_path / "gone.jsonl"), "web-1", "CPU", 0)
    assert missing.lines == () and "cannot open" in (missing.note or "")


def test_the_first_lines_of_a_file_have_no_lines_before_them(tmp_path):
    log = tmp_path / "log.jsonl"
    write(log, 5)
    found = lines_in_file(str(log), "web-1", "CPU", us("2025-01-05T00:00:00"))
    assert [(line.number, line.peak) for line in found.lines] == [(1, True), (2, False), (3, False), (4, False)]
