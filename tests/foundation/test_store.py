"""The store file: comments people write, its mode, concurrency, and stores broken by hand."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from iamctl.core.errors import StoreError
from iamctl.core.store import Store
from tests.conftest import ROOT
from tests.foundation.conftest import ACCOUNT, fails

TOP = "# Our IAM, reviewed in pull requests. Ask #platform before editing."
ABOVE = "# alice runs the web team; do not remove her from devs"
INSIDE = "# path changed in 2023 after the reorg"
GROUP_NOTE = "# the on-call group"


def _add_comments(path: Path) -> None:
    text = path.read_text()
    text = TOP + "\n" + text
    header = f"[accounts.{ACCOUNT}.users.alice]\n"
    assert header in text
    text = text.replace(header, ABOVE + "\n" + header + INSIDE + "\n")
    gheader = f"[accounts.{ACCOUNT}.groups.devs]\n"
    text = text.replace(gheader, GROUP_NOTE + "\n" + gheader)
    path.write_text(text)


def _comments_survive(path: Path) -> None:
    text = path.read_text()
    assert text.startswith(TOP + "\n")
    assert ABOVE + "\n" + f"[accounts.{ACCOUNT}.users." in text
    assert INSIDE in text
    assert GROUP_NOTE in text


def test_hand_written_comments_survive_many_writes(ok, store_path, doc, jcli):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    _add_comments(store_path)
    writes = [
        ("user", "create", "bob"),
        ("user", "create", "carol", "--tag", "team=db"),
        ("group", "add-user", "devs", "alice"),
        ("user", "attach-policy", "alice", "ReadOnlyAccess"),
        ("user", "tag", "alice", "team=web"),
        ("user", "put-policy", "alice", "S3", "--document", doc()),
        ("policy", "create", "Mine", "--document", doc()),
        ("group", "attach-policy", "devs", "Mine"),
        ("user", "update", "bob", "--new-name", "robert"),
        ("user", "update", "alice", "--new-path", "/web/"),
        ("user", "delete", "carol"),
        ("user", "delete", "robert"),
        ("group", "create", "ops"),
        ("group", "update", "ops", "--new-name", "operations"),
        ("group", "delete", "operations"),
        ("account", "create", "--account-id", "210987654321"),
        ("user", "create", "zed", "--account", "210987654321"),
        ("user", "untag", "alice", "team"),
        ("policy", "version", "create", "Mine", "--document", doc(), "--set-default"),
    ]
    for argv in writes:
        ok(*argv)
        _comments_survive(store_path)
    # and the data is what the commands said
    alice = jcli("user", "get", "alice")
    assert alice["User"]["Path"] == "/web/"
    assert [g["GroupName"] for g in alice["Groups"]] == ["devs"]
    assert [u["UserName"] for u in jcli("user", "list")["Users"]] == ["alice"]


def test_comment_survives_renaming_the_commented_user(ok, store_path):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    _add_comments(store_path)
    ok("user", "update", "alice", "--new-name", "alicia")
    text = store_path.read_text()
    assert text.startswith(TOP + "\n")
    assert GROUP_NOTE in text


def test_a_new_store_is_0600_and_a_write_keeps_the_mode_it_was_given(ok, store_path):
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    ok("user", "create", "bob")
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    store_path.chmod(0o660)  # shared with a group on purpose (issue 11: it used to become 0600)
    ok("user", "create", "alice")
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o660
    # no temporary files left behind
    assert sorted(p.name for p in store_path.parent.iterdir() if p.name.startswith(".")) == []


def test_key_order_is_stable(ok, store_path):
    ok("user", "create", "alice", "--tag", "b=1", "--tag", "a=2")
    ok("user", "create", "bob")
    first = store_path.read_text()
    ok("user", "tag", "bob", "x=y")
    ok("user", "untag", "bob", "x")
    assert store_path.read_text() == first


def test_twenty_concurrent_processes_each_create_a_user(account, store_path):
    env = {"PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store_path), "PATH": "/usr/bin:/bin",
           "XDG_CACHE_HOME": str(store_path.parent / "cache"), "IAMCTL_LOCK_TIMEOUT": "60"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "iamctl", "user", "create", f"user{i}", "--output", "json"],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(20)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in results] == [0] * 20, results
    users = tomllib.loads(store_path.read_text())["accounts"][ACCOUNT]["users"]
    assert sorted(users) == sorted(f"user{i}" for i in range(20))
    assert len({u["id"] for u in users.values()}) == 20


BROKEN = [
    ("invalid TOML", lambda t: t.replace('path = "/"', 'path = "/', 1),
     "iamctl: CorruptStore: {path}: invalid TOML: Illegal character '\\n' (at line {line}, column 10)."),
    ("wrong type", lambda t: t.replace('path = "/"', "path = 5", 1),
     "iamctl: CorruptStore: {path}: store.accounts.123456789012.users.alice.path must be a string, "
     "not an integer (5)."),
    ("group that does not exist", lambda t: t.replace('groups = ["devs"]', 'groups = ["ops"]'),
     "iamctl: CorruptStore: {path}: user alice (account 123456789012) is in group ops, which does not exist."),
    ("unknown key", lambda t: t.replace('path = "/"', 'path = "/"\ncolour = "red"', 1),
     "iamctl: CorruptStore: {path}: store.accounts.123456789012.users.alice has an unknown key 'colour'."),
    ("policy that does not exist", lambda t: t.replace("policy/ReadOnlyAccess", "policy/NoSuchThing"),
     "iamctl: CorruptStore: {path}: user alice (account 123456789012) refers to policy "
     "arn:aws:iam::aws:policy/NoSuchThing, which does not exist."),
    ("boundary that does not exist", lambda t: t.replace('path = "/"', 'path = "/"\nboundary = '
                                                          '"arn:aws:iam::aws:policy/NoSuchBoundary"', 1),
     "iamctl: CorruptStore: {path}: user alice (account 123456789012) refers to policy "
     "arn:aws:iam::aws:policy/NoSuchBoundary, which does not exist."),
    ("three keys for the root user", lambda t: t + "".join(
        f"\n[accounts.123456789012.root.access_keys.AKIAROOT{i}AAAAAAAAAAA]\nsecret_hash = "
        "'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'\n"
        "created = '2026-11-30T13:02:52+00:00'\n" for i in range(3)),
     "iamctl: CorruptStore: {path}: the root user (account 123456789012) has 3 access keys; the quota is 2."),
    ("missing schema", lambda t: t.replace("schema = 1\n", ""),
     "iamctl: CorruptStore: {path}: schema None is not one this iamctl reads (it reads 1)."),
    ("default account that does not exist", lambda t: t.replace('default_account = "123456789012"',
                                                                 'default_account = "999999999999"'),
     "iamctl: CorruptStore: {path}: default_account 999999999999 is not an account in the store."),
]


@pytest.mark.parametrize(("what", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_store_broken_by_hand_is_reported_and_never_written(cli, ok, store_path, what, breaks, message):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("group", "add-user", "devs", "alice")
    ok("user", "attach-policy", "alice", "ReadOnlyAccess")
    ok("user", "list")  # the cache now holds the good store
    broken = breaks(store_path.read_text())
    assert broken != store_path.read_text()
    store_path.write_text(broken)
    before = store_path.read_bytes()
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if text == 'path = "/')  \
        if what == "invalid TOML" else 0
    expected = message.format(path=store_path, line=line)
    for argv in (("user", "list"), ("user", "get", "alice"), ("user", "create", "bob"),
                 ("group", "add-user", "devs", "alice"), ("user", "delete", "alice", "--force")):
        fails(cli(*argv), 4, expected)
        assert store_path.read_bytes() == before


def test_not_utf8(cli, account, store_path):
    store_path.write_bytes(store_path.read_bytes() + b"\n# caf\xe9\n")
    fails(cli("user", "list"), 4, f"iamctl: CorruptStore: {store_path}: not UTF-8 text (byte "
          f"{len(store_path.read_bytes()) - 2}).")


def test_unreadable_store(cli, account, store_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    store_path.chmod(0)
    fails(cli("user", "list"), 4, f"iamctl: StoreUnreadable: Cannot read the store {store_path}: Permission denied.")


def test_lock_timeout_is_exit_4(cli, account, store_path, monkeypatch):
    import fcntl
    import os

    monkeypatch.setenv("IAMCTL_LOCK_TIMEOUT", "0.2")
    fd = os.open(store_path.parent, os.O_RDONLY | os.O_DIRECTORY)  # the lock: a flock on the store's directory
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fails(cli("user", "create", "alice"), 4,
              f"iamctl: LockTimeout: Another iamctl holds the lock on {store_path} (waited 0.2 s).")
        assert cli("user", "list").code == 0  # reads need no lock
    finally:
        os.close(fd)
    assert cli("user", "create", "alice").code == 0


def test_stale_cache_is_not_used(cli, ok, store_path, jcli):
    """A hand edit (new size/mtime) is seen at once, not the cached data."""
    ok("user", "create", "alice")
    jcli("user", "list")
    text = store_path.read_text().replace("[accounts.123456789012.users.alice]",
                                          "[accounts.123456789012.users.alice2]")
    store_path.write_text(text)
    assert [u["UserName"] for u in jcli("user", "list")["Users"]] == ["alice2"]


def test_a_failed_command_writes_nothing(cli, ok, store_path):
    ok("user", "create", "alice")
    before = store_path.read_bytes()
    fails(cli("user", "create", "alice"), 3, "iamctl: EntityAlreadyExists: User with name alice already exists.")
    assert store_path.read_bytes() == before


def test_core_transaction_and_read(store_path, account):
    from iamctl.core.service import users

    with Store(store_path).transaction() as data:
        users.create(data.accounts[ACCOUNT], "alice", path="/x/")
    assert Store(store_path).read().accounts[ACCOUNT].users["alice"].path == "/x/"
    with pytest.raises(RuntimeError), Store(store_path).transaction() as data:
        users.create(data.accounts[ACCOUNT], "bob")
        raise RuntimeError("abandon")
    assert "bob" not in Store(store_path).read().accounts[ACCOUNT].users
    with pytest.raises(StoreError):
        Store(store_path.with_name("missing.toml")).read()


def test_an_argument_that_is_not_utf8_is_refused_and_nothing_written(ok, store_path):
    # The shell hands over bytes; Python keeps the ones that are not UTF-8 as lone
    # surrogates, which no UTF-8 file can hold.
    before = store_path.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "iamctl", "role", "create", "web", "--trust-service", "ec2.amazonaws.com",
         "--description", b"bad \xff byte"],
        capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 3, proc.stderr
    err = proc.stderr.decode()
    assert err.startswith("iamctl: ValidationError: Not UTF-8 text (from an argument or a file?): description = ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert store_path.read_bytes() == before
    assert [p.name for p in store_path.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(("setup", "needle", "entity"), [
    (("user", "put-policy", "alice", "Home", "--document", "-"), '"Effect": "Allow"',
     "the inline policy Home of user alice (account 123456789012)"),
    (("policy", "create", "Mine", "--document", "-"), '"Effect": "Allow"',
     "version v1 of policy Mine (account 123456789012)"),
    (("role", "create", "web", "--trust-service", "ec2.amazonaws.com"), '"Effect": "Allow"',
     "the trust policy of role web (account 123456789012)"),
])
def test_a_policy_document_broken_by_hand_is_reported_by_its_entity(cli, ok, store_path, setup, needle, entity):
    ok("user", "create", "alice")
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}, indent=2)
    ok(*setup, stdin=doc)
    text = store_path.read_text()
    assert needle in text
    store_path.write_text(text.replace(needle, needle + " oops", 1))
    before = store_path.read_bytes()
    for argv in (("user", "list"), ("role", "list"), ("policy", "list"), ("user", "create", "bob")):
        result = cli(*argv)
        assert result.code == 4 and result.out == ""
        assert result.err.startswith(f"iamctl: CorruptStore: {store_path}: {entity} is not valid JSON: ")
        assert result.err.count("\n") == 1
        assert store_path.read_bytes() == before


def test_a_store_path_that_is_a_directory_or_under_a_file(cli, tmp_path):
    fails(cli("--store", str(tmp_path), "user", "list"), 4,
          f"iamctl: StoreUnreadable: Cannot read the store {tmp_path}: it is not a file.")
    (tmp_path / "afile").write_text("")
    target = tmp_path / "afile" / "store.toml"
    fails(cli("--store", str(target), "init"), 4,
          f"iamctl: StoreUnwritable: Cannot create the directory of the store {target}: a part of that path is a file.")


def test_a_write_that_fails_leaves_the_store_as_it_was(cli, ok, store_path, monkeypatch):
    ok("user", "create", "alice")
    before = store_path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("iamctl.core.store.os.replace", disk_full)
    fails(cli("user", "create", "bob"), 4,
          f"iamctl: StoreUnwritable: Cannot write the store {store_path}: No space left on device; it is unchanged.")
    assert store_path.read_bytes() == before
    assert [p.name for p in store_path.parent.iterdir() if p.name.endswith(".tmp")] == []
