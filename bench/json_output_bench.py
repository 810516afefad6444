"""--output json at quota size (target: `account authorization-details` in at most 0.35 s
warm), and the encoder alone against json.dumps(indent=4).

    python bench/make_store.py --users 5000 --groups 300 --policies 1500 --out /tmp/big.toml
    python bench/json_output_bench.py --store /tmp/big.toml [--runs 7]

Each command run is a fresh ``python -m iamctl`` process (the parsed-store cache is warmed
by one run first); wall and CPU (user + system of the child) are reported, median of the
runs. On a machine shared with other work, CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMANDS = [
    ["account", "authorization-details", "--output", "json"],
    ["user", "list", "--output", "json"],
]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "iamctl", *argv], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"json_output_bench: iamctl {' '.join(argv)} failed: {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def encoder_times(text: str, rounds: int = 5) -> tuple[float, float, bool]:
    from iamctl.cli import json_out

    data = json.loads(text)

    def best(fn) -> float:
        times = []
        for _ in range(rounds):
            start = time.process_time()
            fn(data)
            times.append(time.process_time() - start)
        return min(times)

    reference = best(lambda d: json.dumps(d, indent=4, ensure_ascii=False))
    fast = best(json_out.dumps)
    return reference, fast, json_out.dumps(data) == json.dumps(data, indent=4, ensure_ascii=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="A quota-size store (see bench/make_store.py).")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--target", type=float, default=0.35)
    args = parser.parse_args()
    if args.store is None or not args.store.exists():
        print(f"json_output_bench: skipped: no store at {args.store} (make one with bench/make_store.py).")
        return 0
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": cache, "IAMCTL_STORE": str(args.store)}
        print(f"store {args.store} ({args.store.stat().st_size / 1e6:.1f} MB), median of {args.runs} warm runs")
        for argv in COMMANDS:
            _, _, out = run_once(argv, env)  # warms the cache
            runs = [run_once(argv, env) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            verdict = ""
            if argv[:2] == ["account", "authorization-details"]:
                verdict = f"  target {args.target} s: {'meets' if min(wall, cpu) <= args.target else 'MISSES'}"
            print(f"  iamctl {' '.join(argv):45s} wall {wall:.3f} s  CPU {cpu:.3f} s  "
                  f"output {len(out) / 1e6:.1f} MB{verdict}")
            if argv[:2] == ["account", "authorization-details"]:
                reference, fast, same = encoder_times(out)
                print(f"    encoder alone: json.dumps(indent=4) {reference:.3f} s, json_out.dumps {fast:.3f} s "
                      f"({reference / fast:.1f}x), identical: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
