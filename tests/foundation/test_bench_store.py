"""bench/make_store.py writes a store iamctl opens like any other (checked small, fast)."""

from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import make_store


def test_generated_store_is_an_ordinary_store(tmp_path, cli, monkeypatch):
    path = tmp_path / "gen.toml"
    assert make_store.main(["--users", "20", "--groups", "5", "--policies", "10", "--out", str(path)]) == 0
    monkeypatch.setenv("IAMCTL_STORE", str(path))
    result = cli("user", "get", "user7", "--output", "json")
    assert result.code == 0, result.err
    out = result.json()
    assert len(out["Groups"]) == 3 and len(out["AttachedPolicies"]) == 2 and out["PolicyNames"] == ["Home"]
    assert cli("user", "create", "user21").code == 0
    assert cli("group", "add-user", "group1", "user21").code == 0
    assert cli("user", "attach-policy", "user1", "policy10").code == 0
    text = path.read_text()
    assert text.startswith(make_store.TOP_COMMENT + "\n")
    assert make_store.USER_COMMENT + "\n[accounts.123456789012.users.user1]" in text


def test_generated_store_with_many_accounts(tmp_path, cli, monkeypatch):
    path = tmp_path / "org.toml"
    assert make_store.main(["--accounts", "3", "--users", "6", "--groups", "3", "--policies", "4",
                            "--out", str(path)]) == 0
    monkeypatch.setenv("IAMCTL_STORE", str(path))
    ids = make_store.account_ids(3)
    assert ids[0] == "123456789012" and len(set(ids)) == 3 and all(len(i) == 12 for i in ids)
    listed = cli("account", "list", "--output", "json")
    assert listed.code == 0, listed.err
    assert [a["Id"] for a in listed.json()["Accounts"]] == ids
    result = cli("--account", ids[2], "user", "get", "user3", "--output", "json")
    assert result.code == 0, result.err
    assert result.json()["User"]["Arn"] == f"arn:aws:iam::{ids[2]}:user/division3/user3"
    attached = result.json()["AttachedPolicies"]
    assert attached and all(p["PolicyArn"].startswith(f"arn:aws:iam::{ids[2]}:policy/") for p in attached)
