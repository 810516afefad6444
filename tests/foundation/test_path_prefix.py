"""--path-prefix of the list commands is checked as AWS checks PathPrefix: users, groups,
roles and instance profiles take botocore's pathPrefixType (/ then printable ASCII), policies
its policyPathType (/a/b/), and a bad one is AWS's ValidationError, exit 3."""

from __future__ import annotations

import pytest

from iamctl.core.errors import IamError
from iamctl.core.names import check_path_prefix
from tests.foundation.conftest import fails

PREFIX_PATTERN = r"\u002F[\u0021-\u007F]*"
POLICY_PATTERN = r"((/[A-Za-z0-9\.,\+@=_-]+)*)/"


def _message(value: str, pattern: str, hint: str) -> str:
    return (f"iamctl: ValidationError: 1 validation error detected: Value '{value}' at 'pathPrefix' failed to "
            f"satisfy constraint: Member must satisfy regular expression pattern: {pattern} ({hint})")


@pytest.mark.parametrize("argv", [("user", "list"), ("group", "list"), ("role", "list"),
                                  ("role", "instance-profile", "list")])
@pytest.mark.parametrize("bad", ["eng/", "/eng ", "/é/"])
def test_a_path_prefix_aws_refuses_is_a_validation_error(cli, account, argv, bad):
    fails(cli(*argv, "--path-prefix", bad), 3, _message(bad, PREFIX_PATTERN, "a path prefix starts with /, e.g. /eng"))


@pytest.mark.parametrize("bad", ["/job-function", "job-function/", "/a b/", "//"])
def test_a_policy_path_prefix_is_a_path_with_both_slashes(cli, account, bad):
    fails(cli("policy", "list", "--path-prefix", bad), 3,
          _message(bad, POLICY_PATTERN, "a policy path prefix starts and ends with /, e.g. /job-function/"))


def test_prefixes_aws_accepts_filter_as_before(cli, account):
    assert cli("user", "create", "alice", "--path", "/eng/web/").code == 0
    assert cli("user", "create", "bob").code == 0
    names = lambda prefix: [u["UserName"] for u in cli("user", "list", "--path-prefix", prefix,  # noqa: E731
                                                         "--output", "json").json()["Users"]]
    assert names("/") == ["alice", "bob"]
    assert names("/eng") == ["alice"]  # no trailing slash needed: pathPrefixType is a plain prefix
    assert names("/ops/") == []
    policies = cli("policy", "list", "--scope", "AWS", "--path-prefix", "/job-function/", "--output", "json")
    assert policies.code == 0 and policies.json()["Policies"]
    assert all(p["Path"] == "/job-function/" for p in policies.json()["Policies"])


def test_the_check_itself():
    assert check_path_prefix("/") == "/" and check_path_prefix("/a~\x7f") == "/a~\x7f"
    assert check_path_prefix("/service-role/", policies=True) == "/service-role/"
    for bad, policies in (("", False), ("/" * 513, False), ("/a", True), ("/a//", True)):
        with pytest.raises(IamError):
            check_path_prefix(bad, policies=policies)
