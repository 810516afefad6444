"""How long a big listing takes to print as a table (target: 5,000 rows in <= 1 s).

    python bench/table_bench.py [--rows 5000] [--runs 3]

Renders a ListUsers-shaped response of N users (and, for comparison, a 100-row one that
rich lays out) through emit(), as `iamctl user list` prints it: piped (no width limit),
and on a 120-column terminal with colour (cells wrap to fit). Prints the best of --runs.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iamctl.cli.env import Env
from iamctl.cli.render import emit

TARGET = 1.0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def users(n: int) -> dict:
    return {"Users": [{
        "Path": "/engineering/backend/",
        "UserName": f"user-{i:05d}",
        "UserId": f"AIDA{i:017d}",
        "Arn": f"arn:aws:iam::123456789012:user/engineering/backend/user-{i:05d}",
        "CreateDate": "2026-03-01T09:00:00+00:00",
    } for i in range(n)]}


def best(data: dict, stream_type: type, runs: int) -> float:
    times = []
    for _ in range(runs):
        env = Env(output="table", stdout=stream_type())
        start = time.perf_counter()
        emit(env, data)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["COLUMNS"] = "120"
    os.environ.pop("NO_COLOR", None)
    big, small = users(args.rows), users(100)
    print(f"{'rows':>10}  {'where':<22} {'seconds':>8}")
    for data, label in ((small, "100 (rich)"), (big, f"{args.rows}")):
        for stream, where in ((io.StringIO, "piped"), (Terminal, "terminal, 120 columns")):
            seconds = best(data, stream, args.runs)
            verdict = "" if data is small else ("PASS" if seconds <= TARGET else "MISS")
            print(f"{label:>10}  {where:<22} {seconds:8.3f}  {verdict}")


if __name__ == "__main__":
    main()
