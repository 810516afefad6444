"""--output yaml and lines, -o, and --query with aws-cli's text rules, end to end."""

from __future__ import annotations

import json

import pytest

from tests.foundation.conftest import ACCOUNT


@pytest.fixture
def users(ok):
    ok("user", "create", "alice", "--path", "/eng/", "--tag", "team=web")
    ok("user", "create", "bob")


def test_yaml_is_aws_cli_v2s_layout(ok, users):
    result = ok("user", "list", "--output", "yaml")
    listed = ok("user", "list", "--output", "json").json()["Users"]
    alice = listed[0]
    # keys sorted, list items at the key's indent, dates quoted (they would read as timestamps)
    assert result.out.startswith(
        "Users:\n"
        f"- Arn: arn:aws:iam::{ACCOUNT}:user/eng/alice\n"
        f"  CreateDate: '{alice['CreateDate']}'\n"
        "  Path: /eng/\n"
        f"  UserId: {alice['UserId']}\n"
        "  UserName: alice\n"
        f"- Arn: arn:aws:iam::{ACCOUNT}:user/bob\n"
    )
    assert result.err == ""
    from ruamel.yaml import YAML

    assert YAML(typ="safe").load(result.out) == {"Users": listed}


def test_yaml_quotes_what_would_read_as_another_type(ok):
    ok("user", "create", "u1", "--tag", "enabled=true", "--tag", "n=0123", "--tag", "empty=")
    out = ok("user", "get", "u1", "-o", "yaml", "--query", "User.Tags").out
    assert "Value: 'true'" in out and "Value: '0123'" in out and "Value: ''" in out


def test_yaml_of_a_scalar_and_of_nothing(ok, users):
    assert ok("user", "get", "bob", "-o", "yaml", "--query", "User.UserName").out == "bob\n...\n"
    assert ok("user", "tag", "bob", "k=v", "-o", "yaml").out == ""


def test_short_o_anywhere(ok, users):
    for argv in (("-o", "json", "user", "list"), ("user", "list", "-o", "json"), ("user", "list", "-o=json")):
        assert [u["UserName"] for u in json.loads(ok(*argv).out)["Users"]] == ["alice", "bob"]


def test_text_query_as_aws_cli(ok, users):
    assert ok("user", "list", "-o", "text", "--query", "Users[].UserName").out == "alice\tbob\n"
    assert ok("user", "list", "-o", "text", "--query", "Users[].[UserName]").out == "alice\nbob\n"
    # a query that finds nothing prints None, as aws-cli does
    assert ok("user", "get", "bob", "-o", "text", "--query", "User.Nothing").out == "None\n"
    tags = ok("user", "get", "alice", "-o", "text", "--query", "User.Tags").out
    assert tags == "team\tweb\n"


def test_text_uses_the_json_shape_and_lines_the_readable_one(ok, users):
    text = ok("user", "get", "alice", "-o", "text").out.splitlines()
    assert any(line.startswith("USER\tarn:aws:iam::") for line in text)
    assert "TAGS\tteam\tweb" in text
    lines = ok("user", "get", "alice", "-o", "lines").out.splitlines()
    assert lines[0].split("\t")[:2] == ["/eng/", "alice"]


def test_bad_output_names_the_choices(cli, account):
    result = cli("user", "list", "-o", "xml")
    assert (result.code, result.out) == (2, "")
    assert result.err == "iamctl: Invalid value for '--output': 'xml' is not one of table, json, yaml, text, lines.\n"


def test_an_empty_output_is_refused_not_taken_for_the_default(cli, account):
    # aws-cli refuses --output "" (an invalid choice); an unset variable in a script is a mistake
    result = cli("user", "list", "--output", "")
    assert (result.code, result.out) == (2, "")
    assert result.err == "iamctl: Invalid value for '--output': '' is not one of table, json, yaml, text, lines.\n"


@pytest.mark.parametrize("fmt", ["json", "text", "table"])
def test_an_empty_query_is_refused_not_ignored(cli, account, fmt):
    # jmespath (and so aws-cli) refuses an empty expression
    result = cli("user", "list", "--query", "", "-o", fmt)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("iamctl: InvalidQuery: Bad value for --query '': Invalid JMESPath expression: "
                          "cannot be empty.\n")
