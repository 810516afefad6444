"""Every `iamctl user` command, through the CLI in-process."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.foundation.conftest import ACCOUNT, S3_READ, fails

USER_ID = re.compile(r"AIDA[A-Z2-7]{17}")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def test_create_prints_the_new_user(jcli):
    out = jcli("user", "create", "alice", "--path", "/engineering/", "--tag", "team=web", "--tag", "env=")
    user = out["User"]
    assert user["UserName"] == "alice"
    assert user["Path"] == "/engineering/"
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/engineering/alice"
    assert USER_ID.fullmatch(user["UserId"]) and len(user["UserId"]) == 21
    assert ISO.fullmatch(user["CreateDate"])
    assert user["Tags"] == [{"Key": "team", "Value": "web"}, {"Key": "env", "Value": ""}]


def test_list_sorted_and_filtered_by_path_prefix(jcli, ok):
    ok("user", "create", "carol", "--path", "/ops/")
    ok("user", "create", "Bob")
    ok("user", "create", "alice", "--path", "/ops/db/")
    assert [u["UserName"] for u in jcli("user", "list")["Users"]] == ["alice", "Bob", "carol"]
    assert [u["UserName"] for u in jcli("user", "list", "--path-prefix", "/ops/")["Users"]] == ["alice", "carol"]
    assert jcli("user", "list", "--path-prefix", "/nowhere/") == {"Users": []}


def test_get_shows_groups_policies_and_boundary(jcli, ok, doc):
    ok("user", "create", "alice", "--tag", "team=web")
    ok("group", "create", "devs")
    ok("group", "add-user", "devs", "alice")
    ok("user", "attach-policy", "alice", "ReadOnlyAccess")
    ok("user", "put-policy", "alice", "S3Home", "--document", doc())
    ok("user", "set-boundary", "alice", "PowerUserAccess")
    out = jcli("user", "get", "alice")
    assert out["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess",
    }
    assert [g["GroupName"] for g in out["Groups"]] == ["devs"]
    assert out["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    ]
    assert out["PolicyNames"] == ["S3Home"]


def test_get_is_case_insensitive_like_iam(jcli, ok):
    ok("user", "create", "Alice")
    assert jcli("user", "get", "alice")["User"]["UserName"] == "Alice"


def test_update_renames_and_moves(jcli, ok):
    created = jcli("user", "create", "alice")["User"]
    out = jcli("user", "update", "alice", "--new-name", "alicia", "--new-path", "/new/")["User"]
    assert out["UserName"] == "alicia"
    assert out["Path"] == "/new/"
    assert out["UserId"] == created["UserId"]  # same user, new name
    assert out["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/new/alicia"
    assert [u["UserName"] for u in jcli("user", "list")["Users"]] == ["alicia"]


def test_update_changing_only_the_case_of_a_name(jcli, ok):
    ok("user", "create", "alice")
    assert jcli("user", "update", "alice", "--new-name", "Alice")["User"]["UserName"] == "Alice"
    assert [u["UserName"] for u in jcli("user", "list")["Users"]] == ["Alice"]


def test_rename_keeps_memberships_attachments_inline_and_tags(jcli, ok, doc):
    ok("user", "create", "alice", "--tag", "team=web")
    ok("group", "create", "devs")
    ok("policy", "create", "Mine", "--document", doc())
    ok("group", "add-user", "devs", "alice")
    ok("user", "attach-policy", "alice", "Mine")
    ok("user", "put-policy", "alice", "Inline1", "--document", doc())
    ok("user", "set-boundary", "alice", "Mine")
    ok("user", "update", "alice", "--new-name", "alicia")
    out = jcli("user", "get", "alicia")
    assert [g["GroupName"] for g in out["Groups"]] == ["devs"]
    assert [p["PolicyName"] for p in out["AttachedPolicies"]] == ["Mine"]
    assert out["PolicyNames"] == ["Inline1"]
    assert out["User"]["Tags"] == [{"Key": "team", "Value": "web"}]
    assert [u["UserName"] for u in jcli("group", "get", "devs")["Users"]] == ["alicia"]
    assert jcli("policy", "entities", "Mine")["PolicyUsers"][0]["UserName"] == "alicia"


def test_delete_plain_user(cli, ok, jcli):
    ok("user", "create", "alice")
    result = ok("user", "delete", "alice")
    assert (result.out, result.err) == ("", "")
    assert jcli("user", "list") == {"Users": []}


def test_delete_refused_while_attached_then_forced(cli, ok, jcli, doc):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("group", "add-user", "devs", "alice")
    ok("user", "attach-policy", "alice", "ReadOnlyAccess")
    ok("user", "put-policy", "alice", "S3", "--document", doc())
    ok("user", "set-boundary", "alice", "ReadOnlyAccess")
    fails(cli("user", "delete", "alice"), 3,
          "iamctl: DeleteConflict: Cannot delete entity, must remove user alice from group devs first.")
    assert jcli("user", "get", "alice")["User"]["UserName"] == "alice"
    result = ok("user", "delete", "alice", "--force")
    assert result.out == ""
    assert result.err.splitlines() == [
        "removed user alice from group devs",
        "removed policy arn:aws:iam::aws:policy/ReadOnlyAccess attached to user alice",
        "removed inline policy S3 of user alice",
        "removed permissions boundary arn:aws:iam::aws:policy/ReadOnlyAccess of user alice",
    ]
    assert jcli("user", "list") == {"Users": []}
    assert jcli("group", "get", "devs")["Users"] == []


def test_tag_and_untag(jcli, ok):
    ok("user", "create", "alice", "--tag", "team=web")
    assert ok("user", "tag", "alice", "team=db", "env=prod", "note=a=b").out == ""
    assert jcli("user", "get", "alice")["User"]["Tags"] == [
        {"Key": "team", "Value": "db"}, {"Key": "env", "Value": "prod"}, {"Key": "note", "Value": "a=b"}
    ]
    ok("user", "untag", "alice", "team", "not-there")
    assert jcli("user", "get", "alice")["User"]["Tags"] == [
        {"Key": "env", "Value": "prod"}, {"Key": "note", "Value": "a=b"}
    ]
    ok("user", "untag", "alice", "env", "note")
    assert "Tags" not in jcli("user", "get", "alice")["User"]


def test_groups_of_a_user_in_join_order(jcli, ok):
    ok("user", "create", "alice")
    for g in ("zeta", "alpha"):
        ok("group", "create", g)
        ok("group", "add-user", g, "alice")
    out = jcli("user", "groups", "alice")
    assert [g["GroupName"] for g in out["Groups"]] == ["zeta", "alpha"]
    assert set(out["Groups"][0]) == {"Path", "GroupName", "GroupId", "Arn", "CreateDate"}


def test_attach_and_detach_managed_policies(jcli, ok, doc):
    ok("user", "create", "alice")
    ok("policy", "create", "Mine", "--document", doc())
    ok("user", "attach-policy", "alice", "AmazonS3ReadOnlyAccess")
    ok("user", "attach-policy", "alice", f"arn:aws:iam::{ACCOUNT}:policy/Mine")
    ok("user", "attach-policy", "alice", "AmazonS3ReadOnlyAccess")  # again: AWS says nothing
    out = jcli("user", "list-policies", "alice")
    assert [p["PolicyName"] for p in out["AttachedPolicies"]] == ["AmazonS3ReadOnlyAccess", "Mine"]
    ok("user", "detach-policy", "alice", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    ok("user", "detach-policy", "alice", "Mine")
    assert jcli("user", "list-policies", "alice") == {"PolicyNames": [], "AttachedPolicies": []}


def test_inline_policy_put_get_replace_delete(jcli, ok, doc):
    ok("user", "create", "alice")
    ok("user", "put-policy", "alice", "S3Home", "--document", doc())
    out = jcli("user", "get-policy", "alice", "S3Home")
    assert out == {"UserName": "alice", "PolicyName": "S3Home", "PolicyDocument": S3_READ}
    replaced = {**S3_READ, "Statement": [{**S3_READ["Statement"][0], "Effect": "Deny"}]}
    ok("user", "put-policy", "alice", "S3Home", "--document", "-", stdin=doc_text(replaced))
    assert jcli("user", "get-policy", "alice", "S3Home")["PolicyDocument"] == replaced
    assert jcli("user", "list-policies", "alice")["PolicyNames"] == ["S3Home"]
    ok("user", "delete-policy", "alice", "S3Home")
    assert jcli("user", "list-policies", "alice")["PolicyNames"] == []


def test_boundary_set_and_delete(jcli, ok, cli):
    ok("user", "create", "alice")
    ok("user", "set-boundary", "alice", "arn:aws:iam::aws:policy/PowerUserAccess")
    assert "PermissionsBoundary" in jcli("user", "get", "alice")["User"]
    ok("user", "delete-boundary", "alice")
    assert "PermissionsBoundary" not in jcli("user", "get", "alice")["User"]
    fails(cli("user", "delete-boundary", "alice"), 3,
          "iamctl: NoSuchEntity: The user with name alice has no permissions boundary.")


def doc_text(obj) -> str:
    import json

    return json.dumps(obj)


def test_tags_take_any_letter_number_or_space_and_survive_a_cold_read(jcli, ok, store_path, tmp_path):
    # AWS's tag pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]: "𝒜" is a letter outside the BMP,
    # which a TOML key may hold but must not write as a surrogate pair.
    ok("user", "create", "alice", "--tag", "𝒜 key=välue 1", "--tag", "Ünï_.:/+-@=ok")

    shutil.rmtree(tmp_path / "cache")  # read the file itself, not the cache
    assert jcli("user", "get", "alice")["User"]["Tags"] == [
        {"Key": "𝒜 key", "Value": "välue 1"}, {"Key": "Ünï_.:/+-@", "Value": "ok"}
    ]
    ok("user", "tag", "alice", "𝒜 key=changed")  # patching the block finds the quoted header
    shutil.rmtree(tmp_path / "cache")
    assert jcli("user", "get", "alice")["User"]["Tags"][0] == {"Key": "𝒜 key", "Value": "changed"}


@pytest.mark.parametrize(("tag", "where"), [
    ("😀=v", "tags.1.member.key"),
    ("k=a;b", "tags.1.member.value"),
    ("k=[x]", "tags.1.member.value"),
    ("k=line\nbreak", "tags.1.member.value"),
])
def test_tags_outside_aws_pattern_are_a_validation_error(cli, ok, store_path, tag, where):
    before = store_path.read_text()
    result = cli("user", "create", "alice", "--tag", tag)
    assert result.code == 3
    assert result.err.startswith("iamctl: ValidationError: 1 validation error detected: Value ")
    assert f"at '{where}' failed to satisfy constraint" in result.err
    assert result.err.count("\n") == 1  # one line, even for a value holding a newline
    assert store_path.read_text() == before
