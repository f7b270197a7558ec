"""After a copy-truncate the tailer reads what it had not read yet from the copy beside
the file: which files count as the copy, and the tailer's order of reading, stepped by
hand so that nothing depends on timing."""

from __future__ import annotations

import os
import shutil

from tail_support import append, numbered

from logwatch.engine.sources.file_identity import OpenFile
from logwatch.engine.sources.line_tail import TRUNCATED_REASON, LineTailer
from logwatch.engine.sources.rotated_copy import copy_candidates, find_copy


def _aged(path, seconds_ago: float) -> None:
    stamp = 1_700_000_000 - seconds_ago
    os.utime(path, (stamp, stamp))


def test_candidates_are_logrotates_names_newest_first_never_compressed(tmp_path):
    names = ["app.log.1", "app.log-20250105", "app.log.20250105", "app.1.log",
             "app-20250105.log", "app.log.2.gz", "app.log.3.xz", "other.log", "app.log"]
    for age, name in enumerate(names):
        (tmp_path / name).write_bytes(b"x\n")
        _aged(tmp_path / name, age)
    (tmp_path / "app.log.d").mkdir()
    found = copy_candidates(str(tmp_path / "app.log"))
    assert [os.path.basename(p) for p in found] == names[:5]


def _reading(path, lines: int) -> OpenFile:
    """The file opened and read up to the end of its line `lines`, as the tailer would."""
    opened = OpenFile(str(path))
    opened.rewritten()  # the tailer's check before each read remembers the first line
    opened.read(len(numbered(0, lines)))
    return opened


def test_the_copy_is_the_file_with_our_first_line_and_at_least_what_we_read(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(numbered(0, 100))
    original = _reading(path, 60)
    (tmp_path / "app.log.1").write_bytes(numbered(0, 100, b"other"))  # another first line
    (tmp_path / "app.log.2").write_bytes(numbered(0, 30))  # shorter than what we read
    (tmp_path / "app.log.3").write_bytes(numbered(0, 1) + numbered(1, 100, b"else"))
    (tmp_path / "app.log.4.gz").write_bytes(numbered(0, 100))  # compressed: left alone
    shutil.copyfile(path, tmp_path / "app.log.5")
    for age, name in enumerate(["app.log.1", "app.log.2", "app.log.3", "app.log.4.gz"]):
        _aged(tmp_path / name, age)  # every wrong one is newer than the copy
    _aged(tmp_path / "app.log.5", 100)

    copy = find_copy(original)
    assert copy is not None and os.path.basename(copy.path) == "app.log.5"
    assert copy.offset == original.offset
    assert copy.read(1 << 20) == numbered(60, 100)
    copy.close()

    os.unlink(tmp_path / "app.log.5")
    assert find_copy(original) is None  # the near misses stay misses
    original.close()


def test_nothing_read_yet_then_the_whole_copy_is_unread(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(numbered(0, 10))
    original = _reading(path, 0)
    shutil.copyfile(path, tmp_path / "app.log-20250105")
    copy = find_copy(original)
    assert copy is not None and copy.read(1 << 20) == numbered(0, 10)
    copy.close()
    original.close()


def test_tailer_reads_the_rest_of_the_copy_then_the_truncated_file(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(numbered(0, 100) + b"half")
    notices: list[str] = []
    tailer = LineTailer(path, from_start=True, poll=True, poll_seconds=0.01,
                        on_notice=notices.append)
    pieces = iter(tailer)  # the tailer reads only when asked: each step is ours to time
    first = next(pieces)
    assert [(run.first_line, run.data) for run in first.runs] == [(1, numbered(0, 100))]

    # Written, copied, then emptied before the tailer looked again; the copy ends with
    # half a line, and writing goes on in the emptied file.
    append(path, b" done\n" + numbered(101, 150) + b"cut sho")
    shutil.copyfile(path, tmp_path / "app.log.1")
    os.truncate(path, 0)
    append(path, numbered(0, 10, b"after"))

    from_copy = next(pieces)
    assert [(run.first_line, run.data) for run in from_copy.runs] == [
        (101, b"half done\n" + numbered(101, 150))
    ]
    refilled = next(pieces)
    assert refilled.skipped == [(151, TRUNCATED_REASON)]  # the copy's half line
    restarted = refilled if refilled.runs else next(pieces)
    assert [(run.first_line, run.data) for run in restarted.runs] == [
        (1, numbered(0, 10, b"after"))
    ]
    tailer.stop()
    assert any("reading the rest of its copy" in n and "app.log.1" in n for n in notices)
