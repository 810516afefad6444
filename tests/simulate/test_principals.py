"""core/principals.py: what a user's request carries, gathered from the store."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from iamctl.core import principals
from iamctl.core.errors import IamError
from iamctl.core.store import Store
from tests.conftest import ROOT


def _account(store_path):
    return Store(store_path).read().accounts["123456789012"]


def test_policy_set_for_user_ids_and_types(cli, bob, store_path) -> None:
    account = _account(store_path)
    ps = principals.policy_set_for_user(account, account.users["bob"])
    assert [(p.id, p.source_type) for p in ps.identity] == [
        ("user/bob/inline/S3Home", "user"),
        ("ReadOnlyAccess", "aws-managed"),
        ("group/devs/inline/Queue", "group"),
    ]
    assert (ps.boundary.id, ps.boundary.source_type, ps.boundary.kind) == (
        "DevBoundary", "permissions-boundary", "boundary")
    # parsed once: a second call hands the evaluator the same objects (its index stays warm)
    again = principals.policy_set_for_user(account, account.users["bob"])
    assert all(a is b for a, b in zip(ps.identity, again.identity, strict=True))


def test_customer_managed_is_user_managed(cli, account, write, store_path) -> None:
    from tests.simulate.conftest import allow, doc

    assert cli("user", "create", "u").code == 0
    assert cli("policy", "create", "Mine", "--document", write("m.json", doc(allow("s3:*")))).code == 0
    assert cli("user", "attach-policy", "u", "Mine").code == 0
    acct = _account(store_path)
    (p,) = principals.policy_set_for_user(acct, acct.users["u"]).identity
    assert (p.id, p.source_type) == ("Mine", "user-managed")


def test_request_context_for_user(cli, account, store_path) -> None:
    assert cli("user", "create", "zoe", "--tag", "team=blue", "--tag", "cost=42").code == 0
    acct = _account(store_path)
    user = acct.users["zoe"]
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    overrides = {"aws:SourceIp": ["10.0.0.1"], "AWS:SECURETRANSPORT": ["false"]}
    ctx = principals.request_context_for_user(acct, user, now, overrides)
    assert ctx["aws:username"] == ["zoe"]
    assert ctx["aws:userid"] == [user.id] and user.id.startswith("AIDA")
    assert ctx["aws:PrincipalArn"] == ["arn:aws:iam::123456789012:user/zoe"]
    assert ctx["aws:PrincipalAccount"] == ["123456789012"]
    assert ctx["aws:PrincipalType"] == ["User"]
    assert ctx["aws:PrincipalTag/team"] == ["blue"] and ctx["aws:PrincipalTag/cost"] == ["42"]
    assert ctx["aws:CurrentTime"] == ["2024-05-01T12:00:00Z"]
    assert ctx["aws:EpochTime"] == ["1714564800"]
    assert ctx["aws:ResourceAccount"] == ["123456789012"]
    assert ctx["aws:SourceIp"] == ["10.0.0.1"]
    # an override replaces a filled key whatever its case
    assert "aws:SecureTransport" not in ctx and ctx["AWS:SECURETRANSPORT"] == ["false"]
    assert not any(k.lower() == "aws:multifactorauthpresent" for k in ctx)


def test_resolver_registry(cli, bob, store_path) -> None:
    acct = _account(store_path)
    for ref in ("bob", "user/bob", "arn:aws:iam::123456789012:user/bob", "BOB"):
        assert principals.resolve_principal(acct, ref).principal.arn == "arn:aws:iam::123456789012:user/bob"
    group = principals.resolve_principal(acct, "group/devs")
    assert group.note and "not principals" in group.note
    with pytest.raises(IamError) as exc:
        principals.resolve_principal(acct, "role/Admin")
    assert exc.value.code == "InvalidInput"

    def roles(account, ref):
        return principals.resolve_user(account, "bob") if ref == "role/Admin" else None

    principals.register_resolver(roles)
    try:
        assert principals.resolve_principal(acct, "role/Admin").principal.type == "User"
    finally:
        principals.RESOLVERS.remove(roles)


def test_bench_skips_without_store() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "simulate_bench.py")], capture_output=True, text=True)
    assert proc.returncode == 0 and "skipped" in proc.stdout
