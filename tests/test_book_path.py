"""The book's path and a team's repo: several users at once, store check|path, what init
says when a store exists, confirmations before destructive commands."""

from __future__ import annotations

import io
import os
import sys

import pytest

from tests.conftest import run_subprocess

DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'


class Terminal(io.StringIO):
    """stdin as a person at a terminal types it."""

    def isatty(self) -> bool:
        return True


# ---------------------------------------------------------------- user create NAME [NAME ...]


def test_user_create_several_at_once(cli, account) -> None:
    result = cli("user", "create", "alice", "bob", "carol", "--path", "/web/", "--tag", "team=web", "--output", "json")
    assert result.code == 0, result.err
    created = result.json()["Users"]
    assert [u["UserName"] for u in created] == ["alice", "bob", "carol"]
    assert {u["Path"] for u in created} == {"/web/"}
    assert all(u["Tags"] == [{"Key": "team", "Value": "web"}] for u in created)
    single = cli("user", "create", "dave", "--output", "json").json()
    assert set(single) == {"User"} and single["User"]["UserName"] == "dave"  # CreateUser's shape for one


def test_user_create_is_all_or_none(cli, account, store_path) -> None:
    assert cli("user", "create", "bob").code == 0
    before = store_path.read_bytes()
    result = cli("user", "create", "alice", "bob", "carol")
    assert result.code == 3 and "EntityAlreadyExists" in result.err
    result = cli("user", "create", "alice", "bad name")
    assert result.code == 3 and "ValidationError" in result.err
    assert store_path.read_bytes() == before
    names = [u["UserName"] for u in cli("user", "list", "--output", "json").json()["Users"]]
    assert names == ["bob"]


def test_user_create_takes_at_most_ten(cli, account) -> None:
    result = cli("user", "create", *[f"u{i}" for i in range(11)])
    assert result.code == 2 and result.out == ""
    assert result.err == "iamctl: InvalidArgument: At most 10 users at once (as in the console), not 11.\n"
    assert cli("user", "create", *[f"u{i}" for i in range(10)]).code == 0


# ---------------------------------------------------------------- store check | path


def test_store_check_passes_a_sound_store(cli, account, store_path) -> None:
    assert cli("user", "create", "alice").code == 0
    result = cli("store", "check", "--output", "json")
    assert result.code == 0
    assert result.json() == {"Path": str(store_path), "Valid": True, "Accounts": 1, "Users": 1}


def test_store_check_fails_with_exit_4_naming_the_problem(cli, account, store_path) -> None:
    assert cli("user", "create", "alice").code == 0
    assert cli("user", "list").code == 0  # the cache now holds the sound store
    text = store_path.read_text().replace('path = "/"', 'path = "/"\ngroups = ["Ghosts"]', 1)
    store_path.write_text(text)
    result = cli("store", "check")
    assert result.code == 4 and result.out == ""
    assert result.err.startswith("iamctl: ") and "Ghosts" in result.err and result.err.count("\n") == 1
    store_path.write_text("schema = [")
    result = cli("store", "check")
    assert result.code == 4 and "invalid TOML" in result.err


def test_store_check_without_a_store(cli) -> None:
    result = cli("store", "check")
    assert result.code == 4 and "NoStore" in result.err


def test_store_path_prints_the_store_in_use(cli, store_path, tmp_path, monkeypatch) -> None:
    assert cli("store", "path").out == f"{store_path}\n"
    other = tmp_path / "team" / "iam.toml"
    assert cli("--store", str(other), "store", "path").out == f"{other}\n"
    shape = cli("store", "path", "--output", "json").json()
    assert shape["Path"] == str(store_path) and shape["Source"] == "IAMCTL_STORE" and shape["Exists"] is False
    monkeypatch.delenv("IAMCTL_STORE")
    default = tmp_path / "data" / "iamctl" / "store.toml"
    assert cli("store", "path", "--output", "json").json()["Source"] == "default"
    assert cli("store", "path").out == f"{default}\n"


def test_store_path_names_the_file_a_symlinked_store_writes(cli, account, store_path, tmp_path) -> None:
    link = tmp_path / "dotfiles" / "iam.toml"
    link.parent.mkdir()
    link.symlink_to(store_path)
    shape = cli("--store", str(link), "store", "path", "--output", "json").json()
    assert shape["Path"] == str(link) and shape["LockedFile"] == str(store_path)


# ---------------------------------------------------------------- init over an existing store


def test_init_over_a_store_says_what_to_do_instead(cli, account, store_path) -> None:
    result = cli("init")
    assert result.code == 4
    assert "--store PATH or IAMCTL_STORE" in result.err and "'iamctl account create'" in result.err


# ---------------------------------------------------------------- confirmations


@pytest.fixture
def everything(cli, account) -> None:
    for argv in (
        ("user", "create", "alice"),
        ("group", "create", "devs"),
        ("group", "add-user", "devs", "alice"),
        ("role", "create", "R", "--trust-service", "ec2.amazonaws.com"),
        ("role", "instance-profile", "create", "P"),
        ("role", "instance-profile", "add-role", "P", "R"),
        ("account", "create", "--account-id", "210987654321", "--alias", "dev"),
    ):
        assert cli(*argv).code == 0, argv
    assert cli("policy", "create", "Pol", "--document", "-", stdin=DOC).code == 0
    assert cli("user", "attach-policy", "alice", "Pol").code == 0


DESTRUCTIVE = [
    (("user", "delete", "alice", "--force"), "Delete user alice"),
    (("group", "delete", "devs", "--force"), "Delete group devs"),
    (("policy", "delete", "Pol", "--force"), "Delete policy Pol"),
    (("role", "delete", "R", "--force"), "Delete role R"),
    (("role", "instance-profile", "delete", "P", "--force"), "Delete instance profile P"),
    (("account", "delete", "dev"), "Delete account dev"),
]


@pytest.mark.parametrize(("argv", "question"), DESTRUCTIVE)
def test_destructive_commands_ask_at_a_terminal_and_no_changes_nothing(
    cli, everything, store_path, monkeypatch, argv, question
) -> None:
    before = store_path.read_bytes()
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    result = cli(*argv)
    assert result.code == 1 and result.out == ""
    assert result.err.startswith(question) and "[y/N] " in result.err
    assert result.err.endswith("iamctl: Declined: nothing was changed.\n")
    assert store_path.read_bytes() == before


@pytest.mark.parametrize(("argv", "question"), DESTRUCTIVE)
def test_yes_at_the_prompt_goes_ahead(cli, everything, store_path, monkeypatch, argv, question) -> None:
    before = store_path.read_bytes()
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    result = cli(*argv)
    assert result.code == 0, result.err
    assert result.err.startswith(question)
    assert store_path.read_bytes() != before


@pytest.mark.parametrize(("argv", "question"), DESTRUCTIVE)
def test_dash_dash_yes_skips_the_question(cli, everything, monkeypatch, argv, question) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    result = cli(*argv, "--yes")
    assert result.code == 0, result.err
    assert question not in result.err


def test_a_delete_without_force_is_not_asked(cli, account, monkeypatch) -> None:
    assert cli("user", "create", "bob").code == 0
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    result = cli("user", "delete", "bob")
    assert (result.code, result.err) == (0, "")


def test_scripts_are_never_asked(everything, store_path) -> None:
    result = run_subprocess("user", "delete", "alice", "--force", stdin="")
    assert result.code == 0, result.err
    assert "[y/N]" not in result.err


def test_billing_leave_and_remove_ask(cli, account, monkeypatch) -> None:
    assert cli("account", "create", "--account-id", "210987654321").code == 0
    assert cli("account", "create", "--account-id", "222222222222").code == 0
    assert cli("billing", "org", "create").code == 0
    for member in ("210987654321", "222222222222"):
        handshake = cli("billing", "invite", member, "--output", "json").json()["Handshake"]["Id"]
        assert cli("--account", member, "billing", "handshake", "accept", handshake).code == 0
    monkeypatch.setattr(sys, "stdin", Terminal("no\n"))
    result = cli("billing", "remove", "210987654321")
    assert result.code == 1 and result.err.startswith("Remove account 210987654321 from the organization?")
    result = cli("--account", "222222222222", "billing", "leave")
    assert result.code == 1 and result.err.startswith("Leave the organization?")
    monkeypatch.setattr(sys, "stdin", Terminal("yes\n"))
    assert cli("billing", "remove", "210987654321").code == 0
    assert cli("--account", "222222222222", "billing", "leave", "--yes").code == 0


# ---------------------------------------------------------------- billing usage


def test_default_prices_hold_the_books_instance_types_with_their_source(cli) -> None:
    from iamctl.core.billing.prices import default_prices
    from tests.conftest import ROOT

    prices = default_prices()
    assert str(prices.get("AmazonEC2", "BoxUsage:t1.micro").tiers[0].usd) == "0.02"
    assert str(prices.get("AmazonEC2", "BoxUsage:t2.micro").tiers[0].usd) == "0.0116"
    text = (ROOT / "iamctl" / "data" / "prices.toml").read_text()
    assert "aws.amazon.com/ec2/previous-generation" in text and "aws.amazon.com/ec2/pricing/on-demand" in text


def test_usage_add_refuses_an_unpriced_usage_type_naming_the_priced_ones(cli, account) -> None:
    result = cli("billing", "usage", "add", "--service", "AmazonEC2", "--usage-type", "BoxUsage:t2.nano",
                 "--quantity", "10", "--month", "2026-03")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("iamctl: UnpricedUsage: No price for AmazonEC2 usage type BoxUsage:t2.nano")
    assert "Priced for AmazonEC2: BoxUsage:c5.large, BoxUsage:m5.large, BoxUsage:t1.micro, BoxUsage:t2.micro" in (
        result.err
    )
    assert "--prices FILE" in result.err and result.err.count("\n") == 1
    assert cli("billing", "usage", "list", "--output", "json").json() == {"UsageRecords": []}


def test_usage_add_accepts_a_type_priced_by_prices_file(cli, account, tmp_path) -> None:
    own = tmp_path / "prices.toml"
    own.write_text('[[prices]]\nservice = "AmazonEC2"\nusage_type = "BoxUsage:t2.nano"\nunit = "Hrs"\n'
                   'tiers = [{ usd = "0.0058" }]\n')
    argv = ("--service", "AmazonEC2", "--usage-type", "BoxUsage:t2.nano", "--quantity", "10", "--month", "2026-03")
    assert cli("billing", "usage", "add", *argv, "--prices", str(own)).code == 0
    assert cli("billing", "--prices", str(own), "usage", "add", *argv).code == 0
    result = cli("billing", "usage", "add", "--service", "AmazonEC2", "--usage-type", "BoxUsage:t2.micro",
                 "--quantity", "744", "--month", "2026-03", "--output", "json")
    assert result.code == 0 and result.json()["UsageRecord"]["UsageType"] == "BoxUsage:t2.micro"


def test_usage_delete(cli, account) -> None:
    argv = ("--service", "AmazonEC2", "--usage-type", "BoxUsage:t1.micro", "--month", "2026-03")
    first = cli("billing", "usage", "add", *argv, "--quantity", "1", "--output", "json").json()["UsageRecord"]["Id"]
    second = cli("billing", "usage", "add", *argv, "--quantity", "2", "--output", "json").json()["UsageRecord"]["Id"]
    result = cli("billing", "usage", "delete", first)
    assert result.code == 0 and result.err.startswith(f"Deleted usage record {first} ")
    left = cli("billing", "usage", "list", "--output", "json").json()["UsageRecords"]
    assert [r["Id"] for r in left] == [second]
    result = cli("billing", "usage", "delete", first)
    assert result.code == 3 and result.err.startswith(f"iamctl: NoSuchEntity: The usage record {first} cannot be found")


# ---------------------------------------------------------------- user get


def test_user_get_shows_security_credentials_and_group_policies(cli, account) -> None:
    for argv in (
        ("user", "create", "alice"),
        ("group", "create", "EC2Admin"),
        ("group", "attach-policy", "EC2Admin", "AmazonEC2FullAccess"),
        ("group", "add-user", "EC2Admin", "alice"),
    ):
        assert cli(*argv).code == 0, argv
    assert cli("group", "put-policy", "EC2Admin", "S3Home", "--document", "-", stdin=DOC).code == 0
    bare = cli("user", "get", "alice", "--output", "json").json()
    assert bare["SecurityCredentials"] == {
        "ConsoleSignIn": {"ConsolePassword": "Disabled"}, "AccessKeys": [], "MFADevices": [],
    }
    assert bare["GroupPolicies"] == [
        {
            "GroupName": "EC2Admin",
            "AttachedPolicies": [
                {"PolicyName": "AmazonEC2FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonEC2FullAccess"}
            ],
            "PolicyNames": ["S3Home"],
        }
    ]
    password = "Correct-Horse-9"
    assert cli("user", "password", "set", "alice", "--password-stdin", stdin=password + "\n").code == 0
    login = cli("user", "login", "alice", "--password-stdin", "--at", "2026-03-01T10:00:00Z", stdin=password + "\n")
    assert login.code == 0, login.err
    new = cli("key", "create", "alice", "--output", "json").json()["AccessKey"]
    who = cli("whoami", "--access-key-id", new["AccessKeyId"], "--secret-stdin", "--at", "2026-03-02T08:00:00Z",
              stdin=new["SecretAccessKey"] + "\n")
    assert who.code == 0, who.err
    assert cli("user", "mfa", "create", "alice").code == 0
    got = cli("user", "get", "alice", "--output", "json").json()
    assert got["User"]["PasswordLastUsed"].startswith("2026-03-01T10:00:00")
    creds = got["SecurityCredentials"]
    assert creds["ConsoleSignIn"]["ConsolePassword"] == "Enabled"
    assert creds["ConsoleSignIn"]["PasswordLastUsed"].startswith("2026-03-01T10:00:00")
    assert creds["ConsoleSignIn"]["PasswordResetRequired"] is False
    (key,) = creds["AccessKeys"]
    assert key["AccessKeyId"] == new["AccessKeyId"] and key["Status"] == "Active"
    assert key["LastUsedDate"].startswith("2026-03-02T08:00:00") and key["LastUsedService"] == "sts"
    (device,) = creds["MFADevices"]
    assert device["SerialNumber"] == "arn:aws:iam::123456789012:mfa/alice" and "EnableDate" not in device


def test_store_check_reads_the_file_not_a_cache_that_still_matches_it(cli, account, store_path) -> None:
    # A same-size edit with the old mtime restored: the read cache's key still matches,
    # so ordinary commands answer from it; the check must read the file itself.
    assert cli("group", "create", "devs").code == 0
    assert cli("user", "create", "alice").code == 0
    assert cli("group", "add-user", "devs", "alice").code == 0
    assert cli("user", "list").code == 0
    before = store_path.stat()
    text = store_path.read_text()
    assert 'groups = ["devs"]' in text
    with open(store_path, "r+", encoding="utf-8") as f:  # in place: same inode
        f.write(text.replace('groups = ["devs"]', 'groups = ["devz"]'))
    os.utime(store_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cli("user", "list").code == 0  # from the cache
    result = cli("store", "check")
    assert result.code == 4 and "devz" in result.err
