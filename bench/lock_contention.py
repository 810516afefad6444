"""Many writers on one near-quota store: do all writes succeed, and how long is the lock held?

    python bench/lock_contention.py [--writers 50] [--writes 20] [--users 4950] [--command tag|key]

Each writer is a thread that runs ``iamctl user tag`` *writes* times, one process per
write, as a script would (writer N tags its own user, so every write changes the file).
With ``--command key`` the writes are ``key create`` and ``key delete`` in turn instead
(writer N's user gets a key and loses it again): writes that make a secret's scrypt hash,
which iamctl computes before it takes the lock; the held figures are then also printed for
each of the two commands.
Each process times how long it waited for the lock and how long it held it, in wall and in CPU time (the store's
``files.locked`` wrapped by this script, see ``--one``). Printed: how many writes
succeeded, the median and worst latency of a whole command, and the median, 95th
percentile and worst lock wait and hold, and which writes held the lock over the target by
their place in the order it was taken (the first *writers* of them hold it while the other
writers' processes are still starting, and share the CPUs with them). Targets (issue 11
§6): every write succeeds under the default lock timeout (10 s), and the lock is held at
most 120 ms per write.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HOLD_TARGET = 0.120
COMMANDS = ("tag", "key")


def command_for(kind: str, writer: int, write: int, last_key: str | None) -> list[str]:
    """The iamctl command line of writer *writer*'s write number *write*."""
    user = f"user{writer + 1}"
    if kind == "tag":
        return ["user", "tag", user, f"bench=w{writer}-{write}"]
    if last_key is None:
        return ["key", "create", user, "--format", "env"]
    return ["key", "delete", last_key]


def created_key(stdout: str) -> str | None:
    """The key ID that ``key create --format env`` printed, if it did."""
    for line in stdout.splitlines():
        if line.startswith("export AWS_ACCESS_KEY_ID="):
            return line.split("=", 1)[1]
    return None


def one(results: str, argv: list[str]) -> int:
    """Run one iamctl command in this process, timing the store's lock; append
    "wait hold exit cpu write noun-verb taken-at" to *results* (one short O_APPEND write, so lines never
    interleave). The command's stdout goes to this process's stdout (a key's ID, for one)."""
    from iamctl.core.store import files

    timing: list[float] = []
    taken: list[float] = []
    original = files.locked

    @contextlib.contextmanager
    def timed(*args, **kwargs):
        asked = time.perf_counter()
        with original(*args, **kwargs) as fd:
            got, cpu = time.perf_counter(), time.process_time()
            timing.append(got - asked)
            taken.append(time.time())  # when: the lock's order across processes
            try:
                yield fd
            finally:
                timing.append(time.perf_counter() - got)
                timing.append(time.process_time() - cpu)

    replace = files.replace
    writing: list[float] = []

    def timed_replace(*args, **kwargs):
        started = time.perf_counter()
        try:
            return replace(*args, **kwargs)
        finally:
            writing.append(time.perf_counter() - started)

    files.locked = timed
    files.replace = timed_replace
    from iamctl.cli.main import run

    code = run(argv)
    wait, hold, cpu = timing if len(timing) == 3 else (float("nan"),) * 3
    fd = os.open(results, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        when = taken[0] if len(taken) == 1 else float("nan")
        os.write(fd, f"{wait:.6f} {hold:.6f} {code} {cpu:.6f} {sum(writing):.6f} {'-'.join(argv[:2])} "
                     f"{when:.6f}\n".encode())
    finally:
        os.close(fd)
    return code


def last_write_kept(kind: str, user: dict, writer: int, writes: int) -> bool:
    """Whether the file holds what writer *writer*'s last write left: its last tag, or its
    user's keys after the last create or delete."""
    if kind == "tag":
        return user.get("tags", {}).get("bench") == f"w{writer}-{writes - 1}"
    return len(user.get("access_keys", {})) == writes % 2


def over_target(rows: list[list[str]], writers: int) -> None:
    """Print which writes held the lock longer than the target, by their place in the order
    the lock was taken. The first *writers* writes are the start burst: while they hold the
    lock, the other writers' processes are still starting (Python and its imports) and share
    the CPUs with the holder."""
    done = sorted((float(r[6]), float(r[1]), float(r[3])) for r in rows if r[2] == "0" and len(r) > 6)
    places = [i + 1 for i, (_, held, _) in enumerate(done) if held > HOLD_TARGET]
    after = [held for _, held, _ in done[writers:]]
    print(f"held over {HOLD_TARGET * 1000:.0f} ms: {len(places)} of {len(done)} writes, at places "
          f"{places[:10]}{' ...' if len(places) > 10 else ''} in the order the lock was taken; after the "
          f"first {writers} (the start burst) the worst hold is "
          f"{max(after) * 1000 if after else float('nan'):.0f} ms")
    costly = [f"{i + 1} ({cpu * 1000:.0f} ms)" for i, (_, _, cpu) in enumerate(done) if cpu > HOLD_TARGET]
    if costly:
        print(f"CPU while held over {HOLD_TARGET * 1000:.0f} ms at places {', '.join(costly[:10])}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--users", type=int, default=4950)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--policies", type=int, default=1500)
    parser.add_argument("--command", choices=COMMANDS, default="tag",
                        help="tag: user tag; key: key create and key delete in turn (secret hashing)")
    parser.add_argument("--one", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        return one(args.results, args.one)

    import make_store

    with tempfile.TemporaryDirectory(prefix="iamctl-lock-") as tmp:
        tmpdir = Path(tmp)
        store = tmpdir / "store.toml"
        make_store.write(store, make_store.generate(args.users, args.groups, args.policies))
        results = tmpdir / "results.txt"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store),
               "XDG_CACHE_HOME": str(tmpdir / "cache")}
        for var in ("IAMCTL_LOCK_TIMEOUT", "IAMCTL_ACCOUNT", "IAMCTL_OUTPUT"):
            env.pop(var, None)
        subprocess.run([sys.executable, "-m", "iamctl", "user", "list"], env=env, check=True, capture_output=True)
        latencies: list[float] = []
        failures: list[str] = []
        guard = threading.Lock()

        def writer(w: int) -> None:
            last_key: str | None = None
            for i in range(args.writes):
                started = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, __file__, "--results", str(results), "--one",
                     *command_for(args.command, w, i, last_key)],
                    env=env, capture_output=True, text=True,
                )
                elapsed = time.perf_counter() - started
                if args.command == "key":
                    last_key = created_key(proc.stdout) if last_key is None else None
                with guard:
                    latencies.append(elapsed)
                    if proc.returncode != 0:
                        failures.append(proc.stderr.strip())

        started = time.perf_counter()
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(args.writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = time.perf_counter() - started
        rows = [line.split() for line in results.read_text().splitlines()]
        users = tomllib.loads(store.read_text())["accounts"][make_store.ACCOUNT]["users"]
        last_kept = all(last_write_kept(args.command, users[f"user{w + 1}"], w, args.writes)
                        for w in range(args.writers))
        size = store.stat().st_size
        shutil.rmtree(tmpdir / "cache", ignore_errors=True)

    waits = [float(r[0]) for r in rows if r[2] == "0"]
    holds = [float(r[1]) for r in rows if r[2] == "0"]
    cpus = [float(r[3]) for r in rows if r[2] == "0"]
    writes = [float(r[4]) for r in rows if r[2] == "0"]
    n = args.writers * args.writes
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; store {size / 1e6:.1f} MB, "
          f"{args.users} users; {args.writers} writers x {args.writes} writes = {n}, in {total:.0f} s")
    print(f"succeeded: {n - len(failures)} of {n}; every writer's last write in the file: {last_kept}")
    for message in sorted(set(failures))[:5]:
        print(f"  failure: {message}")
    print(f"command latency: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"worst {max(latencies) * 1000:.0f} ms")
    if holds:
        print(f"lock wait:       median {statistics.median(waits) * 1000:.0f} ms, "
              f"p95 {percentile(waits, 0.95) * 1000:.0f} ms, worst {max(waits) * 1000:.0f} ms")
        print(f"lock held:       median {statistics.median(holds) * 1000:.0f} ms, "
              f"p95 {percentile(holds, 0.95) * 1000:.0f} ms, worst {max(holds) * 1000:.0f} ms "
              f"(target <= {HOLD_TARGET * 1000:.0f} ms per write)")
        print(f"CPU while held:  median {statistics.median(cpus) * 1000:.0f} ms, "
              f"p95 {percentile(cpus, 0.95) * 1000:.0f} ms, worst {max(cpus) * 1000:.0f} ms "
              "(the held time less waiting for a CPU: what the machine's load adds)")
        if args.command != "tag":
            for name in sorted({r[5] for r in rows if len(r) > 5}):
                mine = [r for r in rows if r[2] == "0" and r[5:6] == [name]]
                held, cpu = [float(r[1]) for r in mine], [float(r[3]) for r in mine]
                if held:
                    print(f"  held by {name.replace('-', ' ')}: median {statistics.median(held) * 1000:.0f} ms, "
                          f"p95 {percentile(held, 0.95) * 1000:.0f} ms, worst {max(held) * 1000:.0f} ms; "
                          f"CPU median {statistics.median(cpu) * 1000:.0f} ms, worst {max(cpu) * 1000:.0f} ms "
                          f"({len(held)} writes)")
        over_target(rows, args.writers)
        print(f"writing the file: median {statistics.median(writes) * 1000:.0f} ms, "
              f"p95 {percentile(writes, 0.95) * 1000:.0f} ms, worst {max(writes) * 1000:.0f} ms "
              "(temp file, fsync, rename, fsync of the directory: part of the held time)")
    ok = not failures and last_kept and holds and max(holds) <= HOLD_TARGET
    print("PASS" if ok else "MISS")
    if holds:
        # What this 2-core machine allows (README, Speed): a holder that waits for a CPU while
        # other writers' processes start cannot be helped by an unprivileged process.
        proposed = (not failures and last_kept and max(cpus) <= HOLD_TARGET
                    and percentile(holds, 0.95) <= HOLD_TARGET)
        print(f"proposed target (every write succeeds; CPU while held <= {HOLD_TARGET * 1000:.0f} ms per write; "
              f"p95 held <= {HOLD_TARGET * 1000:.0f} ms): {'PASS' if proposed else 'MISS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
