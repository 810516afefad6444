"""Where writes go: symbolic and hard links, mode and owner, temp files, the lock."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from iamctl.core.store import Store
from tests.conftest import ROOT
from tests.foundation.conftest import ACCOUNT, fails


@pytest.fixture
def linked(tmp_path: Path, cli, monkeypatch) -> tuple[Path, Path]:
    """(link, target): a store in a 'dotfiles' directory reached through a symlink."""
    target = tmp_path / "dotfiles" / "iamctl.toml"
    assert cli("--store", str(target), "init", "--account-id", ACCOUNT).code == 0
    link = tmp_path / "store.toml"
    link.symlink_to(target)
    monkeypatch.setenv("IAMCTL_STORE", str(link))
    return link, target


def _users(path: Path) -> list[str]:
    return sorted(tomllib.loads(path.read_text())["accounts"][ACCOUNT].get("users", {}))


def test_a_write_through_a_symlink_changes_the_target_and_keeps_the_link(cli, linked):
    link, target = linked
    assert cli("user", "create", "alice").code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _users(target) == ["alice"]
    assert cli("--store", str(target), "user", "create", "bob").code == 0
    assert cli("user", "get", "bob").code == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["iamctl.toml"]


def test_init_through_a_dangling_symlink_creates_its_target(cli, tmp_path):
    target = tmp_path / "elsewhere" / "store.toml"
    target.parent.mkdir()
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    assert cli("--store", str(link), "init", "--account-id", ACCOUNT).code == 0
    assert link.is_symlink() and target.is_file()


def test_writers_through_the_link_and_the_target_share_one_lock(linked):
    link, target = linked
    base = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "IAMCTL_LOCK_TIMEOUT": "60",
            "XDG_CACHE_HOME": str(target.parent.parent / "cache")}
    procs = [
        subprocess.Popen([sys.executable, "-m", "iamctl", "user", "create", f"user{i}"],
                         env={**base, "IAMCTL_STORE": str(link if i % 2 else target)},
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for i in range(16)
    ]
    errors = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    assert [code for code, _ in errors] == [0] * 16, errors
    assert _users(target) == sorted(f"user{i}" for i in range(16))
    assert link.is_symlink()


def test_the_lock_held_on_the_target_holds_writers_through_the_link(cli, linked, monkeypatch):
    link, target = linked
    monkeypatch.setenv("IAMCTL_LOCK_TIMEOUT", "0.3")
    fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)  # the lock: a flock on the target's directory
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fails(cli("user", "create", "alice"), 4,
              f"iamctl: LockTimeout: Another iamctl holds the lock on {link} (waited 0.3 s).")
    finally:
        os.close(fd)
    assert cli("user", "create", "alice").code == 0


def test_a_store_with_two_hard_links_is_refused(cli, ok, store_path):
    ok("user", "create", "alice")
    other = store_path.with_name("backup.toml")
    os.link(store_path, other)
    before = store_path.read_bytes()
    message = (f"iamctl: StoreHardLinked: The store {store_path} has 2 hard links; a write replaces the file and "
               "would split them. Keep one name (a symbolic link is fine).")
    fails(cli("user", "create", "bob"), 4, message)
    fails(cli("user", "list"), 4, message)
    assert store_path.read_bytes() == before and os.stat(store_path).st_nlink == 2
    other.unlink()
    ok("user", "create", "bob")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_write_keeps_the_owner(ok, store_path):
    os.chown(store_path, 4321, 4322)
    ok("user", "create", "alice")
    st = store_path.stat()
    assert (st.st_uid, st.st_gid) == (4321, 4322)


def test_a_new_store_directory_is_0700(cli, tmp_path):
    store = tmp_path / "new" / "deeper" / "store.toml"
    assert cli("--store", str(store), "init").code == 0
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.parent.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_a_readable_store_holding_secrets_is_warned_about_once(cli, ok, store_path):
    ok("user", "create", "alice")
    store_path.chmod(0o644)
    assert ok("user", "list").err == ""  # no secrets yet
    store_path.chmod(0o600)
    ok("key", "create", "alice")
    store_path.chmod(0o640)
    warning = (f"iamctl: warning: {store_path} holds secret hashes or MFA seeds and is readable by its group "
               "(mode 0640); 'chmod 600' it unless that is meant.\n")
    assert ok("user", "list").err == warning
    assert ok("user", "list").err == ""
    store_path.chmod(0o604)
    assert "readable by others (mode 0604)" in ok("user", "list").err


def _dead_pid() -> int:
    with subprocess.Popen([sys.executable, "-c", "pass"]) as proc:
        proc.wait()
    return proc.pid


def test_temp_files_of_killed_writers_are_removed_under_the_lock(ok, store_path):
    store = Store(store_path)
    dead = _dead_pid()
    orphan = store_path.with_name(f".{store_path.name}.{dead}.tmp")
    live = store_path.with_name(f".{store_path.name}.{os.getppid()}.tmp")
    cache_orphan = store.cache_path.with_name(f"{store.cache_path.name}.{dead}.tmp")
    cache_orphan.parent.mkdir(parents=True, exist_ok=True)
    for path in (orphan, live, cache_orphan):
        path.write_text("half a store")
    ok("user", "list")  # reads take no lock and remove nothing
    assert orphan.exists() and cache_orphan.exists()
    ok("user", "create", "alice")
    assert not orphan.exists() and not cache_orphan.exists()
    assert live.exists()  # its writer may still be at work


def test_a_killed_writer_leaves_the_store_and_is_cleaned_up_after(ok, store_path):
    """kill -9 between writing the temp file and renaming it (simulated: the rename never
    happens): the store is intact, and the next write removes the temp file."""
    ok("user", "create", "alice")
    before = store_path.read_bytes()
    script = (
        "import os, sys\n"
        "from iamctl.core.store import files\n"
        "real = os.replace\n"
        "files.os.replace = lambda src, dst: os.kill(os.getpid(), 9) if str(dst).endswith('.toml') "
        "else real(src, dst)\n"
        "from iamctl.cli.main import run\n"
        "run(['user', 'create', 'bob'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert proc.returncode == -9
    assert store_path.read_bytes() == before
    assert [p for p in store_path.parent.iterdir() if p.name.endswith(".tmp")] != []
    ok("user", "create", "carol")
    assert [p for p in store_path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert _users(store_path) == ["alice", "carol"]


def test_no_lock_file_is_left_beside_the_store(ok, store_path):
    ok("user", "create", "alice")
    ok("user", "tag", "alice", "a=b")
    assert sorted(p.name for p in store_path.parent.iterdir() if p.is_file()) == ["store.toml"]


def _hold_lock_for(path: Path, seconds: float) -> subprocess.Popen:
    """Another process that holds the store's lock for *seconds*, then lets go."""
    script = ("import fcntl, os, sys, time\n"
              "fd = os.open(os.path.dirname(sys.argv[1]), os.O_RDONLY | os.O_DIRECTORY)\n"
              "fcntl.flock(fd, fcntl.LOCK_EX)\n"
              "print('held', flush=True)\n"
              "time.sleep(float(sys.argv[2]))\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "held\n"
    return proc


def test_a_waiting_writer_takes_the_lock_as_soon_as_it_is_released(ok, store_path, monkeypatch):
    """A blocking lock, not polling: the wait ends with the holder, and the alarm that
    bounds it is put back as it was."""
    import signal
    import time

    monkeypatch.setenv("IAMCTL_LOCK_TIMEOUT", "20")
    before = signal.getsignal(signal.SIGALRM)
    holder = _hold_lock_for(store_path, 0.5)
    started = time.monotonic()
    ok("user", "create", "alice")
    waited = time.monotonic() - started
    holder.wait()
    holder.stdout.close()
    assert 0.3 < waited < 5
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_lock_timeout_holds_in_a_thread_too(ok, store_path, monkeypatch):
    """Threads cannot take SIGALRM: there the wait polls, and still times out."""
    import threading

    monkeypatch.setenv("IAMCTL_LOCK_TIMEOUT", "0.3")
    holder = _hold_lock_for(store_path, 3)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with Store(store_path).transaction() as data:
                data.default_account = data.default_account
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(10)
    holder.kill()
    holder.wait()
    holder.stdout.close()
    assert [getattr(e, "code", None) for e in errors] == ["LockTimeout"]


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_a_write_copies_the_untouched_part_of_the_file(tmp_path, monkeypatch, kernel_copy):
    """files.replace writes bytes and ranges of the old file (a write of one account of a
    large store), in the kernel where it can, else through memory."""
    from iamctl.core.store import files

    old = tmp_path / "old"
    old.write_bytes(b"0123456789" * 100_000)
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    fd = os.open(old, os.O_RDONLY)
    try:
        files.replace(tmp_path / "new.toml", [b"x", (fd, 5, 500_000), b"y"], None)
    finally:
        os.close(fd)
    assert (tmp_path / "new.toml").read_bytes() == b"x" + old.read_bytes()[5:500_005] + b"y"
    assert stat.S_IMODE((tmp_path / "new.toml").stat().st_mode) == 0o600
