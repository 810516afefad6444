"""Wall time of ``iamctl simulate principal`` on a quota-size store (target: under 0.5 s).

    python bench/make_store.py --users 5000 --groups 300 --policies 1500 --out /tmp/big.toml
    python bench/simulate_bench.py --store /tmp/big.toml [--principal user1] [--runs 5]

Each run is a fresh ``python -m iamctl`` process, as a script would call it, so the time
includes startup and the store read (the parsed-store cache is warmed by one run first).
Without a store the benchmark says so and exits 0, so it can sit in a bench loop before
make_store.py exists.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTIONS = ["s3:GetObject", "s3:PutObject", "dynamodb:Scan", "iam:PassRole", "ec2:RunInstances"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="A quota-size store (see bench/make_store.py).")
    parser.add_argument("--principal", default="user1")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--target", type=float, default=0.5, help="Seconds; report whether the median meets it.")
    args = parser.parse_args()
    if args.store is None or not args.store.exists():
        print(f"simulate_bench: skipped: no store at {args.store} (make one with bench/make_store.py).")
        return 0
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": cache, "IAMCTL_STORE": str(args.store)}
        argv = [sys.executable, "-m", "iamctl", "simulate", "principal", args.principal, "--output", "json",
                "--at", "2024-05-01T00:00:00Z", "--resource", "arn:aws:s3:::bench/key"]
        for action in ACTIONS:
            argv += ["--action", action]
        first = _time(argv, env)  # also warms the parsed-store cache
        times = [_time(argv, env) for _ in range(args.runs)]
    median = statistics.median(times)
    verdict = "meets" if median <= args.target else "MISSES"
    print(f"simulate principal {args.principal}, {len(ACTIONS)} actions, store {args.store} "
          f"({args.store.stat().st_size / 1e6:.1f} MB)")
    print(f"  cold (no cache): {first:.3f} s")
    print(f"  warm: median {median:.3f} s, min {min(times):.3f} s over {args.runs} runs "
          f"({verdict} the {args.target} s target)")
    return 0


def _time(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1 = some action denied, a normal answer
        raise SystemExit(f"simulate_bench: iamctl failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())
