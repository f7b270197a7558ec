"""The feed's search language: fields, comparisons, wildcards, free text, clear errors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from logwatch.engine.monitor.feed_query import QueryError, parse_query


@dataclass
class Row:
    server: str
    component: str
    reason: str = ""
    kind: str | None = None
    score: float = 1.0
    relative: float = 1.0
    count: int = 1
    value: float = 0.0


ROWS = [
    Row("web-1", "CPU", "CPU 97 (expected 40)", "spike", score=8.0, relative=2.0, count=3),
    Row("web-10", "Memory", "Memory drifting", "drift", score=3.0, relative=0.75),
    Row("db-1", "Disk", "disk full", None, score=12.0, relative=3.0, count=40),
]


def kept(text: str, factor: float = 1.0) -> list[str]:
    query = parse_query(text)
    return [f"{r.server}/{r.component}" for r in ROWS if query.matches(r, factor)]


def test_fields_free_text_and_comparisons_combine():
    assert kept("") == ["web-1/CPU", "web-10/Memory", "db-1/Disk"]
    assert kept("server:web") == ["web-1/CPU", "web-10/Memory"]
    assert kept("server:web-1") == ["web-1/CPU", "web-10/Memory"]  # contains, as lnav's filters
    assert kept("server:web-1 component:cpu") == ["web-1/CPU"]
    assert kept("server:WEB-*0") == ["web-10/Memory"]  # a wildcard anchors both ends
    assert kept("score>5") == ["web-1/CPU", "db-1/Disk"]
    assert kept("score>=3 score<12") == ["web-1/CPU", "web-10/Memory"]
    assert kept("count=40") == ["db-1/Disk"]
    assert kept("kind:drift") == ["web-10/Memory"]
    assert kept("disk full") == ["db-1/Disk"]
    assert kept("server:web disk") == []


def test_thr_is_relative_to_the_threshold_in_use():
    assert kept("thr>1") == ["web-1/CPU", "db-1/Disk"]
    assert kept("thr>1", factor=2.5) == ["db-1/Disk"]  # a threshold raised 2.5x


@pytest.mark.parametrize("text, words", [
    ("score>abc", "number"), ("sever:web", "no field 'sever'"), ("server:", "should contain"),
])
def test_a_bad_term_is_named(text, words):
    with pytest.raises(QueryError, match=words) as error:
        parse_query(text)
    assert text in str(error.value)
