"""`iamctl policy entities` and the service behind it, as AWS's ListEntitiesForPolicy.

AWS's API model (botocore's service-2.json for IAM): EntityFilter is one of User, Role,
Group, LocalManagedPolicy, AWSManagedPolicy; PolicyUsageFilter one of PermissionsPolicy,
PermissionsBoundary, and without it every use is listed; PathPrefix is a path pattern.
botocore's paginator pages PolicyGroups, PolicyUsers, PolicyRoles in that order.
"""

from __future__ import annotations

import pytest

from iamctl.core.errors import IamError
from iamctl.core.service import policies
from iamctl.core.store import Store
from tests.foundation.conftest import ACCOUNT, fails, walk_pages

KEYS = ["PolicyGroups", "PolicyUsers", "PolicyRoles"]
ENUM = "Member must satisfy enum value set"


@pytest.fixture
def used(ok, doc):
    """Policy Mine used every way: attached (bob, eve, devs, ops, job), as a boundary
    (alice, eve, web), both (eve); zed and tester do not use it. Created out of name order."""
    ok("policy", "create", "Mine", "--document", doc())
    ok("policy", "create", "Other", "--document", doc())
    for argv in (("zed",), ("eve", "--path", "/eng/"), ("bob",), ("alice",)):
        ok("user", "create", *argv)
    ok("group", "create", "ops", "--path", "/eng/")
    ok("group", "create", "devs")
    ok("role", "create", "web", "--trust-service", "ec2.amazonaws.com")
    ok("role", "create", "job", "--trust-service", "ec2.amazonaws.com", "--path", "/eng/batch/")
    ok("role", "create", "tester", "--trust-service", "ec2.amazonaws.com")
    for kind, name in (("user", "bob"), ("user", "eve"), ("group", "devs"), ("group", "ops"), ("role", "job")):
        ok(kind, "attach-policy", name, "Mine")
    for kind, name in (("user", "alice"), ("user", "eve"), ("role", "web")):
        ok(kind, "set-boundary", name, "Mine")
    ok("user", "attach-policy", "zed", "Other")
    ok("role", "set-boundary", "tester", "Other")
    return "Mine"


@pytest.fixture
def account_data(used, store_path):
    return Store(store_path).read().accounts[ACCOUNT]


def _names(found: policies.PolicyEntities) -> tuple[list[str], list[str], list[str]]:
    return [g.name for g in found.groups], [u.name for u in found.users], [r.name for r in found.roles]


def _cli_names(out: dict) -> dict[str, list[str]]:
    return {k: [next(v for f, v in item.items() if f.endswith("Name")) for item in out[k]] for k in KEYS if k in out}


# ---------------------------------------------------------------- the service


def test_by_default_attachments_and_boundaries_each_entity_once_by_name(account_data):
    found = policies.entities_for_policy(account_data, "Mine")
    assert _names(found) == (["devs", "ops"], ["alice", "bob", "eve"], ["job", "web"])


def test_usage_filter_permissions_boundary_lists_only_boundaries(account_data):
    found = policies.entities_for_policy(account_data, "Mine", usage_filter="PermissionsBoundary")
    assert _names(found) == ([], ["alice", "eve"], ["web"])  # groups have no boundary


def test_usage_filter_permissions_policy_lists_only_attachments(account_data):
    found = policies.entities_for_policy(account_data, "Mine", usage_filter="PermissionsPolicy")
    assert _names(found) == (["devs", "ops"], ["bob", "eve"], ["job"])


@pytest.mark.parametrize(("entity_filter", "expected"), [
    ("User", ([], ["alice", "bob", "eve"], [])),
    ("Group", (["devs", "ops"], [], [])),
    ("Role", ([], [], ["job", "web"])),
    # In the shared EntityType enum, but no such entity uses a policy: AWS lists nothing.
    ("LocalManagedPolicy", ([], [], [])),
    ("AWSManagedPolicy", ([], [], [])),
])
def test_entity_filter(account_data, entity_filter, expected):
    assert _names(policies.entities_for_policy(account_data, "Mine", entity_filter=entity_filter)) == expected


def test_filters_combine(account_data):
    found = policies.entities_for_policy(account_data, "Mine", entity_filter="Role",
                                         usage_filter="PermissionsBoundary", path_prefix="/")
    assert _names(found) == ([], [], ["web"])


def test_path_prefix(account_data):
    assert _names(policies.entities_for_policy(account_data, "Mine", path_prefix="/eng/")) == (
        ["ops"], ["eve"], ["job"])
    assert _names(policies.entities_for_policy(account_data, "Mine", path_prefix="/eng/batch/")) == ([], [], ["job"])
    assert _names(policies.entities_for_policy(account_data, "Mine", path_prefix="/nothing/")) == ([], [], [])


@pytest.mark.parametrize(("option", "value", "field", "allowed"), [
    ("entity_filter", "user", "entityFilter", "[User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]"),
    ("usage_filter", "Boundary", "policyUsageFilter", "[PermissionsPolicy, PermissionsBoundary]"),
])
def test_a_value_outside_the_enum_is_a_validation_error(account_data, option, value, field, allowed):
    with pytest.raises(IamError) as caught:
        policies.entities_for_policy(account_data, "Mine", **{option: value})
    assert caught.value.code == "ValidationError"
    assert str(caught.value.message).startswith(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: "
        f"{ENUM}: {allowed}")


@pytest.mark.parametrize("prefix", ["eng", "/eng", "eng/", "", "/a//b/", "/" + "a" * 511 + "/"])
def test_a_bad_path_prefix_is_a_validation_error(account_data, prefix):
    with pytest.raises(IamError) as caught:
        policies.entities_for_policy(account_data, "Mine", path_prefix=prefix)
    assert caught.value.code == "ValidationError"
    assert "at 'pathPrefix' failed to satisfy constraint" in str(caught.value.message)


def test_aws_managed_policy_as_a_boundary(ok, store_path):
    ok("user", "create", "alice")
    ok("role", "create", "web", "--trust-service", "ec2.amazonaws.com")
    ok("user", "set-boundary", "alice", "ReadOnlyAccess")
    ok("role", "attach-policy", "web", "ReadOnlyAccess")
    account = Store(store_path).read().accounts[ACCOUNT]
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert _names(policies.entities_for_policy(account, arn)) == ([], ["alice"], ["web"])
    assert _names(policies.entities_for_policy(account, "ReadOnlyAccess", entity_filter="AWSManagedPolicy")) == (
        [], [], [])


# ---------------------------------------------------------------- the command


def test_cli_default_json_lists_boundary_users_and_roles_with_their_ids(used, jcli, cli):
    out = jcli("policy", "entities", "Mine")
    ids = {name: jcli("user", "get", name)["User"]["UserId"] for name in ("alice", "bob", "eve")}
    roles = {name: jcli("role", "get", name)["Role"]["RoleId"] for name in ("job", "web")}
    groups = {name: jcli("group", "get", name)["Group"]["GroupId"] for name in ("devs", "ops")}
    assert out == {
        "PolicyGroups": [{"GroupName": n, "GroupId": groups[n]} for n in ("devs", "ops")],
        "PolicyUsers": [{"UserName": n, "UserId": ids[n]} for n in ("alice", "bob", "eve")],
        "PolicyRoles": [{"RoleName": n, "RoleId": roles[n]} for n in ("job", "web")],
    }
    by_arn = jcli("policy", "entities", f"arn:aws:iam::{ACCOUNT}:policy/Mine")
    assert by_arn == out
    result = cli("policy", "entities", "Mine", "--output", "json")
    assert result.err == ""


def test_cli_permissions_boundary_only_as_text(used, ok, jcli):
    alice, eve = (jcli("user", "get", n)["User"]["UserId"] for n in ("alice", "eve"))
    web = jcli("role", "get", "web")["Role"]["RoleId"]
    result = ok("policy", "entities", "Mine", "--policy-usage-filter", "PermissionsBoundary", "--output", "text")
    # aws-cli's text formatter (awscli.text.format_text): lists in key order (PolicyRoles
    # before PolicyUsers), one row per item, its columns in key order (UserId, UserName).
    assert result.out == f"POLICYROLES\t{web}\tweb\nPOLICYUSERS\t{alice}\talice\nPOLICYUSERS\t{eve}\teve\n"
    assert result.err == ""


def test_cli_permissions_policy_excludes_boundaries(used, jcli):
    out = jcli("policy", "entities", "Mine", "--policy-usage-filter", "PermissionsPolicy")
    assert _cli_names(out) == {"PolicyGroups": ["devs", "ops"], "PolicyUsers": ["bob", "eve"], "PolicyRoles": ["job"]}


@pytest.mark.parametrize(("entity_filter", "expected"), [
    ("User", {"PolicyGroups": [], "PolicyUsers": ["alice", "bob", "eve"], "PolicyRoles": []}),
    ("Group", {"PolicyGroups": ["devs", "ops"], "PolicyUsers": [], "PolicyRoles": []}),
    ("Role", {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": ["job", "web"]}),
    ("LocalManagedPolicy", {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}),
    ("AWSManagedPolicy", {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}),
])
def test_cli_entity_filter(used, jcli, entity_filter, expected):
    assert _cli_names(jcli("policy", "entities", "Mine", "--entity-filter", entity_filter)) == expected


def test_cli_path_prefix(used, jcli, cli):
    out = jcli("policy", "entities", "Mine", "--path-prefix", "/eng/")
    assert _cli_names(out) == {"PolicyGroups": ["ops"], "PolicyUsers": ["eve"], "PolicyRoles": ["job"]}
    fails(cli("policy", "entities", "Mine", "--path-prefix", "eng"), 3,
          "iamctl: ValidationError: 1 validation error detected: Value 'eng' at 'pathPrefix' failed to satisfy "
          r"constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F) "
          "(a path starts and ends with /, e.g. /engineering/)")


def test_cli_bad_filter_values_exit_3_with_one_line(used, cli):
    fails(cli("policy", "entities", "Mine", "--entity-filter", "Users"), 3,
          "iamctl: ValidationError: 1 validation error detected: Value 'Users' at 'entityFilter' failed to satisfy "
          f"constraint: {ENUM}: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy] Did you mean User?")
    fails(cli("policy", "entities", "Mine", "--policy-usage-filter", "Nope"), 3,
          "iamctl: ValidationError: 1 validation error detected: Value 'Nope' at 'policyUsageFilter' failed to "
          f"satisfy constraint: {ENUM}: [PermissionsPolicy, PermissionsBoundary]")


def test_cli_unknown_policy(used, cli):
    fails(cli("policy", "entities", "Nope"), 3,
          f"iamctl: NoSuchEntity: Policy arn:aws:iam::{ACCOUNT}:policy/Nope does not exist or is not attachable.")
    # The request is checked before the policy is looked up, as AWS validates input first.
    bad = cli("policy", "entities", "Nope", "--entity-filter", "x")
    assert bad.code == 3 and bad.err.startswith("iamctl: ValidationError: ")


def test_cli_pages_as_aws_clis_paginator_across_the_three_keys(used, jcli, ok):
    # botocore's paginator: --max-items counts the first key's items (PolicyGroups); a page's
    # other lists come whole; resuming inside a page gives the rest of its groups only.
    full = _cli_names(jcli("policy", "entities", "Mine"))
    first = jcli("policy", "entities", "Mine", "--max-items", "1")
    assert list(first) == [*KEYS, "NextToken"]
    assert _cli_names(first) == {**full, "PolicyGroups": ["devs"]}
    rest = jcli("policy", "entities", "Mine", "--starting-token", first["NextToken"])
    assert _cli_names(rest) == {"PolicyGroups": ["ops"], "PolicyUsers": [], "PolicyRoles": []}
    assert "NextToken" not in rest
    for max_items, page_size in ((1, None), (1, 1), (1, 2), (2, 3), (1, 4), (3, 1)):
        seen, calls = walk_pages(jcli, ["policy", "entities", "Mine"], _cli_names, "PolicyGroups",
                                 max_items, page_size)
        assert seen == full, (max_items, page_size)
        assert calls >= 2 or max_items >= len(full["PolicyGroups"]), (max_items, page_size)
    text = ok("policy", "entities", "Mine", "--max-items", "1", "--output", "text").out
    assert text.splitlines()[0].startswith("POLICYGROUPS\t") and "devs" in text.splitlines()[0]
    assert text.splitlines()[-1] == f"NEXTTOKEN\t{first['NextToken']}"
