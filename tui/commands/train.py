"""`logwatch train SOURCE`: fit an autoencoder on a log and write a model bundle."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from logwatch.training.cli_args import add_train_arguments

    parser = subparsers.add_parser(
        "train", help="train the autoencoder on a log and write a model bundle",
        description="Read a log (sampled when large), build the engine's windows, fit an "
                    "autoencoder (Keras or scikit-learn), export it to ONNX, calibrate the "
                    "alarm threshold and write the bundle (model.onnx, model.json, charts/).",
    )
    add_train_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from logwatch.training.run import run_train

    return run_train(args)
