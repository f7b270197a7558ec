"""A million lines at once: read in bounded pieces, memory stays far below the burst's size.

The tailer runs in its own process so its peak memory (VmHWM) can be measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest

from logwatch.engine.config import load_config
from logwatch.engine.generate import Simulator, encode_json_lines

LINES = 1_000_000

CHILD = """
import json, sys
from logwatch.engine.sources.tail import TailSource

def peak_kb():  # this process's own high-water mark (ru_maxrss would include the parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

path, expected = sys.argv[1], int(sys.argv[2])
source = TailSource(path, from_start=True)
entries = bad = batches = biggest = 0
print("READY", peak_kb(), flush=True)
for batch in source:
    if batches == 0:
        base = peak_kb()  # after the first parse: polars and its pools are loaded
    batches += 1
    entries += len(batch)
    bad += batch.bad_lines
    biggest = max(biggest, len(batch))
    if entries + bad >= expected:
        break
print(json.dumps({"entries": entries, "bad": bad, "batches": batches, "biggest": biggest,
                  "base_kb": base, "peak_kb": peak_kb()}), flush=True)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_a_million_line_burst_is_read_with_bounded_memory(tmp_path):
    path = tmp_path / "burst.jsonl"
    path.write_bytes(b"")
    burst = encode_json_lines(Simulator(load_config(None), seed=5, start=datetime(2025, 1, 5)).next_rows(LINES))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(LINES)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().startswith("READY")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.write(fd, burst)  # all at once
        os.close(fd)
        result = json.loads(child.stdout.readline())
    finally:
        child.kill()
        child.wait()
    assert result["entries"] == LINES and result["bad"] == 0
    assert result["batches"] >= len(burst) // (1 << 20)  # pieces of at most 1 MiB
    grown_mb = (result["peak_kb"] - result["base_kb"]) / 1024
    assert grown_mb < len(burst) / (1 << 20) / 4, (grown_mb, len(burst) >> 20)
