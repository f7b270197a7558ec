"""`open_source`, the one way to open SOURCE: a `.gz` is read whole, never followed; `-`
is read to its end, never followed; a plain file is followed or read whole as asked."""

from __future__ import annotations

import gzip

import polars as pl
import pytest

from logwatch.engine.errors import UserError
from logwatch.engine.sources.open import SourceSpec, can_follow, open_source
from logwatch.engine.sources.tail import TailSource
from logwatch.engine.sources.whole_file import WholeFile

KEY = ["timestamp", "server", "component", "value"]


def _lines(count: int) -> bytes:
    return b"".join(
        b'{"timestamp": "2025-01-05T00:%02d:%02d", "server": "s%d", "component": "CPU", "value": %d}\n'
        % (i // 60 % 60, i % 60, i % 3, i) for i in range(count))


def _frame(source) -> pl.DataFrame:
    return pl.concat([batch.frame for batch in source]).select(KEY)


def test_a_gz_file_is_read_whole_like_the_plain_file(tmp_path):
    data = _lines(3000) + b"not json\n"
    plain, packed = tmp_path / "a.jsonl", tmp_path / "a.jsonl.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    source = open_source(SourceSpec(str(packed)))
    assert isinstance(source, WholeFile) and source.name == f"read {packed}"
    batches = list(source)
    assert sum(b.frame.height for b in batches) == 3000
    assert [s.where for b in batches for s in b.bad_samples] == [f"{packed}:3001"]
    assert _frame(batches).equals(_frame(open_source(SourceSpec(str(plain)))))


def test_following_a_gz_file_or_standard_input_is_a_one_line_error(tmp_path):
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(_lines(10)))
    with pytest.raises(UserError) as caught:
        open_source(SourceSpec(str(packed), follow=True))
    assert str(caught.value) == f"--follow {packed}: a compressed file cannot be followed"
    with pytest.raises(UserError, match=r"^--follow needs a log file path \(standard input cannot be followed\)$"):
        open_source(SourceSpec("-", follow=True))
    assert not can_follow(str(packed)) and not can_follow("-") and can_follow(str(tmp_path / "a.jsonl"))


def test_a_file_to_read_whole_is_opened_at_once_a_followed_one_may_come_later(tmp_path):
    missing = tmp_path / "later.jsonl"
    with pytest.raises(UserError, match=f"cannot read {missing}"):
        open_source(SourceSpec(str(missing)))
    with pytest.raises(UserError, match=f"cannot read {missing}.gz"):
        open_source(SourceSpec(f"{missing}.gz"))
    follower = open_source(SourceSpec(str(missing), follow=True, backfill="5"))
    assert isinstance(follower, TailSource) and follower.name == f"tail {missing}"

