"""`python -m bench.quality [--only generated|nab] [--backend B] [--target-far R]
[--train-days D] [--eval-days D] [--adaptive-scale]`: prints
Markdown tables (they go into the README) with measured numbers."""

from __future__ import annotations

import argparse
import sys

from logwatch.training.cli_args import DEFAULT_TARGET_FAR


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality")
    parser.add_argument("--only", choices=("generated", "nab"))
    parser.add_argument("--backend", choices=("keras", "sklearn"))
    parser.add_argument("--target-far", type=float, default=DEFAULT_TARGET_FAR)
    parser.add_argument("--nab-target-far", type=float, default=None, help="default: --target-far")
    parser.add_argument("--train-days", type=float, default=7.0)
    parser.add_argument("--eval-days", type=float, default=3.0)
    parser.add_argument("--adaptive-scale", action="store_true", help="train the NAB models with --adaptive-scale")
    args = parser.parse_args()
    if args.only in (None, "generated"):
        from bench.quality import generated

        result, info = generated.run(
            backend=args.backend, target_far=args.target_far,
            train_days=args.train_days, eval_days=args.eval_days,
        )
        print("### Generated data\n")
        print(generated.markdown(result, info), flush=True)
    if args.only in (None, "nab"):
        from bench.quality import nab

        target = args.nab_target_far or args.target_far
        print("\n### Real data (NAB AWS)\n")
        results = nab.run(backend=args.backend, target_far=target, adaptive_scale=args.adaptive_scale)
        print(nab.markdown(results, target), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
