"""Command-line options of `logwatch train` / `python -m logwatch.training` and `logwatch eval`.

Shared by the TUI's CLI and the training package's own entry point, so both accept the
same options. Light: importing it loads argparse only.
"""

from __future__ import annotations

import argparse

from logwatch.training.models.base import ENCODERS, FitConfig

DEFAULT_ALARMS_PER_DAY = 2.0
"""False alarms a server may raise per day of normal data: the automatic threshold flags
this many of a day's time steps (`engine.threshold.step_budget`), so the budget reads the
same whatever the log's step (2 in 8,640 steps of 10 s, 2 in 288 steps of 5 minutes)."""

DEFAULT_MAX_ENTRIES = 1_000_000
"""Larger logs are sampled down to this many entries (contiguous blocks spread evenly).
A week of 3 servers x 3 metrics every 10 s (544,320 entries) is kept whole: every cut
between sampled blocks restarts the slow baseline, and 200,000 sampled entries of that
week trained a model with F1 0.929 on unseen days instead of 0.974."""


def add_train_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    defaults = FitConfig()
    parser.add_argument("source", help="log file to learn from (.jsonl, .jsonl.gz, .csv, or - for stdin)")
    parser.add_argument("--out", metavar="DIR", help="bundle folder to write (default: the per-user models folder)")
    parser.add_argument(
        "--backend",
        choices=("keras", "sklearn"),
        help="keras (TensorFlow) or sklearn; default keras when TensorFlow is installed",
    )
    parser.add_argument(
        "--encoder", choices=ENCODERS,
        help="conv: 1-D convolutions read each window's shape (keras; the default with it); dense: dense layers only (the default with sklearn)",
    )
    parser.add_argument("--window", type=_positive_int, metavar="W", help="time steps per window (default: the engine's, 16)")
    parser.add_argument("--epochs", type=_positive_int, default=defaults.epochs, metavar="N", help=f"most epochs (early stopping usually ends sooner; default {defaults.epochs})")
    parser.add_argument("--bottleneck", type=_positive_int, default=None, metavar="K", help="units in the narrowest layer (default: half the components, at least 4)")
    parser.add_argument("--seed", type=int, default=defaults.seed, metavar="S", help="random seed for a reproducible run (default 0)")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--alarms-per-day", type=_positive_float, default=DEFAULT_ALARMS_PER_DAY, metavar="N", help=f"false alarms a server may raise per day of normal data (default {DEFAULT_ALARMS_PER_DAY:g})")
    budget.add_argument("--target-far", type=_rate, default=None, metavar="R", help="instead: the share of a server's normal time steps flagged, e.g. 0.001")
    parser.add_argument(
        "--adaptive-scale", action="store_true",
        help="widen the scale when a metric's noise grows after training (fewer false alarms, fewer detections)",
    )
    parser.add_argument("--max-entries", type=_positive_int, default=DEFAULT_MAX_ENTRIES, metavar="N", help=f"sample larger logs down to N entries (default {DEFAULT_MAX_ENTRIES})")
    parser.add_argument("--progress", choices=("jsonl",), help="jsonl: one JSON event per line on stdout (for the TUI)")
    parser.add_argument("--source-name", metavar="TEXT", help="what model.json calls the training data (default: SOURCE)")
    return parser


def add_eval_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("source", help="labeled log file to score (needs the `anomalous` field)")
    parser.add_argument("--model", metavar="DIR", help="bundle folder (default: the per-user models folder)")
    parser.add_argument("--charts", metavar="DIR", help="where to write unseen_data_errors.png (default: the bundle's charts/)")
    parser.add_argument("--threshold", metavar="X", help="use this threshold instead of the bundle's")  # checked in run_eval
    parser.add_argument("--no-trace-back", action="store_true", help="count only entries over the threshold, without tracing each confirmed alarm back to where it began")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 2, got {text!r}") from None
    if not value > 0.0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a rate such as 0.001, got {text!r}") from None
    if not 0.0 < value < 0.5:
        raise argparse.ArgumentTypeError(f"expected a rate between 0 and 0.5, got {value}")
    return value
