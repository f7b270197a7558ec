"""Reading logs: bad lines of every kind are skipped, counted and placed; formats and inputs."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.parse import MAX_LINE_BYTES, parse_lines, read_batches


def entry(i: int, **extra: object) -> dict[str, object]:
    return {"timestamp": f"2025-01-05T00:00:{i % 60:02d}.{i:06d}", "server": f"s{i % 2}",
            "component": "CPU", "value": float(i), **extra}


def line(obj: object) -> bytes:
    return (json.dumps(obj) + "\n").encode()


BAD_KINDS = {
    "not JSON": (b"this is not json\n", "not JSON"),
    "truncated JSON": (b'{"timestamp": "2025-01-05T00:00:00", "server": "s"\n', "not JSON"),
    "JSON array": (b"[1, 2, 3]\n", "not a JSON object"),
    "missing value": (line({"timestamp": "2025-01-05T00:00:00", "server": "s", "component": "CPU"}),
                      "missing field 'value'"),
    "missing server": (line({"timestamp": "2025-01-05T00:00:00", "component": "CPU", "value": 1}),
                       "missing field 'server'"),
    "missing timestamp": (line({"server": "s", "component": "CPU", "value": 1}),
                          "missing field 'timestamp'"),
    "NaN value": (b'{"timestamp": "2025-01-05T00:00:00", "server": "s", "component": "CPU", "value": NaN}\n',
                  "value is not a finite number"),
    "huge value": (b'{"timestamp": "2025-01-05T00:00:00", "server": "s", "component": "CPU", "value": 1e999}\n',
                   "value is not a finite number"),
    "text value": (line({"timestamp": "2025-01-05T00:00:00", "server": "s", "component": "CPU", "value": "high"}),
                   "value is not a number"),
    "bad timestamp": (line({"timestamp": "yesterday", "server": "s", "component": "CPU", "value": 1}),
                      "unreadable timestamp 'yesterday'"),
    "impossible date": (line({"timestamp": "2025-02-30T00:00:00", "server": "s", "component": "CPU", "value": 1}),
                        "unreadable timestamp"),
    "invalid UTF-8": (b'{"timestamp": "2025-01-05T00:00:00", "server": "s\xff\xfe", "component": "CPU", "value": 1}\n',
                      "invalid UTF-8"),
    "line over 1 MiB": (line({**entry(0), "pad": "x" * (MAX_LINE_BYTES + 10)}), "longer than 1 MiB"),
}


def good_lines(n: int, start: int = 0) -> list[bytes]:
    return [line(entry(i)) for i in range(start, start + n)]


@pytest.mark.parametrize("chunk_bytes", [8 << 20, 700], ids=["one-chunk", "small-chunks"])
@pytest.mark.parametrize("kind", list(BAD_KINDS))
def test_each_bad_line_kind_is_counted_placed_and_skipped(tmp_path, kind, chunk_bytes):
    bad, reason = BAD_KINDS[kind]
    before, after = good_lines(40), good_lines(40, start=40)
    path = tmp_path / "logs.jsonl"
    path.write_bytes(b"".join(before) + bad + b"".join(after))
    batches = list(read_batches(path, chunk_bytes=chunk_bytes))
    assert sum(b.bad_lines for b in batches) == 1
    samples = [s for b in batches for s in b.bad_samples]
    assert [s.where for s in samples] == [f"{path}:41"]
    assert reason in samples[0].reason
    frame = pl.concat([b.frame for b in batches])
    # Every good entry, in order, with its own value: the bad line shifted nothing.
    assert frame["value"].to_list() == [float(i) for i in range(80)]
    assert frame["server"].to_list() == [f"s{i % 2}" for i in range(80)]


def test_many_bad_lines_in_one_chunk_fast_and_slow_paths_agree(tmp_path):
    lines = good_lines(3000)
    bad_at = [5, 17, 18, 999, 2400, 2999]
    for i in bad_at:
        lines[i] = b"garbage\n"
    batch = parse_lines(b"".join(lines), where="f", first_line=101)
    assert batch.bad_lines == len(bad_at)
    assert [s.where for s in batch.bad_samples] == [f"f:{101 + i}" for i in bad_at[:5]]
    assert batch.frame["value"].to_list() == [float(i) for i in range(3000) if i not in bad_at]


def test_blank_lines_are_ignored_and_line_numbers_stay_exact():
    chunk = line(entry(1)) + b"\n   \n\r\n" + b"oops\n" + line(entry(2))
    batch = parse_lines(chunk, where="x", first_line=1)
    assert batch.bad_lines == 1 and batch.bad_samples[0].where == "x:5"
    assert batch.frame["value"].to_list() == [1.0, 2.0]


def test_extra_fields_ignored_labels_optional():
    chunk = line({**entry(1), "host_ip": "10.0.0.1", "nested": {"a": [1]}}) + line(entry(2))
    batch = parse_lines(chunk, where="x", first_line=1)
    assert batch.frame.columns == ["timestamp", "server", "component", "value"]
    labeled = parse_lines(line({**entry(1), "anomalous": True, "anomaly_type": "spike"})
                          + line({**entry(2), "anomalous": False}), where="x", first_line=1)
    assert labeled.frame["anomalous"].to_list() == [True, False]
    assert labeled.frame["anomaly_type"].to_list() == ["spike", None]


def test_a_line_without_a_label_is_unlabeled_whatever_chunk_it_lands_in():
    labeled, bare = line({**entry(1), "anomalous": True, "anomaly_type": "spike"}), line(entry(2))
    together = parse_lines(labeled + bare, where="x", first_line=1).frame
    alone = parse_lines(bare, where="x", first_line=2).frame
    assert "anomalous" not in alone.columns  # a chunk of unlabeled lines has no label column
    assert together["anomalous"].to_list() == [True, None]
    assert together["anomaly_type"].to_list() == ["spike", None]


@pytest.mark.parametrize("text, expected", [
    ("2025-01-05T14:22:31.123456", datetime(2025, 1, 5, 14, 22, 31, 123456)),
    ("2025-01-05T14:22:31", datetime(2025, 1, 5, 14, 22, 31)),
    ("2025-01-05 14:22:31", datetime(2025, 1, 5, 14, 22, 31)),
    ("2025-01-05T14:22:31Z", datetime(2025, 1, 5, 14, 22, 31)),
    ("2025-01-05T14:22:31.5+02:00", datetime(2025, 1, 5, 12, 22, 31, 500000)),
    ("2025-01-05T01:22:31-0330", datetime(2025, 1, 5, 4, 52, 31)),
    ("2025-01-05T14:22:31.123456789", datetime(2025, 1, 5, 14, 22, 31, 123456)),
    ("2025-01-05T14:22", datetime(2025, 1, 5, 14, 22)),
    ("2025-01-05 00:30:00.000000+05:30", datetime(2025, 1, 4, 19, 0)),
])
def test_timestamp_forms_become_naive_utc(text, expected):
    batch = parse_lines(line({"timestamp": text, "server": "s", "component": "c", "value": 1}),
                        where="x", first_line=1)
    assert batch.bad_lines == 0
    assert batch.frame["timestamp"].to_list() == [expected]
    assert batch.frame.schema["timestamp"] == pl.Datetime("us")


def test_gzip_and_plain_give_the_same_entries(tmp_path):
    data = b"".join(good_lines(500)) + b"bad\n"
    plain, packed = tmp_path / "a.jsonl", tmp_path / "a.jsonl.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    a = list(read_batches(plain))
    b = list(read_batches(packed, chunk_bytes=1000))
    assert pl.concat([x.frame for x in a]).equals(pl.concat([x.frame for x in b]))
    assert [s.where for x in b for s in x.bad_samples] == [f"{packed}:501"]


def test_stdin_is_read_to_the_end():
    data = b"".join(good_lines(300)) + b"{broken\n"
    code = ("import sys; from logwatch.engine.parse import read_batches\n"
            "bs = list(read_batches('-', chunk_bytes=512))\n"
            "print(sum(len(b) for b in bs), sum(b.bad_lines for b in bs), bs[-1].bad_samples[0].where)")
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().split() == ["300", "1", "<stdin>:301"]


def test_csv_with_server_and_labels(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("timestamp,server,component,value,anomalous\n"
                    "2025-01-05T00:00:00,web1,CPU,12.5,false\n"
                    "2025-01-05 00:00:10,web1,CPU,99.0,true\n"
                    "2025-01-05T00:00:20,web1,CPU,oops,false\n"
                    "2025-01-05T00:00:30,web1,CPU\n"
                    "2025-01-05T00:00:40,web2,Memory,40,0\n")
    batches = list(read_batches(path))
    frame = pl.concat([b.frame for b in batches])
    assert frame.select("server", "component", "value", "anomalous").rows() == [
        ("web1", "CPU", 12.5, False), ("web1", "CPU", 99.0, True), ("web2", "Memory", 40.0, False)]
    places = [(s.where, s.reason) for b in batches for s in b.bad_samples]
    assert places == [(f"{path}:4", "value is not a number"), (f"{path}:5", "expected 5 fields, found 3")]


def test_single_series_csv_from_nab(tmp_path):
    source = Path("/work/shared/data/nab-aws/ec2_cpu_utilization_24ae8d.csv")
    if not source.exists():
        pytest.skip("NAB sample data not present")
    frame = pl.concat([b.frame for b in read_batches(source, chunk_bytes=10_000)])
    assert frame.height == 4032
    assert frame["server"].unique().to_list() == ["ec2_cpu_utilization_24ae8d"]
    assert frame["component"].unique().to_list() == ["value"]
    assert frame["timestamp"][0] == datetime(2014, 2, 14, 14, 30)
    assert frame["value"][0] == 0.132


def test_unreadable_inputs_raise_one_line_user_errors(tmp_path):
    not_gzip = tmp_path / "x.jsonl.gz"
    not_gzip.write_bytes(b"plain text\n")
    truncated = tmp_path / "t.jsonl.gz"
    truncated.write_bytes(gzip.compress(b"".join(good_lines(2000)))[:-40])
    unknown = tmp_path / "weird.txt"
    unknown.write_text("hello world\n")
    for path in (tmp_path / "missing.jsonl", tmp_path, not_gzip, truncated, unknown):
        with pytest.raises(UserError) as caught:
            list(read_batches(path))
        message = str(caught.value)
        assert str(path) in message and "\n" not in message


def test_overlong_line_longer_than_a_chunk(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(line(entry(1)) + b"{" + b"x" * (3 * MAX_LINE_BYTES) + b"\n" + line(entry(2)))
    batches = list(read_batches(path, chunk_bytes=64 * 1024))
    assert sum(b.bad_lines for b in batches) == 1
    assert [s.where for b in batches for s in b.bad_samples] == [f"{path}:2"]
    assert pl.concat([b.frame for b in batches])["value"].to_list() == [1.0, 2.0]


def test_last_line_without_newline_is_read(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(line(entry(1)) + line(entry(2)).rstrip(b"\n"))
    assert pl.concat([b.frame for b in read_batches(path)])["value"].to_list() == [1.0, 2.0]


def _padded(i: int, size: int) -> bytes:
    """An entry line of exactly `size` bytes (without its ending)."""
    short = json.dumps({**entry(i), "pad": ""}).encode()
    return short[:-2] + b"x" * (size - len(short)) + short[-2:]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_the_over_long_rule_is_the_tails_whatever_the_line_ending(tmp_path, ending):
    """A line of exactly MAX_LINE_BYTES is kept, one byte more is skipped; the ending does
    not count (whole files use the tail's line splitter)."""
    path = tmp_path / "edge.jsonl"
    path.write_bytes(ending.join([_padded(1, MAX_LINE_BYTES), _padded(2, MAX_LINE_BYTES + 1),
                                  line(entry(3)).rstrip(b"\n")]) + ending)
    for chunk_bytes in (8 << 20, 64 * 1024):
        batches = list(read_batches(path, chunk_bytes=chunk_bytes))
        assert pl.concat([b.frame for b in batches])["value"].to_list() == [1.0, 3.0]
        assert [(s.where, s.reason) for b in batches for s in b.bad_samples] == [
            (f"{path}:2", "line longer than 1 MiB")]
