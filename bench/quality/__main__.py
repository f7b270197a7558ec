"""`python -m bench.quality [--only generated|nab|servers] [--backend B] [--target-far R]
[--train-days D] [--eval-days D] [--adaptive-scale] [--datasets SMD ASD] [--entities E ...]`: prints
Markdown tables (they go into docs/quality.md) with measured numbers."""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality")
    parser.add_argument("--only", choices=("generated", "nab", "servers"))
    parser.add_argument("--backend", choices=("keras", "sklearn"))
    parser.add_argument("--target-far", type=float, default=None, help="default: logwatch train's (a daily budget)")
    parser.add_argument("--nab-target-far", type=float, default=None, help="default: --target-far")
    parser.add_argument("--train-days", type=float, default=7.0)
    parser.add_argument("--eval-days", type=float, default=3.0)
    parser.add_argument("--adaptive-scale", action="store_true", help="train the NAB models with --adaptive-scale")
    parser.add_argument("--datasets", nargs="+", default=["SMD", "ASD"], help="servers: which data sets")
    parser.add_argument("--entities", nargs="+", default=[], help="servers: only these entities")
    parser.add_argument("--reuse-models", action="store_true", help="servers: score with the models of the last run")
    parser.add_argument("--tag", default="default", help="servers: name of the cache folder of models and scores")
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
        print(nab.markdown(results), flush=True)
    if args.only in (None, "servers"):
        from bench.quality import servers

        print("\n### Real server metrics (SMD, ASD)\n")
        results = servers.run(
            backend=args.backend, datasets=tuple(args.datasets), entities=tuple(args.entities),
            reuse=args.reuse_models, tag=args.tag,
        )
        print(servers.markdown(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
