"""`--notify CMD` and `--notify-every DURATION`, checked before any work, and shown."""

from __future__ import annotations

import math

from logwatch.engine.errors import UserError

UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def parse_every(text: str, option: str = "--notify-every") -> float:
    """Seconds from "300" (seconds), "90s", "5m" or "1h"; "0" lifts the limit.
    Raises UserError naming `option` for anything else."""
    value = text.strip().lower()
    unit = UNITS.get(value[-1:])
    try:
        amount = float(value[:-1] if unit else value)
    except ValueError:
        amount = math.nan
    if not (math.isfinite(amount) and amount >= 0):
        raise UserError(f"{option}: expected seconds (300) or a duration (90s, 5m, 1h), got {text!r}")
    return amount * (unit or 1.0)


def notify_options(command: str | None, every: str | None, default: float) -> tuple[str | None, float]:
    """The command (None: no notifications) and the rate limit in seconds, from the two
    options as typed. Raises UserError for an empty command or `--notify-every` alone."""
    if command is not None and not command.strip():
        raise UserError("--notify: expected a shell command, got an empty one")
    seconds = default if every is None else parse_every(every)
    if every is not None and command is None:
        raise UserError("--notify-every needs --notify CMD")
    return command, seconds


def format_every(seconds: float) -> str:
    """The shortest of "1h", "5m", "90s" that says `seconds` exactly (else seconds)."""
    for suffix, size in (("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{suffix}"
    return f"{seconds:g}s"
