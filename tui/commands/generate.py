"""`logwatch generate`: synthetic server logs, as fast as possible or on a live clock."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from logwatch.engine.errors import UserError
from logwatch.engine.files import apply_umask

DEFAULT_DURATION = 86400.0
"""Fast mode without --entries or --duration writes one simulated day."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate", help="write synthetic server logs (JSON lines) with labeled anomalies",
        description="Simulate servers with daily patterns and inject labeled anomalies. "
                    "Without --live, --rate or --speed, writes as fast as possible.",
    )
    parser.add_argument("--config", metavar="PATH", help="config.json to use (default: the shipped one)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--entries", type=int, metavar="N", help="number of entries to write")
    size.add_argument("--duration", type=float, metavar="SECONDS", help="simulated seconds to write")
    parser.add_argument("--start", metavar="ISO", help="first timestamp (default: 2025-01-05T00:00:00, "
                        "or now on a live clock)")
    parser.add_argument("--seed", type=int, help="random seed (default: the config's); same seed, same bytes")
    parser.add_argument("--out", metavar="PATH", help="output file (default: standard output); "
                        "fast mode replaces it atomically, live mode appends")
    clock = parser.add_mutually_exclusive_group()
    clock.add_argument("--live", action="store_true", help="real-time clock (same as --speed 1)")
    clock.add_argument("--rate", type=float, metavar="N", help="live: N entries per second of real time")
    clock.add_argument("--speed", type=float, metavar="X", help="live: simulated time runs X times faster than real time")
    parser.set_defaults(run=run)


def _start(args: argparse.Namespace, live: bool) -> datetime | None:
    if args.start is None:
        return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) if live else None
    try:
        value = datetime.fromisoformat(args.start)
    except ValueError:
        raise UserError(f"--start: expected an ISO timestamp like 2025-01-05T14:00:00, got {args.start!r}") from None
    return value.replace(tzinfo=None)


def _check(args: argparse.Namespace) -> None:
    for name in ("entries", "duration", "rate", "speed"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise UserError(f"--{name}: expected a positive number, got {value:g}")
    if args.seed is not None and args.seed < 0:
        raise UserError(f"--seed: expected a whole number >= 0, got {args.seed}")


def run(args: argparse.Namespace) -> int:
    from logwatch.engine.config import load_config
    from logwatch.engine.generate import Simulator

    _check(args)
    live = args.live or args.rate is not None or args.speed is not None
    config = load_config(args.config)
    sim = Simulator(config, seed=args.seed, start=_start(args, live))
    per_step = config.entries_per_step
    rows = args.entries
    if args.duration is not None:
        rows = int(round(args.duration / config.frequency_seconds)) * per_step
    if live:
        rate = args.rate if args.rate is not None else (args.speed or 1.0) * per_step / config.frequency_seconds
        return _run_live(sim, args.out, rate, rows)
    if rows is None:
        rows = int(round(DEFAULT_DURATION / config.frequency_seconds)) * per_step
    return _run_fast(sim, args.out, rows)


def _run_fast(sim, out_path: str | None, rows: int) -> int:
    from logwatch.engine.generate.live import write_fast

    if out_path is None:
        write_fast(sim, sys.stdout.buffer, rows)
        return 0
    target = Path(out_path)
    if target.parent and not target.parent.is_dir():
        raise UserError(f"--out: folder {str(target.parent)!r} does not exist")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            write_fast(sim, out, rows)
        apply_umask(temp)  # mkstemp made it owner-only
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
    return 0


def _run_live(sim, out_path: str | None, rate: float, rows: int | None) -> int:
    from logwatch.engine.generate.live import write_live

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if out_path is None:
        write_live(sim, sys.stdout.buffer, rate, rows, stop)
        return 0
    try:
        out: BinaryIO = open(out_path, "ab")
    except OSError as error:
        raise UserError(f"--out: cannot open {out_path!r} ({error.strerror})") from None
    with out:
        write_live(sim, out, rate, rows, stop)
    return 0
