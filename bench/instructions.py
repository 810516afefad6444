"""Instructions executed by each small-store command, counted by valgrind (callgrind).

    python bench/instructions.py

Wall time on a shared machine drifts by tens of percent between runs, which hides a
change of a few milliseconds; the number of instructions a command executes does not
drift (the same binary, input and environment give the same count). Use this to tell
whether a change made startup cheaper, and bench/run.py for the times users see.

Each command runs once under ``valgrind --tool=callgrind``, beside ``python -c pass``
and the least Typer CLI (bench/typer_floor.py), on the same 10-user store that
bench/run.py builds. Needs valgrind on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: the store and the commands it times)

COMMANDS = {
    "user get": ["user", "get", "user2"],
    "user get --output table": ["user", "get", "user2", "--output", "table"],
    "user list": ["user", "list"],
    "user create": ["user", "create", "countuser"],
    "group add-user": ["group", "add-user", "group2", "user3"],
    "user attach-policy": ["user", "attach-policy", "user4", "policy3"],
}


def instructions(argv: list[str], env: dict[str, str]) -> int:
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"{' '.join(argv)} failed under valgrind:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    if not shutil.which("valgrind"):
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    run.compile_sources()
    with tempfile.TemporaryDirectory(prefix="iamctl-instr-") as tmp:
        store = Path(tmp) / "small.toml"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "IAMCTL_OUTPUT": "json", "IAMCTL_STORE": str(store),
               "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        env.pop("IAMCTL_ACCOUNT", None)
        run.build_small(store, env, runs=3)
        subprocess.run(run.iamctl("user", "list"), env=env, check=True, capture_output=True)  # warm the cache
        base = instructions([sys.executable, "-c", "pass"], env)
        floor = instructions([sys.executable, str(ROOT / "bench" / "typer_floor.py"), "hello", "x"], env)
        print(f"{'command':<32} {'instructions':>13}  {'x python -c pass':>16}  {'above Typer':>12}")
        print(f"{'python -c pass':<32} {base / 1e6:>11.0f} M  {1:>16.1f}")
        print(f"{'least Typer CLI':<32} {floor / 1e6:>11.0f} M  {floor / base:>16.1f}")
        for name, argv in COMMANDS.items():
            count = instructions(run.iamctl(*argv), env)
            print(f"{'iamctl ' + name:<32} {count / 1e6:>11.0f} M  {count / base:>16.1f}  "
                  f"{(count - floor) / 1e6:>10.0f} M")
    return 0


if __name__ == "__main__":
    sys.exit(main())
