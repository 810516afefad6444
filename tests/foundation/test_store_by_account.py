"""A store read, checked, cached and written account by account (issue 10 §3)."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from iamctl.core.model.base import to_raw
from iamctl.core.store import Store
from iamctl.core.store.by_account import Unloaded
from iamctl.core.store.split import split
from tests.foundation.conftest import ACCOUNT, fails

B = "210987654321"
C = "333333333333"
NOTE_B = "# account B belongs to the data team"


@pytest.fixture
def three(ok, cli, store_path) -> Path:
    """Three accounts with users, groups and a policy each, a comment above B."""
    for account in (B, C):
        ok("account", "create", "--account-id", account)
    for account in (ACCOUNT, B, C):
        ok("--account", account, "group", "create", "devs")
        for name in ("alice", "bob"):
            ok("--account", account, "user", "create", name, "--tag", f"home={account}")
            ok("--account", account, "group", "add-user", "devs", name)
    text = store_path.read_text().replace(f"[accounts.{B}]\n", f"{NOTE_B}\n[accounts.{B}]\n")
    store_path.write_text(text)
    return store_path


def _cache_names(store_path: Path) -> set[str]:
    return {p.name for p in Store(store_path).cache_path.parent.glob("*.marshal")}


def _drop_caches(store_path: Path) -> None:
    for p in Store(store_path).cache_path.parent.glob("*.marshal"):
        p.unlink()


def test_the_file_is_cut_into_one_region_per_account(three):
    data = three.read_bytes()
    pieces = split(data)
    assert pieces is not None and list(pieces.accounts) == [ACCOUNT, B, C]
    start, end = pieces.accounts[B]
    assert data[start:end].startswith(NOTE_B.encode() + b"\n[accounts.")
    assert tomllib.loads(data[start:end].decode()) == {"accounts": {B: tomllib.loads(data.decode())["accounts"][B]}}


def test_a_command_reads_only_the_account_it_uses(three, ok):
    store = Store(three)
    _drop_caches(three)
    assert ok("--account", B, "user", "get", "bob", "--output", "json").json()["User"]["Tags"] \
        == [{"Key": "home", "Value": B}]
    assert _cache_names(three) == {store.index_path.name, store.account_cache_path(B).name,
                                   store.account_cache_path(B, "f").name}
    data = store.read()
    assert data.accounts[B].users["bob"].tags == {"home": B}
    untouched = to_raw(data)["accounts"]
    assert isinstance(untouched[ACCOUNT], Unloaded) and isinstance(untouched[C], Unloaded)


def test_a_write_to_one_account_leaves_the_others_and_their_caches_alone(three, ok):
    ok("user", "list")
    ok("--account", C, "user", "list")
    store = Store(three)
    cached_c = store.account_cache_path(C).read_bytes()
    before = tomllib.loads(three.read_text())
    text_before = three.read_text()
    ok("--account", B, "user", "create", "carol")
    ok("--account", B, "user", "tag", "alice", "x=y")
    after = tomllib.loads(three.read_text())
    assert after["accounts"][ACCOUNT] == before["accounts"][ACCOUNT]
    assert after["accounts"][C] == before["accounts"][C]
    assert sorted(after["accounts"][B]["users"]) == ["alice", "bob", "carol"]
    assert store.account_cache_path(C).read_bytes() == cached_c  # still valid: its region did not change
    # the other accounts' text, comments included, is byte for byte what it was
    text_after = three.read_text()
    for account in (ACCOUNT, C):
        s0, e0 = split(text_before.encode()).accounts[account]
        s1, e1 = split(text_after.encode()).accounts[account]
        assert text_after.encode()[s1:e1] == text_before.encode()[s0:e0]
    assert NOTE_B + f"\n[accounts.{B}]\n" in text_after
    # reads of C after B moved it in the file come from its cache, and are right
    assert [u["UserName"] for u in ok("--account", C, "user", "list", "--output", "json").json()["Users"]] \
        == ["alice", "bob"]


def test_writes_across_accounts_keep_file_and_data_in_step(three, ok, cli):
    """Random writes to random accounts: after each, the file parsed as a whole equals
    what a reader (from the caches) sees, account by account."""
    rng = random.Random(3)
    for step in range(40):
        account = rng.choice([ACCOUNT, B, C])
        name = f"u{rng.randrange(6)}"
        verb = rng.choice(["create", "tag", "delete"])
        argv = {"create": ("user", "create", name), "tag": ("user", "tag", name, f"k{step}=v"),
                "delete": ("user", "delete", name, "--force")}[verb]
        cli("--account", account, *argv)
        whole = tomllib.loads(three.read_text())
        data = Store(three).read()
        for a in (ACCOUNT, B, C):
            assert to_raw(data.accounts[a]) == {k: v for k, v in whole["accounts"][a].items()}, (step, argv)


def test_a_broken_account_fails_the_commands_that_use_it(three, ok, cli):
    ok("user", "list")
    text = three.read_text()
    start = text.index(f"[accounts.{C}.users.alice]")
    three.write_text(text[:start] + text[start:].replace('groups = ["devs"]', 'groups = ["ops"]', 1))
    message = f"iamctl: CorruptStore: {three}: user alice (account {C}) is in group ops, which does not exist."
    fails(cli("--account", C, "user", "list"), 4, message)
    fails(cli("--account", C, "user", "create", "dave"), 4, message)
    fails(cli("account", "list"), 4, message)  # every account: C's check too
    assert ok("--account", B, "user", "get", "alice")  # B does not depend on C


def test_invalid_toml_in_an_account_is_named_by_its_line_in_the_file(three, cli):
    lines = three.read_text().splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith(f"[accounts.{C}.users.bob]"))
    at = next(i for i in range(header, len(lines)) if lines[i] == 'path = "/"\n')
    lines[at] = 'path = "/\n'
    three.write_text("".join(lines))
    fails(cli("--account", C, "user", "list"), 4,
          f"iamctl: CorruptStore: {three}: invalid TOML: Illegal character '\\n' (at line {at + 1}, column 10).")


def test_organizations_span_accounts_and_stay_correct(three, ok, cli):
    ok("billing", "org", "create")
    handshake = ok("billing", "invite", B, "--output", "text", "--query", "Handshake.Id").out.strip()
    ok("--account", B, "billing", "handshake", "accept", handshake)
    before = tomllib.loads(three.read_text())
    assert before["organizations"]
    ok("--account", C, "user", "create", "erin")  # a write to an account outside the org
    ok("--account", B, "user", "create", "erin")  # and to a member
    after = tomllib.loads(three.read_text())
    assert after["organizations"] == before["organizations"]
    assert after["handshakes"] == before["handshakes"]
    assert B in after["organizations"][next(iter(after["organizations"]))]["accounts"]
    # the rest names accounts by ID: an account in an organization cannot go, one outside can
    assert cli("account", "delete", B, "--force").code == 3
    ok("account", "delete", C, "--force")
    after = tomllib.loads(three.read_text())
    assert sorted(after["accounts"]) == sorted([ACCOUNT, B])
    ok("--account", B, "user", "get", "alice")


def test_a_default_account_edited_away_is_caught_without_reading_the_accounts(three, cli):
    three.write_text(three.read_text().replace(f'default_account = "{ACCOUNT}"', 'default_account = "999999999999"'))
    fails(cli("--account", B, "user", "list"), 4,
          f"iamctl: CorruptStore: {three}: default_account 999999999999 is not an account in the store.")


def test_a_layout_not_cut_by_account_is_read_as_one_document(three, ok):
    """An account's tables moved apart by hand: the store is read and written as one
    document, as before."""
    text = three.read_text()
    block = f"[accounts.{ACCOUNT}.groups.devs]\n"
    start = text.index(block)
    end = text.index("\n[", start) + 1
    moved = text[:start] + text[end:] + "\n" + text[start:end]
    three.write_text(moved)
    assert split(moved.encode()) is None
    ok("user", "create", "zed")
    ok("group", "add-user", "devs", "zed")
    assert tomllib.loads(three.read_text())["accounts"][ACCOUNT]["users"]["zed"]["groups"] == ["devs"]


def test_a_triple_quote_in_a_comment_is_read_as_one_document(three, ok):
    three.write_text(three.read_text() + "# a stray ''' in a comment\n")
    assert split(three.read_bytes()) is None
    ok("--account", B, "user", "create", "frank")
    assert "frank" in tomllib.loads(three.read_text())["accounts"][B]["users"]


SPLITS = {  # text, {account: how its region begins} or None (read as one document)
    "as iamctl writes it": ('schema = 1\n\n[accounts.111]\na = 1\n\n[accounts.111.users.x]\nb = 2\n\n'
                            '# about 222\n[accounts.222]\na = 1\n\n[organizations.o-1]\nc = 3\n',
                            {"111": "[accounts.111]\n", "222": "# about 222\n"}),
    "a header with a comment": ('schema = 1\n[accounts.111]  # main\na = 1\n[accounts.222]\na = 2\n',
                                {"111": "[accounts.111]  #", "222": "[accounts.222]"}),
    "a quoted header": ('schema = 1\n[accounts.111]\na = 1\n[accounts."111".users.x]\nb = 1\n[accounts.222]\na = 2\n',
                        {"111": "[accounts.111]", "222": "[accounts.222]"}),
    "an account's tables apart": ('schema = 1\n[accounts.111]\na = 1\n[accounts.222]\na = 2\n'
                                  '[accounts.111.users.x]\nb = 1\n', None),
    "a header inside a string": ("schema = 1\n[accounts.111]\nd = '" "''\n[accounts.222]\n'" "''\n"
                                 "[accounts.333]\na = 1\n", None),
    "an array table in an account": ('schema = 1\n[accounts.111]\na = 1\n[[accounts.111.x]]\nb = 1\n'
                                     '[accounts.222]\na = 2\n', None),
    "an array table after the accounts": ('schema = 1\n[accounts.111]\na = 1\n[[other]]\nb = 1\n', None),
    "an indented header": ('schema = 1\n[accounts.111]\na = 1\n  [accounts.222]\na = 2\n',
                           {"111": "[accounts.111]", "222": "  [accounts.222]"}),
}


@pytest.mark.parametrize("name", list(SPLITS))
def test_split_finds_each_accounts_region_or_gives_up(name):
    """Both ways of cutting (the fast one, from the accounts' own headers, and the line by
    line one) agree; a layout not one region per account is None (read whole)."""
    from iamctl.core.store import split as cut

    text, expected = SPLITS[name]
    data = text.encode()
    got = split(data)
    if expected is None:
        assert got is None and cut._fast_split(data) is None
        return
    assert got is not None and list(got.accounts) == list(expected)
    assert cut._line_split(data) == got
    whole = tomllib.loads(text)["accounts"]
    for account, (start, end) in got.accounts.items():
        assert text[start:].startswith(expected[account])
        assert tomllib.loads(text[start:end]) == {"accounts": {account: whole[account]}}


def test_a_new_account_goes_after_every_table_of_the_one_before(ok, store_path):
    """An account created after the first one has users goes after all of them, so the
    file stays one region per account (it used to land right after [accounts.FIRST])."""
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("account", "create", "--account-id", B)
    ok("--account", B, "user", "create", "bob")
    pieces = split(store_path.read_bytes())
    assert pieces is not None and list(pieces.accounts) == [ACCOUNT, B]
    text = store_path.read_text()
    assert text.index(f"[accounts.{ACCOUNT}.groups.devs]") < text.index(f"[accounts.{B}]")


def test_concurrent_writers_on_different_accounts_lose_nothing(ok, store_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    ok("account", "create", "--account-id", B)
    ok("user", "list")
    env = {"PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store_path), "PATH": "/usr/bin:/bin",
           "XDG_CACHE_HOME": str(store_path.parent / "cache"), "IAMCTL_LOCK_TIMEOUT": "60"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "iamctl", "--account", (ACCOUNT, B)[i % 2], "user", "create",
                          f"user{i}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for i in range(16)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    assert [code for code, _ in results] == [0] * 16, results
    accounts = tomllib.loads(store_path.read_text())["accounts"]
    assert sorted(accounts[ACCOUNT]["users"]) == sorted(f"user{i}" for i in range(0, 16, 2))
    assert sorted(accounts[B]["users"]) == sorted(f"user{i}" for i in range(1, 16, 2))
    assert split(store_path.read_bytes()) is not None
    for account in (ACCOUNT, B):  # the caches agree with the file
        names = [u["UserName"] for u in ok("--account", account, "user", "list", "--output", "json").json()["Users"]]
        assert sorted(names) == sorted(accounts[account]["users"])


# ---------------------------------------------------------------- lookups across accounts (model/directory.py)


def _read_again(store_path: Path, *accounts: str) -> set[str]:
    """Remove the tables' caches of *accounts* (their facts stay); after a command, the
    ones that command read are cached again."""
    store = Store(store_path)
    for account in accounts:
        store.account_cache_path(account).unlink()
    return {a for a in accounts if store.account_cache_path(a).exists()}


def _forget(store_path: Path, *accounts: str) -> Store:
    """Remove the caches of *accounts*, tables and facts (the file's index stays)."""
    store = Store(store_path)
    for account in accounts:
        store.account_cache_path(account).unlink()
        store.account_cache_path(account, "f").unlink()
    return store


def _warm(ok) -> None:
    for account in (ACCOUNT, B, C):
        ok("--account", account, "user", "list")


def test_a_new_key_is_checked_against_the_other_accounts_without_reading_them(three, ok):
    _warm(ok)
    assert _read_again(three, ACCOUNT, C) == set()
    ok("--account", B, "key", "create", "alice")
    assert {a for a in (ACCOUNT, C) if Store(three).account_cache_path(a).exists()} == set()


def test_without_facts_an_accounts_text_rules_it_out_without_a_parse(three, ok):
    """Every cache gone but the index: a new key's ID, or an alias, that an account's text
    does not spell out cannot be in that account, so the account is not parsed."""
    ok("--account", C, "account", "alias", "set", "data-lake")
    _warm(ok)
    store = _forget(three, ACCOUNT, C)
    ok("--account", B, "key", "create", "alice")
    assert [a for a in (ACCOUNT, C) if store.account_cache_path(a).exists()] == []
    assert ok("--account", "data-lake", "user", "get", "bob", "--output", "json").json()["User"]["Arn"] \
        == f"arn:aws:iam::{C}:user/bob"
    assert [a for a in (ACCOUNT, C) if store.account_cache_path(a).exists()] == [C]


def test_an_escape_in_an_accounts_text_means_it_must_be_read(three, ok):
    """A \\u escape could spell a key ID or an alias: such an account is read."""
    text = three.read_text()
    at = text.index(f"[accounts.{C}.users.bob]")
    three.write_text(text[:at] + text[at:].replace('home = "', 'home = "\\u0041', 1))
    _warm(ok)
    store = _forget(three, ACCOUNT, C)
    ok("--account", B, "key", "create", "alice")
    assert [a for a in (ACCOUNT, C) if store.account_cache_path(a).exists()] == [C]


def test_an_alias_split_by_a_line_ending_backslash_is_still_found(three, ok):
    """In a multi-line basic string a backslash at the end of a line joins it to the next:
    the text need not spell the alias out, so such an account is read."""
    ok("--account", C, "account", "alias", "set", "data-lake")
    text = three.read_text()
    assert 'alias = "data-lake"' in text
    three.write_text(text.replace('alias = "data-lake"', 'alias = """data-\\\n    lake"""'))
    _warm(ok)
    _forget(three, ACCOUNT, B, C)
    assert ok("--account", "data-lake", "user", "get", "bob", "--output", "json").json()["User"]["Arn"] \
        == f"arn:aws:iam::{C}:user/bob"


def test_a_key_names_its_account_and_only_that_account_is_read(three, ok):
    secret_line = ok("--account", C, "key", "create", "bob", "--output", "json").json()["AccessKey"]
    _warm(ok)
    _read_again(three, ACCOUNT, B, C)
    who = ok("whoami", "--access-key-id", secret_line["AccessKeyId"], "--secret-stdin",
             "--output", "json", stdin=secret_line["SecretAccessKey"] + "\n").json()
    assert who["Arn"] == f"arn:aws:iam::{C}:user/bob"
    store = Store(three)
    assert store.account_cache_path(C).exists() and not store.account_cache_path(B).exists()


def test_facts_follow_a_hand_edit_of_their_account(three, ok, cli):
    """A key written into account C by hand: C's facts no longer match its text, so C is
    read, and the key is found (and a new key can never take its ID)."""
    created = ok("--account", C, "key", "create", "alice", "--output", "json").json()["AccessKey"]
    _warm(ok)
    text = three.read_text()
    moved = text.replace(f"[accounts.{C}.users.alice.access_keys.{created['AccessKeyId']}]",
                         f"[accounts.{C}.users.bob.access_keys.{created['AccessKeyId']}]")
    assert moved != text
    three.write_text(moved)
    who = ok("whoami", "--access-key-id", created["AccessKeyId"], "--secret-stdin", "--output", "json",
             stdin=created["SecretAccessKey"] + "\n").json()
    assert who["Arn"] == f"arn:aws:iam::{C}:user/bob"


def test_an_alias_names_its_account_and_only_that_account_is_read(three, ok, cli):
    ok("--account", C, "account", "alias", "set", "data-lake")
    _warm(ok)
    _read_again(three, ACCOUNT, B, C)
    assert ok("--account", "data-lake", "user", "get", "alice", "--output", "json").json()["User"]["Arn"] \
        == f"arn:aws:iam::{C}:user/alice"
    store = Store(three)
    assert [a for a in (ACCOUNT, B, C) if store.account_cache_path(a).exists()] == [C]
    result = cli("--account", B, "account", "alias", "set", "data-lake")  # taken: found without reading A
    assert result.code == 3 and "data-lake already exists" in result.err


def test_accounts_with_skips_only_what_the_facts_rule_out():
    from iamctl.core.model.directory import accounts_with, facts_of
    from iamctl.core.model.lazy import EntityMap

    raws = {
        "111111111111": {"alias": "a", "email": "Root@Example.com",
                         "users": {"u": {"access_keys": {"AKIA1": {}}}}, "sessions": {"ASIA1": {}}},
        "222222222222": {"root": {"access_keys": {"AKIA2": {}}}},
        "333333333333": {},
    }

    class Map(EntityMap):
        def facts(self, account_id):
            return None if account_id == "333333333333" else facts_of(raws[account_id])

    class Data:
        accounts = Map(dict(raws), lambda k, v: k)

    def ids(**asked):
        return list(accounts_with(Data(), **asked))

    assert ids(key_id="AKIA1") == ["111111111111", "333333333333"]  # 333... has no facts: looked at
    assert ids(key_id="AKIA2") == ["222222222222", "333333333333"]
    assert ids(session="ASIA1") == ["111111111111", "333333333333"]
    assert ids(alias="a") == ["111111111111", "333333333333"]
    assert ids(email="root@EXAMPLE.com") == ["111111111111", "333333333333"]
    assert ids(key_id="AKIA9") == ["333333333333"]
