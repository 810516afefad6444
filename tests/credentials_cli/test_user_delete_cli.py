"""Deleting a user with credentials is a DeleteConflict unless --force."""

from __future__ import annotations


def test_delete_conflict_then_force_lists_what_was_removed(iam, alice, clock) -> None:
    key_id = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    iam("user", "password", "set", "alice", "--generate")
    iam("user", "mfa", "create", "alice")
    r = iam("user", "delete", "alice")
    assert r.code == 3
    assert r.err == "iamctl: DeleteConflict: Cannot delete entity, must remove login profile of user alice first.\n"
    r = iam("user", "delete", "alice", "--force")
    assert r.code == 0, r.err
    assert r.out == ""
    assert r.err.splitlines() == [
        "removed login profile of user alice",
        f"removed access key {key_id} of user alice",
        "removed MFA device arn:aws:iam::123456789012:mfa/alice of user alice",
    ]
    assert iam("key", "list").json() == {"AccessKeyMetadata": []}
    # The key no longer signs anything, and its ID can be looked up nowhere.
    assert iam("key", "last-used", key_id).code == 3


def test_each_kind_alone_blocks(iam, alice) -> None:
    key_id = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    r = iam("user", "delete", "alice")
    assert f"must remove access key {key_id} of user alice first" in r.err
    iam("key", "delete", key_id)
    iam("user", "mfa", "create", "alice")
    assert "must remove MFA device" in iam("user", "delete", "alice").err
    iam("user", "mfa", "delete", "alice")
    assert iam("user", "delete", "alice").code == 0
