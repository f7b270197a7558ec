"""Following a folder of many files headless, in a real subprocess: `logwatch tui DIR
--follow --export OUT` scores every valid line of 20 files exactly once while each is
rotated and appended, and picks up a file added midway; 1,000 files are followed with one
inotify watch and a bounded number of threads."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fleet_harness import FleetWriter, exactly_once

WAIT_SECONDS = 60.0


def _follow(out: Path, *sources: str | Path, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    command = [sys.executable, "-m", "logwatch.tui", "tui", *map(str, sources), "--export", str(out),
               "--follow", "--all", "--detector", "zscore", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _wait_for_stderr(process: subprocess.Popen, pattern: str) -> list[str]:
    """Read stderr lines until one matches `pattern` (the rest is left to `_stop`)."""
    seen = []
    for raw in process.stderr:
        seen.append(raw.decode().rstrip("\n"))
        if re.search(pattern, seen[-1]):
            return seen
    raise AssertionError(f"the follower never said {pattern!r}: {seen}")


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def _wait_until_stable(out: Path, seconds: float = 2.0) -> None:
    last, since, deadline = -1, time.monotonic(), time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        size = out.stat().st_size if out.exists() else -1
        if size != last:
            last, since = size, time.monotonic()
        elif size > 0 and time.monotonic() - since >= seconds:
            return
        time.sleep(0.05)
    raise AssertionError(f"{out} never settled")


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    """Stop the follower; its stdout and the rest of its stderr. Read through the pipes' file
    objects: `communicate` reads the raw descriptors and would lose what `_wait_for_stderr`'s
    iteration had already buffered."""
    process.send_signal(signal.SIGTERM)
    rest: list[bytes] = []
    reader = threading.Thread(target=lambda: rest.append(process.stderr.read()), daemon=True)
    reader.start()
    stdout = process.stdout.read()
    reader.join(WAIT_SECONDS)
    process.wait(WAIT_SECONDS)
    stderr = b"".join(rest).decode()
    assert process.returncode == 0, stderr
    return stdout.decode(), stderr


def test_a_folder_of_20_files_rotated_and_appended_scores_every_valid_line_once(tmp_path):
    logs, out = tmp_path / "logs", tmp_path / "scored.jsonl"
    writer = FleetWriter(logs, 20, seed=5)
    writer.create(lines_each=50)
    process = _follow(out, logs, extra=("--from-start",))
    try:
        said = _wait_for_stderr(process, r"^logwatch: following 20 files in 1 folder")
        written = writer.run(seconds=2.5, rate=4_000)
        _wait_until_stable(out)
    finally:
        writer.close()
        stdout, stderr = _stop(process)
    stderr = "\n".join(said) + "\n" + stderr
    assert set(written.rotations) == {"rename", "rename_ext", "copytruncate", "copytruncate_ext", "delete"}
    assert sum(written.rotations.values()) == 20 and len(written.valid) > 8_000 and written.bad_lines > 100
    scored = [row["value"] for row in _rows(out)]
    assert exactly_once(written.valid, [int(v) for v in scored]) == []
    summary = re.search(r"read ([\d,]+) entries, ([\d,]+) bad lines skipped", stdout)
    assert summary, stdout
    assert int(summary[1].replace(",", "")) == len(written.valid)
    assert int(summary[2].replace(",", "")) == written.bad_lines
    # Bad lines are placed in their own file with that file's line numbers.
    reported = re.findall(r"logwatch: skipped (\S+):(\d+): ", stderr)
    assert reported and all((Path(path).name, int(line)) in written.bad for path, line in reported)
    assert re.search(rf"new file \S*{written.new_file}; reading it from its start", stderr), stderr
    assert not re.search(r"new file \S*(web-02\.1\.log|web-04-20250105\.log)", stderr)  # rotated, not new
    assert "reading the rest of its copy" in stderr  # a copy-truncate caught the follower behind


def _inotify_watches(pid: int) -> int:
    """inotify watches the process holds: one `inotify wd:` line per watch in fdinfo."""
    watches = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:inotify":
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                watches += sum(line.startswith("inotify wd:") for line in info)
        except OSError:  # closed meanwhile
            continue
    return watches


def _threads(process: subprocess.Popen) -> int:
    return len(os.listdir(f"/proc/{process.pid}/task"))


def test_a_thousand_files_take_one_watch_and_no_more_threads_than_one_file(tmp_path):
    logs, out = tmp_path / "logs", tmp_path / "scored.jsonl"
    FleetWriter(logs, 1_000, seed=6, bad_share=0.0).create(lines_each=2)
    FleetWriter(tmp_path / "one", 1, seed=6, bad_share=0.0).create(lines_each=2)
    process = _follow(out, logs, extra=("--from-start",))
    single = _follow(tmp_path / "single.jsonl", tmp_path / "one", extra=("--from-start",))
    try:
        _wait_for_stderr(process, r"^logwatch: following 1,000 files in 1 folder")
        _wait_for_stderr(single, r"^logwatch: following 1 file in 1 folder")
        _wait_until_stable(out)
        _wait_until_stable(tmp_path / "single.jsonl")
        assert _inotify_watches(process.pid) == 1  # the folder, not each file
        threads = _threads(process)  # main, read-ahead, write-behind, the watch, libraries' pools
        assert threads <= _threads(single) + 1, (threads, _threads(single))
        added = logs / "web-1001.log"
        added.write_text(json.dumps({"timestamp": "2025-01-05T01:00:00", "server": "new",
                                     "component": "CPU", "value": -1}) + "\n")
        _wait_for_stderr(process, r"new file \S*web-1001.log; reading it from its start")
        assert _threads(process) <= threads
    finally:
        _stop(single)
        stdout, _ = _stop(process)
    assert re.search(r"read 2,001 entries", stdout), stdout
