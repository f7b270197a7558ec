"""Permission denied: a clear message, and the tailer keeps trying until it can read.

Root reads any file, so the tailer runs in a subprocess; as root that subprocess first gives
up the two capabilities that let root ignore file permissions."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import pytest

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_root_file_powers() -> None:
    """Runs in the child before exec: root without these obeys file permissions."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

SCRIPT = """
import sys
from logwatch.engine.sources.line_tail import LineTailer
tailer = LineTailer(sys.argv[1], from_start=True, recheck_seconds=0.2,
                    on_notice=lambda m: print("NOTICE", m, flush=True))
for lines in tailer:
    for run in lines.runs:
        for text in run.data.splitlines():
            print("LINE", text.decode(), flush=True)
"""


def _reader(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line.rstrip("\n"))


def _expect(out: queue.Queue, prefix: str, seen: list[str]) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            line = out.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        if line.startswith(prefix):
            return line
    raise AssertionError(f"never saw {prefix!r}; saw {seen}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux permissions")
def test_permission_denied_is_reported_and_retried(tmp_path):
    path = str(tmp_path / "app.log")
    with open(path, "wb") as out:
        out.write(b"hello\nworld\n")
    os.chmod(path, 0o000)
    as_root = os.geteuid() == 0
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, path], stdout=subprocess.PIPE, text=True,
        cwd=tmp_path, preexec_fn=_drop_root_file_powers if as_root else None,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        notice = _expect(lines, "NOTICE", seen)
        assert notice == f"NOTICE cannot read {path}: permission denied; retrying"
        os.chmod(path, 0o644)
        assert _expect(lines, "LINE", seen) == "LINE hello"
        assert _expect(lines, "LINE", seen) == "LINE world"
    finally:
        process.terminate()
        process.wait(10)
