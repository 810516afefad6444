"""How long a TAB takes on a quota-size store (target: <= 150 ms).

    python bench/completion_bench.py [--runs 10] [--users 5000 --groups 300 --policies 1500]

Each TAB is what the shell scripts run: a fresh ``iamctl __complete -- WORDS`` process (the
installed console script when there is one, else ``python -m iamctl``). Printed per line
typed: the first TAB just after a write (``user tag``) and the median of the following
ones, wall time, with ``python -c pass`` for reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_store import generate  # noqa: E402

LINES = [
    ("nouns", ["us"]),
    ("user names", ["user", "get", "user12"]),
    ("policy names (customer + AWS)", ["user", "attach-policy", "user1", "AmazonS3"]),
    ("actions", ["simulate", "principal", "user1", "--action", "ec2:Run"]),
    ("option values", ["user", "list", "--output", ""]),
]


def command() -> list[str]:
    script = Path(sys.executable).parent / "iamctl"
    found = str(script) if script.exists() else shutil.which("iamctl")
    return [found] if found else [sys.executable, "-m", "iamctl"]


def tab(words: list[str], env: dict[str, str]) -> tuple[float, list[str]]:
    start = time.perf_counter()
    out = subprocess.run([*command(), "__complete", "--", *words], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout.splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--policies", type=int, default=1500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.toml"
        store.write_text(generate(args.users, args.groups, args.policies), encoding="utf-8")
        os.chmod(store, 0o600)
        env = {**os.environ, "IAMCTL_STORE": str(store), "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        env.pop("IAMCTL_ACCOUNT", None)
        subprocess.run([*command(), "user", "list", "--output", "json"], env=env, capture_output=True, check=True)
        floor = statistics.median(
            _time([sys.executable, "-c", "pass"], env) for _ in range(args.runs)
        )
        print(f"store: {args.users} users, {args.groups} groups, {args.policies} policies "
              f"({store.stat().st_size / 1e6:.1f} MB); command: {' '.join(command())}")
        print(f"python -c pass: {floor * 1000:.0f} ms")
        print(f"{'line typed':34} {'first TAB':>10} {'median TAB':>11} candidates")
        worst = 0.0
        for n, (label, words) in enumerate(LINES):
            # a write (which refreshes the store's own cache): the first TAB after it reads
            # the store again to refresh its names
            subprocess.run([*command(), "user", "tag", "user1", f"bench={n}"], env=env, check=True)
            first, _ = tab(words, env)
            times = []
            for _ in range(args.runs):
                took, found = tab(words, env)
                times.append(took)
            median = statistics.median(times)
            worst = max(worst, median)
            print(f"{label:34} {first * 1000:>8.0f} ms {median * 1000:>8.0f} ms {len(found) - 1}")
        print(f"slowest median TAB: {worst * 1000:.0f} ms (target <= 150 ms)")
    return 0


def _time(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
