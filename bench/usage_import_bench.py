"""CPU and wall time of ``iamctl billing usage import`` as the file grows (target: 100,000
rows in at most 10 s, growing linearly).

    python bench/usage_import_bench.py [--rows 12500 25000 50000 100000]

Each size is imported into a fresh one-account store by a separate ``python -m iamctl``
process with ``--output json``, as a script would run it. CPU time (user + system of the
child) is the figure to compare: wall time on a shared machine drifts with the load. The
last column, microseconds of CPU per row, stays flat when the import is linear.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    with path.open("w") as fh:
        fh.write("account_id,service,usage_type,quantity,month,unit\n")
        for i in range(rows):
            fh.write(f"{ACCOUNT},AmazonS3,TimedStorage-ByteHrs-{i % 50},{rng.randint(1, 10**6)},"
                     f"2026-{1 + i % 12:02d},GB-Mo\n")


def import_once(rows: int, workdir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one import of *rows* rows into a fresh store."""
    store = workdir / f"store{rows}.toml"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store),
           "XDG_CACHE_HOME": str(workdir / f"cache{rows}")}
    iamctl = [sys.executable, "-m", "iamctl"]
    subprocess.run([*iamctl, "init", "--account-id", ACCOUNT], env=env, check=True, capture_output=True)
    csv = workdir / f"usage{rows}.csv"
    write_csv(csv, rows)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([*iamctl, "billing", "usage", "import", str(csv), "--output", "json"],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"usage_import_bench: iamctl failed ({proc.returncode}): {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[12_500, 25_000, 50_000, 100_000])
    parser.add_argument("--target", type=float, default=10.0, help="CPU seconds for 100,000 rows.")
    args = parser.parse_args()
    print("billing usage import --output json, fresh store per size")
    print(f"{'rows':>8} {'wall':>8} {'CPU':>8} {'CPU/row':>10}")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu = import_once(rows, Path(tmp))
        verdict = ""
        if rows == 100_000:
            verdict = f"  {'meets' if cpu <= args.target else 'MISSES'} the {args.target:g} s target"
        print(f"{rows:>8,} {wall:>7.2f}s {cpu:>7.2f}s {cpu / rows * 1e6:>8.1f}us{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
