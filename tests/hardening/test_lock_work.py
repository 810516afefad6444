"""While a write holds the store's lock every other writer waits (issue 11 §6): the work
done holding it is the write itself, not importing the code that does it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run one command in a fresh process; report the modules first imported while the lock was held.
PROBE = """
import contextlib, json, sys
from iamctl.core.store import files
original = files.locked
imported = []

@contextlib.contextmanager
def watched(*args, **kwargs):
    with original(*args, **kwargs) as fd:
        before = set(sys.modules)
        try:
            yield fd
        finally:
            imported.extend(sorted(set(sys.modules) - before))

files.locked = watched
from iamctl.cli.main import run
status = run(sys.argv[1:])
print(json.dumps([status, imported]), file=sys.stderr)
"""


def imported_under_the_lock(store: Path, *argv: str) -> list[str]:
    """The modules a fresh process running iamctl *argv* first imported holding the lock."""
    env = {"PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store), "XDG_CACHE_HOME": str(store.parent / "cache"),
           "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=env)
    status, imported = json.loads(proc.stderr.strip().splitlines()[-1])
    assert status == 0, proc.stderr
    return imported


def test_a_write_imports_the_stores_writing_code_before_it_takes_the_lock(cli, account, store_path):
    for argv in (("user", "create", "alice"), ("group", "create", "devs")):
        assert cli(*argv).code == 0
    for argv in (("user", "create", "bob"), ("group", "add-user", "devs", "alice"), ("user", "delete", "bob")):
        imported = imported_under_the_lock(store_path, *argv)
        assert not [m for m in imported if m.startswith(("iamctl.core.store", "iamctl.core.model.directory",
                                                         "tomllib"))], (argv, imported)


def test_a_write_to_a_big_store_imports_tomlkit_before_the_lock(tmp_path):
    """A block a person edited is patched with tomlkit: in a store of a megabyte or more,
    its import (~8 ms) is made before the lock, not while every other writer waits."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_store

    from iamctl.core.store import TOMLKIT_AHEAD_FROM

    store = tmp_path / "store.toml"
    make_store.write(store, make_store.generate(1900, 20, 40))  # its blocks are not as iamctl lays them out
    assert store.stat().st_size >= TOMLKIT_AHEAD_FROM
    imported_under_the_lock(store, "user", "get", "user2")  # the caches made: the write below is not a cold read
    imported = imported_under_the_lock(store, "user", "tag", "user1", "k=v")
    assert not [m for m in imported if m.startswith(("tomlkit", "iamctl.core.store", "iamctl.core.model.directory"))], \
        imported
