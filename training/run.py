"""Command entry points shared by `logwatch train` and `python -m logwatch.training`.

An error is an `error` event (for the TUI reading JSON lines; the human display shows none)
and, for bad input, re-raised as UserError so the CLI prints it once, in one line, and exits 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from logwatch.engine.errors import UserError
from logwatch.training.models.base import FitConfig
from logwatch.training.progress import make_progress


class Interrupted(Exception):
    """SIGTERM during training: unwind (temporary folders are removed), keep the old bundle."""


def options_from_args(args: argparse.Namespace):
    from logwatch.training.train import TrainOptions

    defaults = FitConfig()
    return TrainOptions(
        source=args.source,
        out=Path(args.out) if args.out else None,
        source_name=args.source_name,
        backend=args.backend,
        window=args.window,
        adaptive_scale=args.adaptive_scale,
        target_far=args.target_far,
        alarms_per_day=args.alarms_per_day,
        max_entries=args.max_entries,
        fit=FitConfig(
            hidden=max(defaults.hidden, 2 * (args.bottleneck or 0)),
            bottleneck=args.bottleneck,
            epochs=args.epochs,
            patience=defaults.patience,
            batch_size=defaults.batch_size,
            learning_rate=defaults.learning_rate,
            seed=args.seed,
            encoder=args.encoder,
        ),
    )


def run_train(args: argparse.Namespace) -> int:
    """Train and write the bundle; 0 on success. UserError propagates (exit 2)."""
    progress = make_progress(args.progress)
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):  # noqa: ARG001
        raise Interrupted("interrupted (SIGTERM); the previous bundle is unchanged")

    signal.signal(signal.SIGTERM, on_term)
    try:
        from logwatch.training.train import train

        train(options_from_args(args), progress)
        return 0
    except UserError as error:
        progress.emit("error", message=str(error), kind="input")
        raise
    except (Interrupted, KeyboardInterrupt) as error:
        message = str(error) or "interrupted; the previous bundle is unchanged"
        progress.emit("error", message=message, kind="interrupted")
        print(f"logwatch: {message}", file=sys.stderr)
        return 130
    except Exception as error:  # an internal failure: say it in the stream, keep the trace
        progress.emit("error", message=f"{type(error).__name__}: {error}", kind="internal")
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
