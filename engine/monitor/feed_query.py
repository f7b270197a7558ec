"""The feed's search language, as in lnav's filters: `server:web-1 component:cpu score>5
kind:drift disk full` keeps the incidents that match every term.

- `field:text` (server, component, kind, reason): the field contains `text`, any case;
  `*` matches any run of characters (`server:web-*`, `server:web-1*`).
- `field>N`, `>=`, `<`, `<=`, `=` (score, thr, count, value): a number compared; `thr` is
  the peak's score over the threshold in use (×thr in the feed).
- Any other word: the server, component, reason or kind contains it, any case.

A malformed term raises `QueryError` naming it; nothing else here knows about Textual.
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

TEXT_FIELDS = ("server", "component", "kind", "reason")
NUMBER_FIELDS = ("score", "thr", "count", "value")
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "=": operator.eq,
}
_NUMBER_TERM = re.compile(r"^([a-z]+)(>=|<=|>|<|=)(.*)$")


class QueryError(ValueError):
    """A term the search language does not understand."""


class Searchable(Protocol):
    server: str
    component: str
    reason: str
    kind: str | None
    score: float
    relative: float
    count: int
    value: float


@dataclass(frozen=True)
class FeedQuery:
    """A parsed query; `matches(incident, factor)` is what the feed filters with."""

    text: str
    tests: tuple[Callable[[Searchable, float], bool], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tests)

    def matches(self, incident: Searchable, factor: float) -> bool:
        """Whether `incident` passes every term; `factor` is the threshold in the model's
        units (1.0 = the model's own), for `thr`."""
        return all(test(incident, factor) for test in self.tests)


def parse_query(text: str) -> FeedQuery:
    """Parse `text` (see the module docstring); raises QueryError on a bad term."""
    tests = tuple(_term(word) for word in text.split())
    return FeedQuery(text.strip(), tests)


def _term(word: str) -> Callable[[Searchable, float], bool]:
    lowered = word.lower()
    field, colon, wanted = lowered.partition(":")
    if colon and field in TEXT_FIELDS:
        if not wanted:
            raise QueryError(f"{word!r}: say what {field} should contain, e.g. {field}:web")
        pattern = wanted if "*" in wanted else f"*{wanted}*"
        return lambda incident, _factor: fnmatch.fnmatchcase(_text(incident, field), pattern)
    compared = _NUMBER_TERM.match(lowered)
    if compared and compared.group(1) in NUMBER_FIELDS:
        name, sign, number = compared.groups()
        try:
            limit = float(number)
        except ValueError:
            raise QueryError(f"{word!r}: {name} is compared with a number, e.g. {name}{sign}5") from None
        compare = COMPARISONS[sign]
        return lambda incident, factor: compare(_number(incident, name, factor), limit)
    if colon and field.isalpha() and field not in TEXT_FIELDS:
        known = ", ".join(f"{f}:" for f in TEXT_FIELDS) + ", " + ", ".join(f"{f}>" for f in NUMBER_FIELDS)
        raise QueryError(f"{word!r}: no field {field!r}; fields: {known}")
    return lambda incident, _factor: any(lowered in _text(incident, f) for f in TEXT_FIELDS)


def _text(incident: Searchable, field: str) -> str:
    return str(getattr(incident, field) or "").lower()


def _number(incident: Searchable, field: str, factor: float) -> float:
    if field == "thr":
        return incident.relative / factor if factor > 0 else float("nan")
    return float(getattr(incident, field))
