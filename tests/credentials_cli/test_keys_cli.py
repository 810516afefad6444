"""iamctl key ...: create (four formats), list, update, delete, rotate, last-used."""

from __future__ import annotations

import configparser
import csv
import io
import re

KEY_ID = re.compile(r"AKIA[A-Z2-7]{16}")


def test_create_json_is_awss_shape_and_secret_is_40(iam, alice, clock) -> None:
    r = iam("key", "create", "alice")
    assert r.code == 0, r.err
    key = r.json()["AccessKey"]
    assert list(key) == ["UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"]
    assert KEY_ID.fullmatch(key["AccessKeyId"]) and len(key["AccessKeyId"]) == 20
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", key["SecretAccessKey"])
    assert (key["UserName"], key["Status"], key["CreateDate"]) == ("alice", "Active", "2026-11-28T16:04:44+00:00")
    assert r.err == ("This is the only time the secret access key is shown: save it now. It cannot be recovered "
                     "later; if it is lost, create a new key.\n")


def test_formats_csv_env_credentials_file(iam, alice, cli) -> None:
    r = cli("key", "create", "alice", "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == ["Access key ID", "Secret access key"]
    assert KEY_ID.fullmatch(rows[1][0]) and len(rows[1][1]) == 40

    iam("key", "delete", rows[1][0])
    r = cli("key", "create", "alice", "--format", "env")
    lines = r.out.splitlines()
    assert re.fullmatch(r"export AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}", lines[0])
    assert lines[1].startswith("export AWS_SECRET_ACCESS_KEY=")

    r = cli("key", "create", "alice", "--format", "credentials-file", "--profile", "book")
    parser = configparser.ConfigParser()
    parser.read_string(r.out)
    assert KEY_ID.fullmatch(parser["book"]["aws_access_key_id"])
    assert len(parser["book"]["aws_secret_access_key"]) == 40


def test_bad_format_or_profile_writes_nothing(iam, alice, cli) -> None:
    r = cli("key", "create", "alice", "--format", "xml")
    assert r.code == 2 and "--format" in r.err
    r = cli("key", "create", "alice", "--format", "credentials-file", "--profile", "a]b")
    assert r.code == 3 and "ValidationError" in r.err
    assert iam("key", "list", "alice").json() == {"AccessKeyMetadata": []}


def test_two_keys_at_most(iam, alice) -> None:
    assert iam("key", "create", "alice").code == 0
    assert iam("key", "create", "alice").code == 0
    r = iam("key", "create", "alice")
    assert r.code == 3
    assert r.err == "iamctl: LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2\n"


def test_list_one_user_or_all_without_secrets(iam, alice) -> None:
    iam("user", "create", "bob")
    a = iam("key", "create", "alice").json()["AccessKey"]
    b = iam("key", "create", "bob").json()["AccessKey"]
    listed = iam("key", "list").json()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [a["AccessKeyId"], b["AccessKeyId"]]
    assert list(listed[0]) == ["UserName", "AccessKeyId", "Status", "CreateDate"]
    assert iam("key", "list", "bob").json()["AccessKeyMetadata"][0]["UserName"] == "bob"
    text = iam("key", "list", output="text").out  # aws-cli's layout: columns sorted by key
    assert text.splitlines()[0] == f"ACCESSKEYMETADATA\t{a['AccessKeyId']}\t{a['CreateDate']}\tActive\talice"
    lines = iam("key", "list", output="lines").out
    assert lines.splitlines()[0] == f"alice\t{a['AccessKeyId']}\tActive\t{a['CreateDate']}"
    assert iam("key", "list", "nobody").code == 3


def test_update_delete_and_unknown_key(iam, alice) -> None:
    key_id = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    assert iam("key", "update", key_id, "--status", "Inactive").code == 0
    assert iam("key", "list", "alice").json()["AccessKeyMetadata"][0]["Status"] == "Inactive"
    r = iam("key", "update", key_id, "--status", "Paused")
    assert r.code == 3 and "ValidationError" in r.err
    assert iam("key", "delete", key_id).code == 0
    r = iam("key", "delete", key_id)
    assert r.code == 3
    assert r.err == f"iamctl: NoSuchEntity: The Access Key with id {key_id} cannot be found.\n"


def test_rotate_deactivates_the_old_key(iam, alice, clock) -> None:
    old = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    clock.advance(days=90)
    r = iam("key", "rotate", "alice")
    assert r.code == 0, r.err
    body = r.json()
    new = body["AccessKey"]["AccessKeyId"]
    assert body["DeactivatedAccessKeyIds"] == [old] and new != old
    assert len(body["AccessKey"]["SecretAccessKey"]) == 40
    assert f"Deactivated {old}" in r.err
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam("key", "list", "alice").json()["AccessKeyMetadata"]}
    assert statuses == {old: "Inactive", new: "Active"}
    r = iam("key", "rotate", "alice")  # no room for a third: delete the inactive one first
    assert r.code == 3 and f"Delete the inactive key {old} first" in r.err


def test_last_used_before_and_after_use(iam, alice, clock) -> None:
    created = iam("key", "create", "alice").json()["AccessKey"]
    key_id, secret = created["AccessKeyId"], created["SecretAccessKey"]
    assert iam("key", "last-used", key_id).json() == {
        "UserName": "alice",
        "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"},
    }
    clock.advance(hours=1)
    assert iam("whoami", "--access-key-id", key_id, "--secret-stdin", stdin=secret + "\n").code == 0
    assert iam("key", "last-used", key_id).json() == {
        "UserName": "alice",
        "AccessKeyLastUsed": {"LastUsedDate": "2026-11-28T17:04:44+00:00", "ServiceName": "sts", "Region": "N/A"},
    }


def test_as_a_script_would_run_it(account) -> None:
    """A real process: the secret on stdout for eval, nothing else there."""
    from tests.conftest import run_subprocess

    assert run_subprocess("user", "create", "alice").code == 0
    r = run_subprocess("key", "create", "alice", "--format", "env")
    assert r.code == 0, r.err
    exports = dict(line.removeprefix("export ").split("=", 1) for line in r.out.splitlines())
    assert set(exports) == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    r = run_subprocess("whoami", "--access-key-id", exports["AWS_ACCESS_KEY_ID"], "--secret-stdin", "--output", "json",
                       stdin=exports["AWS_SECRET_ACCESS_KEY"] + "\n")
    assert r.code == 0, r.err
    assert r.out.count("arn:aws:iam::123456789012:user/alice") == 1
    r = run_subprocess("user", "mfa", "create", "alice", "--output", "json")
    assert r.code == 0 and r.out.lstrip().startswith("{") and "█" in r.err  # the QR code stays off stdout
