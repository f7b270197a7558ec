"""At most one notification per server and component per period (wall-clock time)."""

from __future__ import annotations

PRUNE_KEYS = 10_000
"""Past this many remembered keys, the ones whose period is over are forgotten."""


class RateLimit:
    """Remembers when each key last notified; `every` seconds (0: no limit)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._last: dict[tuple[str, str], float] = {}

    def allows(self, key: tuple[str, str], now: float) -> bool:
        last = self._last.get(key)
        return last is None or now - last >= self.every

    def record(self, key: tuple[str, str], now: float) -> None:
        """`key` notified at `now` (only what was really queued counts)."""
        self._last[key] = now
        if len(self._last) > PRUNE_KEYS:
            self._last = {k: t for k, t in self._last.items() if now - t < self.every}
