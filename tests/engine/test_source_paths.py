"""expand_sources: several paths, globs with `**` and folders, to one sorted list of files."""

from __future__ import annotations

import os

import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.sources.paths import expand_sources


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n")
    return str(path)


def test_globs_folders_and_paths_expand_sorted_once(tmp_path):
    a = _touch(tmp_path / "archive" / "2025" / "b.jsonl.gz")
    b = _touch(tmp_path / "archive" / "a.jsonl.gz")
    _touch(tmp_path / "archive" / "notes.md")
    (tmp_path / "archive" / "dir.jsonl.gz").mkdir()  # a folder matching the glob is no file
    logs = tmp_path / "logs"
    web = _touch(logs / "web-2.log")
    db = _touch(logs / "db.CSV")
    gz = _touch(logs / "web-1.txt.gz")
    _touch(logs / "core.dump")
    _touch(logs / "sub" / "deep.log")  # a folder's own files only
    os.symlink(logs / "gone", logs / "dangling.log")
    found = expand_sources([str(tmp_path / "archive" / "**" / "*.jsonl.gz"), str(logs), web, "-"])
    assert found == [a, b, db, gz, web, "-"]  # each glob and folder sorted; web-2.log once


def test_a_plain_path_passes_through_for_the_reader_to_report(tmp_path):
    assert expand_sources([str(tmp_path / "missing.jsonl")]) == [str(tmp_path / "missing.jsonl")]


def test_an_empty_glob_or_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match=r"no file matches"):
        expand_sources([str(tmp_path / "*.jsonl")])
    (tmp_path / "empty").mkdir()
    _touch(tmp_path / "empty" / "readme.md")
    with pytest.raises(UserError, match=r"holds no log files"):
        expand_sources([str(tmp_path / "empty")])
