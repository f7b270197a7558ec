"""`logwatch eval SOURCE --model DIR`: score a labeled log and compare with the z-score baseline."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from logwatch.training.cli_args import add_eval_arguments

    parser = subparsers.add_parser(
        "eval", help="evaluate a model bundle on a labeled log (confusion matrix, F1, per kind)",
        description="Score unseen labeled logs with the bundle's autoencoder and with the z-score "
                    "detector; print the confusion matrix, precision, recall, F1 and recall per "
                    "anomaly_type side by side, and write unseen_data_errors.png.",
    )
    add_eval_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from logwatch.training.evaluate_cmd import run_eval

    return run_eval(args)
