"""Time `account export` (each format) and `account import` on a quota-size account.

    python bench/import_export.py [--users 5000 --groups 300 --policies 1500]

Makes a store with bench/make_store.py, exports it in each format, imports the
authorization details into an empty store, and prints wall time and peak memory (max RSS)
of each command, run as a separate process as a user would. It prints numbers; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MiB) of one iamctl command in a child process."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "iamctl", *argv], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"iamctl {' '.join(argv)} failed: {proc.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--policies", type=int, default=1500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "big.toml"
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_store.py"), "--users", str(args.users),
                        "--groups", str(args.groups), "--policies", str(args.policies), "--out", str(store)],
                       check=True, capture_output=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store), "XDG_CACHE_HOME": str(work / "c")}
        run(["account", "get"], env)  # warm the read cache, as a second command would find it
        print(f"account: {args.users} users, {args.groups} groups, {args.policies} customer managed policies")
        print(f"{'command':<48} {'seconds':>8} {'peak MiB':>9} {'file MB':>8}")
        for fmt, name in (("authorization-details", "ad.json"), ("cloudformation", "iam.json"),
                          ("terraform", "iam.tf.json")):
            out = work / name
            seconds, peak = run(["account", "export", "--format", fmt, "--file", str(out)], env)
            print(f"{'export --format ' + fmt:<48} {seconds:8.2f} {peak:9.0f} {out.stat().st_size / 1e6:8.1f}")
        env["IAMCTL_STORE"] = str(work / "imported.toml")
        seconds, peak = run(["account", "import", str(work / "ad.json"), "--output", "json"], env)
        print(f"{'import (into no store)':<48} {seconds:8.2f} {peak:9.0f}")
        seconds, peak = run(["account", "import", str(work / "ad.json"), "--replace", "--output", "json"], env)
        print(f"{'import --replace (same account)':<48} {seconds:8.2f} {peak:9.0f}")


if __name__ == "__main__":
    main()
