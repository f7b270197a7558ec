"""A file that starts with a UTF-8 byte order mark (Windows tools write one) keeps its
first line: the mark is not part of line 1, whatever reads the file."""

from __future__ import annotations

import gzip

import pytest
from engine_support import run_cli

from logwatch.engine.parse import read_batches

BOM = b"\xef\xbb\xbf"
JSONL = b"".join(
    b'{"timestamp": "2025-01-05T00:00:%02d", "server": "a", "component": "CPU", "value": %d}\n'
    % (i, i) for i in range(5)
)
CSV = b"timestamp,server,component,value\n" + b"".join(
    b"2025-01-05T00:00:%02d,a,CPU,%d\n" % (i, i) for i in range(5)
)


@pytest.mark.parametrize("name, data", [
    ("bom.jsonl", JSONL), ("bom.csv", CSV), ("bom.jsonl.gz", JSONL), ("bom-crlf.jsonl", JSONL),
], ids=["jsonl", "csv", "gz", "crlf"])
def test_whole_file_reader_keeps_the_first_line(tmp_path, name, data):
    if "crlf" in name:
        data = data.replace(b"\n", b"\r\n")
    raw = BOM + data
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    batches = list(read_batches(path))
    assert sum(b.bad_lines for b in batches) == 0, [b.bad_samples for b in batches]
    values = [v for b in batches for v in b.frame["value"].to_list()]
    assert values == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert [b.frame["server"][0] for b in batches if b.frame.height][0] == "a"


def test_export_of_a_file_with_a_bom_and_from_stdin(tmp_path):
    log = tmp_path / "bom.jsonl"
    log.write_bytes(BOM + JSONL)
    for source, stdin in ((str(log), None), ("-", BOM + JSONL)):
        out = tmp_path / "out.csv"
        done = run_cli("tui", source, "--export", str(out), "--all", "--detector", "zscore",
                       input=stdin)
        assert done.returncode == 0, done.stderr.decode()
        assert "read 5 entries, 0 bad lines skipped" in done.stdout.decode()
        assert "not JSON" not in done.stderr.decode()
