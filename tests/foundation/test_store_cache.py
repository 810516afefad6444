"""The parsed-store cache is checked, not trusted: damage to it is a miss, never data."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from iamctl.core.store import Store, cache
from tests.foundation.conftest import ACCOUNT


def _populate(ok) -> None:
    ok("group", "create", "devs")
    for name in ("alice", "bob", "carol"):
        ok("user", "create", name, "--tag", f"team={name}-team")
        ok("group", "add-user", "devs", name)
    ok("user", "attach-policy", "alice", "ReadOnlyAccess")


def _cache_files(store_path: Path) -> list[Path]:
    """Every cache file of the store (its index and one per account, or one for all)."""
    return sorted(p for p in Store(store_path).cache_path.parent.iterdir() if p.suffix == ".marshal")


def _holding(store_path: Path, needle: bytes) -> Path:
    return next(p for p in _cache_files(store_path) if needle in p.read_bytes())


def _reads(ok) -> tuple[str, str, str]:
    return (ok("user", "list", "--output", "json").out, ok("user", "get", "alice", "--output", "json").out,
            ok("group", "get", "devs", "--output", "json").out)


def test_a_changed_byte_in_a_name_is_not_served(ok, store_path):
    _populate(ok)
    expected = _reads(ok)
    path = _holding(store_path, b"carol")
    path.write_bytes(path.read_bytes().replace(b"carol", b"carox"))
    assert _reads(ok) == expected


def test_random_damage_to_the_cache_is_a_miss(ok, store_path):
    """Flip bytes at random places of the cache: every read answers from the store and
    every write writes what it would have written with a good cache."""
    _populate(ok)
    expected = _reads(ok)
    paths = _cache_files(store_path)
    assert len(paths) >= 2  # the index and the account
    good = {p: p.read_bytes() for p in paths}
    rng = random.Random(11)
    for trial in range(60):
        path = rng.choice(paths)
        blob = bytearray(good[path])
        for _ in range(rng.choice((1, 1, 2, 8))):
            at = rng.randrange(len(blob))
            blob[at] ^= rng.randrange(1, 256)
        path.write_bytes(bytes(blob))
        assert _reads(ok) == expected, trial
        path.write_bytes(bytes(blob))
        before = store_path.read_bytes()
        ok("user", "tag", "bob", "trial=x")
        ok("user", "untag", "bob", "trial")
        assert store_path.read_bytes() == before, trial
        for other in _cache_files(store_path):
            other.unlink()
        ok("user", "list")
        good = {p: p.read_bytes() for p in paths}


def test_a_truncated_or_empty_cache_is_a_miss(ok, store_path):
    _populate(ok)
    expected = _reads(ok)
    for path in _cache_files(store_path):
        good = path.read_bytes()
        for cut in (0, 1, len(cache.HEADER), len(cache.HEADER) + 4, len(good) // 2, len(good) - 1):
            path.write_bytes(good[:cut])
            assert _reads(ok) == expected, (path.name, cut)
            path.write_bytes(good)


def _craft(store_path: Path, change) -> None:
    """Rewrite the account's cache with a valid checksum around data changed by *change*."""
    import marshal

    path = _holding(store_path, b"alice")
    key, raw = marshal.loads(path.read_bytes()[len(cache.HEADER) + 4:])
    change({"accounts": {ACCOUNT: raw}})
    cache.write(path, key, raw)


@pytest.mark.parametrize("where", ["user", "account"])
def test_data_the_cache_cannot_build_is_read_from_the_store(ok, cli, store_path, where):
    """A cache whose checksum holds but whose data cannot be built (a field missing) is a
    miss: the command answers from the file, and the cache is rebuilt."""
    _populate(ok)
    expected = _reads(ok)

    def change(raw):
        if where == "user":
            del raw["accounts"][ACCOUNT]["users"]["alice"]["id"]
        else:
            del raw["accounts"][ACCOUNT]["created"]

    _craft(store_path, change)
    assert _reads(ok) == expected


def test_a_write_never_writes_what_a_damaged_cache_held(ok, cli, store_path):
    _populate(ok)
    before = store_path.read_bytes()
    _craft(store_path, lambda raw: raw["accounts"][ACCOUNT]["users"]["alice"].pop("id"))
    result = cli("user", "tag", "alice", "k=v")
    assert result.code == 4
    assert result.err == (f"iamctl: CorruptCache: The cache of {store_path} was damaged and has been removed; "
                          "nothing was written. Run the command again.\n")
    assert store_path.read_bytes() == before
    ok("user", "tag", "alice", "k=v")
    assert 'k = "v"' in store_path.read_text()


def test_a_failed_cache_write_leaves_no_temp_file(ok, store_path, monkeypatch):
    _populate(ok)
    for path in _cache_files(store_path):
        path.unlink()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", broken_replace)
    ok("user", "list")
    assert [p for p in path.parent.iterdir() if p.suffix != ".marshal"] == []
