"""Time of the ``iamctl access`` questions on the quota-size store with roles.

    python bench/access_bench.py [--store PATH] [--runs 3]

Without --store it writes one with bench/make_store.py (5,000 users, 300 groups, 1,500
policies, 1,000 roles) into a temporary directory, and a second copy that differs by one
policy's document for ``access diff``. Each run is a fresh ``python -m iamctl`` process,
as a script would call it (startup and store read included; the parsed-store cache is
warmed by one run first). Wall time depends on what else the machine runs, so the CPU
time the process used is printed beside it. Targets (issue 13): who-can <= 2 s, access
can for one user <= 1 s, diff of two such stores <= 3 s, paths for all principals <= 10 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import make_store  # noqa: E402 (bench/ is not a package)

CHANGED_FROM = "table/t7\""
CHANGED_TO = "table/*\""


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "iamctl", *argv], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # 1 is a "no" answer (nobody / a path / a gain)
        raise SystemExit(f"access_bench: iamctl {' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _stores(folder: Path, given: Path | None) -> tuple[Path, Path]:
    """The store, and a copy of it where one customer managed policy grants more."""
    base = given or folder / "access-bench.toml"
    if given is None:
        make_store.write(base, make_store.generate(5000, 300, 1500, roles=1000))
    text = base.read_text(encoding="utf-8")
    if CHANGED_FROM not in text:
        raise SystemExit(f"access_bench: {base} has no policy7 on table t7 to change (use bench/make_store.py).")
    changed = folder / "access-bench-changed.toml"
    make_store.write(changed, text.replace(CHANGED_FROM, CHANGED_TO, 1))
    return base, changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="A make_store.py --roles 1000 store (default: write one).")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base, changed = _stores(folder, args.store)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(folder / "cache"),
               "IAMCTL_STORE": str(base)}
        at = ["--at", "2024-05-01T00:00:00Z", "--output", "json"]
        cases = [
            ("who-can s3:GetObject on one object", 2.0,
             ["access", "who-can", "s3:GetObject", "--resource", "arn:aws:s3:::home/user7/report.csv", *at]),
            ("access can user7", 1.0, ["access", "can", "user7", *at]),
            ("diff of two stores differing by one policy", 3.0, ["access", "diff", str(base), str(changed), *at]),
            ("paths for all principals", 10.0, ["access", "paths", *at]),
        ]
        print(f"store {base} ({base.stat().st_size / 1e6:.1f} MB): 5,000 users, 300 groups, 1,500 policies, "
              "1,000 roles")
        for label, target, argv in cases:
            cold = _run(argv, env)  # warms the parsed-store cache of both stores
            runs = [_run(argv, env) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            verdict = "meets" if cpu <= target else "MISSES"
            print(f"  {label}: cold {cold[0]:.2f} s; warm median {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"({verdict} the {target:g} s target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
