"""--max-items, --starting-token and --page-size, as aws-cli's paginators."""

from __future__ import annotations

import pytest

from tests.foundation.conftest import fails


@pytest.fixture
def five(ok):
    for name in ("u1", "u2", "u3", "u4", "u5"):
        ok("user", "create", name)


def _names(result) -> list[str]:
    return [u["UserName"] for u in result.json()["Users"]]


def test_max_items_then_starting_token_walks_the_listing(ok, five):
    first = ok("user", "list", "-o", "json", "--max-items", "2")
    assert _names(first) == ["u1", "u2"]
    token = first.json()["NextToken"]
    assert list(first.json()) == ["Users", "NextToken"]  # as aws-cli's build_full_result
    second = ok("user", "list", "-o", "json", "--max-items", "2", "--starting-token", token)
    assert _names(second) == ["u3", "u4"]
    last = ok("user", "list", "-o", "json", "--max-items", "2", "--starting-token", second.json()["NextToken"])
    assert _names(last) == ["u5"] and "NextToken" not in last.json()
    rest = ok("user", "list", "-o", "json", "--starting-token", token)
    assert _names(rest) == ["u3", "u4", "u5"] and "NextToken" not in rest.json()


def test_token_is_stable_and_no_token_when_all_fit(ok, five):
    once = ok("user", "list", "-o", "json", "--max-items", "3").json()["NextToken"]
    again = ok("user", "list", "-o", "json", "--max-items", "3", "--page-size", "1").json()["NextToken"]
    assert once == again
    assert "NextToken" not in ok("user", "list", "-o", "json", "--max-items", "5").json()


def test_page_size_alone_changes_no_json(ok, five):
    assert ok("user", "list", "-o", "json", "--page-size", "2").json() == ok("user", "list", "-o", "json").json()


def test_text_goes_page_by_page_with_the_query_on_each_page(ok, five):
    out = ok("user", "list", "-o", "text", "--page-size", "2", "--max-items", "3",
             "--query", "Users[0].UserName").out
    # pages [u1, u2] and [u3]: the query runs on each, then on the NextToken row (None), as in aws-cli
    assert out.splitlines() == ["u1", "u3", "None"]
    plain = ok("user", "list", "-o", "text", "--max-items", "1").out.splitlines()
    assert plain[0].startswith("USERS\t") and plain[1].startswith("NEXTTOKEN\t")


def test_yaml_and_table_show_the_page_too(ok, five):
    assert "NextToken:" in ok("user", "list", "-o", "yaml", "--max-items", "1").out
    table = ok("user", "list", "--max-items", "1").out
    assert "u1" in table and "u2" not in table


def test_every_list_command_pages(ok, five):
    ok("group", "create", "g1")
    ok("group", "create", "g2")
    assert len(ok("group", "list", "-o", "json", "--max-items", "1").json()["Groups"]) == 1
    policies = ok("policy", "list", "-o", "json", "--max-items", "3", "--scope", "AWS").json()
    assert len(policies["Policies"]) == 3 and "NextToken" in policies
    for noun in (("role", "list"), ("key", "list"), ("role", "instance-profile", "list"), ("user", "mfa", "list"),
                 ("policy", "version", "list", "ReadOnlyAccess")):
        assert ok(*noun, "-o", "json", "--max-items", "1").code == 0


def test_bad_values(cli, ok, five):
    fails(cli("user", "list", "--starting-token", "not-a-token"), 2,
          "iamctl: InvalidStartingToken: Bad starting token: not-a-token (give the NextToken this listing printed)")
    token = ok("user", "list", "-o", "json", "--max-items", "1").json()["NextToken"]
    ok("group", "create", "g")
    assert cli("group", "list", "--starting-token", token).code == 2  # another listing's token
    fails(cli("user", "list", "--page-size", "1001"), 3,
          "iamctl: ValidationError: 1 validation error detected: Value '1001' at 'maxItems' failed to satisfy "
          "constraint: Member must have value less than or equal to 1000")
    fails(cli("user", "list", "--max-items", "0"), 2, "iamctl: InvalidArgument: --max-items must be at least 1, not 0.")
    assert cli("user", "list", "--max-items", "x").code == 2
    assert cli("user", "create", "u9", "--max-items", "1").code == 2  # not a listing


def test_lines_keep_records_only(ok, five):
    result = ok("user", "list", "-o", "lines", "--max-items", "2")
    assert [line.split("\t")[1] for line in result.out.splitlines()] == ["u1", "u2"]
    assert result.err.startswith("More items: go on with --starting-token ")


def test_groups_for_user_pages_as_list_groups_for_user(ok, five):
    # aws iam list-groups-for-user is paginated (result key Groups)
    for group in ("g1", "g2", "g3"):
        ok("group", "create", group)
        ok("group", "add-user", group, "u1")
    first = ok("user", "groups", "u1", "-o", "json", "--max-items", "2").json()
    assert [g["GroupName"] for g in first["Groups"]] == ["g1", "g2"] and "NextToken" in first
    rest = ok("user", "groups", "u1", "-o", "json", "--starting-token", first["NextToken"]).json()
    assert [g["GroupName"] for g in rest["Groups"]] == ["g3"] and "NextToken" not in rest
