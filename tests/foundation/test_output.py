"""--output, --query and the global options, and exit codes, as scripts use them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from iamctl.core.errors import ExitStatus
from tests.conftest import ROOT, run_subprocess
from tests.foundation.conftest import ACCOUNT, fails


@pytest.fixture
def three_users(ok):
    for name, path in (("alice", "/eng/"), ("bob", "/"), ("carol", "/eng/")):
        ok("user", "create", name, "--path", path)


def test_query_before_and_after_the_subcommand(ok, three_users):
    expected = [f"arn:aws:iam::{ACCOUNT}:user/eng/alice", f"arn:aws:iam::{ACCOUNT}:user/bob",
                f"arn:aws:iam::{ACCOUNT}:user/eng/carol"]
    for argv in (("--output", "json", "--query", "Users[].Arn", "user", "list"),
                 ("user", "--query", "Users[].Arn", "list", "--output", "json"),
                 ("user", "list", "--output", "json", "--query", "Users[].Arn"),
                 ("user", "list", "--output=json", "--query=Users[].Arn")):
        assert json.loads(ok(*argv).out) == expected


def test_query_filters_and_text_output(ok, three_users):
    out = ok("user", "list", "--output", "text", "--query", "Users[?Path=='/eng/'].[UserName, Path]").out
    assert out == "alice\t/eng/\ncarol\t/eng/\n"
    assert ok("user", "get", "alice", "--query", "User.UserName", "--output", "text").out == "alice\n"
    assert ok("user", "list", "--query", "length(Users)", "--output", "json").out == "3\n"


def test_bad_query_is_a_usage_error(cli, three_users):
    fails(cli("user", "list", "--query", "Users[?"), 2,
          "iamctl: InvalidQuery: Bad value for --query Users[?: Invalid jmespath expression: Incomplete expression "
          "(column 8)")
    fails(cli("user", "list", "--query", "nosuchfn(@)"), 2,
          "iamctl: InvalidQuery: Bad value for --query nosuchfn(@): Unknown function: nosuchfn()")


def test_text_is_aws_clis_layout(ok, three_users):
    lines = ok("user", "list", "--output", "text").out.splitlines()
    assert len(lines) == 3
    fields = [line.split("\t") for line in lines]
    # USERS, then the scalar fields sorted by key: Arn, CreateDate, Path, UserId, UserName
    assert [f[0] for f in fields] == ["USERS"] * 3
    assert [f[5] for f in fields] == ["alice", "bob", "carol"]
    assert [f[1] for f in fields] == [f"arn:aws:iam::{ACCOUNT}:user/eng/alice", f"arn:aws:iam::{ACCOUNT}:user/bob",
                                      f"arn:aws:iam::{ACCOUNT}:user/eng/carol"]
    assert all(len(f) == 6 for f in fields)


def test_lines_is_one_record_a_line_in_the_responses_order(ok, three_users):
    lines = ok("user", "list", "-o", "lines").out.splitlines()
    fields = [line.split("\t") for line in lines]
    assert [f[1] for f in fields] == ["alice", "bob", "carol"]
    assert all(len(f) == 5 for f in fields)  # Path, UserName, UserId, Arn, CreateDate


def test_text_output_in_a_shell_pipeline(account, ok, three_users, store_path):
    """`cut` and `while read` work on --output text, the way a script uses iamctl."""
    script = f"""
set -eu
iamctl() {{ "{sys.executable}" -m iamctl "$@"; }}
iamctl user list --output text | cut -f6 | sort | tr '\\n' ' '
echo
iamctl user list --output text | while IFS=$'\\t' read -r _ arn created path id name; do
  echo "$name at $path is $arn"
done
"""
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                          env={**_env(), "IAMCTL_STORE": str(store_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "alice bob carol ",
        f"alice at /eng/ is arn:aws:iam::{ACCOUNT}:user/eng/alice",
        f"bob at / is arn:aws:iam::{ACCOUNT}:user/bob",
        f"carol at /eng/ is arn:aws:iam::{ACCOUNT}:user/eng/carol",
    ]


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_global_options_anywhere_on_the_line(cli, tmp_path):
    other = tmp_path / "other.toml"
    for argv in (("--store", str(other), "init", "--account-id", "111111111111"),
                 ("--store", str(other), "account", "create", "--account-id", "222222222222", "--alias", "two")):
        assert cli(*argv).code == 0
    variants = [
        ("--store", str(other), "--account", "two", "--output", "json", "user", "create", "a1"),
        ("user", "--store", str(other), "create", "--account", "two", "a2", "--output", "json"),
        ("user", "create", "a3", "--output", "json", "--account=two", f"--store={other}"),
        ("--no-color", "user", "create", "--store", str(other), "a4", "--account", "two", "--output", "json"),
    ]
    for argv in variants:
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
        assert result.json()["User"]["Arn"].startswith("arn:aws:iam::222222222222:user/")
    listed = cli("user", "list", "--store", str(other), "--account", "two", "--output", "text", "--query",
                 "Users[].UserName")
    assert listed.out == "a1\ta2\ta3\ta4\n"  # a list of scalars: one tab-separated line, as aws-cli


def test_output_from_the_environment(ok, three_users, monkeypatch):
    monkeypatch.setenv("IAMCTL_OUTPUT", "json")
    assert len(json.loads(ok("user", "list").out)["Users"]) == 3
    assert ok("user", "list", "--output", "text").out.count("\n") == 3  # the option wins


def test_table_output_without_color(ok, three_users):
    out = ok("user", "list").out
    assert "alice" in out and "UserName" in out
    assert "\x1b[" not in out  # stdout is not a terminal: no color


def test_table_shows_data_as_it_is_no_markup_or_emoji(ok):
    ok("user", "create", "alice", "--path", "/[bold]x[/bold]/:thumbs_up:/")
    out = ok("user", "get", "alice").out
    assert "/[bold]x[/bold]/:thumbs_up:/" in out


def test_an_argument_after_double_dash_is_not_a_global_option(ok):
    # "--" ends option lifting: a user literally named like an option is not taken as one
    result = ok("user", "create", "--output", "json", "--", "--store")
    assert result.json()["User"]["UserName"] == "--store"


def test_write_commands_print_nothing_on_stdout(ok, three_users, doc):
    for argv in (("group", "create", "g", "--output", "text", "--query", "Group.GroupName"),):
        assert ok(*argv).out == "g\n"
    for argv in (("group", "add-user", "g", "alice"), ("user", "tag", "alice", "k=v"),
                 ("user", "attach-policy", "alice", "ReadOnlyAccess"), ("user", "untag", "alice", "k")):
        result = ok(*argv)
        assert (result.out, result.err) == ("", "")


# ---------------------------------------------------------------- exit codes


def test_exit_status_values():
    assert [int(s) for s in ExitStatus] == [0, 1, 2, 3, 4, 74, 130]


@pytest.mark.parametrize(("argv", "code"), [
    (("user", "list"), 0),
    (("user", "list", "--output", "xml"), 2),
    (("user", "list", "--bogus"), 2),
    (("user", "frobnicate"), 2),
    (("user", "create"), 2),
    (("user", "put-policy", "alice", "P", "--document", "/nonexistent.json"), 2),
    (("user", "get", "nobody"), 3),
])
def test_exit_codes(cli, account, argv, code):
    result = cli(*argv)
    assert result.code == code, result.err
    if code:
        assert result.out == "" and result.err.startswith("iamctl: ") and result.err.count("\n") == 1


def test_usage_error_messages(cli, account):
    fails(cli("user", "list", "--output", "xml"), 2,
          "iamctl: Invalid value for '--output': 'xml' is not one of table, json, yaml, text, lines.")
    fails(cli("user", "list", "--query"), 2, "iamctl: Option '--query' requires an argument.")
    fails(cli("user", "create"), 2, "iamctl: Missing argument 'NAME'. (see 'iamctl user create --help')")
    fails(cli("user", "list", "--bogus"), 2, "iamctl: No such option: --bogus (see 'iamctl user list --help')")
    fails(cli("user", "put-policy", "x", "P", "--document", "/nonexistent.json"), 2,
          "iamctl: NoSuchFile: No such file: /nonexistent.json")


def test_exit_codes_in_a_real_process(store_path):
    assert run_subprocess("user", "list").code == 4
    assert run_subprocess("init", "--account-id", "123456789012").code == 0
    assert run_subprocess("user", "list").code == 0
    assert run_subprocess("user", "list", "--output", "xml").code == 2
    result = run_subprocess("user", "get", "bob")
    assert (result.code, result.out, result.err) == (
        3, "", "iamctl: NoSuchEntity: The user with name bob cannot be found.\n")


def test_no_arguments_prints_help_and_is_a_usage_error(cli):
    result = cli()
    assert result.code == 2
    assert "Exit codes" in result.out + result.err


def test_help_shown_for_missing_arguments_goes_to_stderr(cli):
    for argv in (("user",), ("policy", "version"), ()):
        result = cli(*argv)
        assert result.out == ""
        assert result.code == 2
        assert "Usage: iamctl" in result.err
    explicit = cli("user", "--help")
    assert explicit.code == 0 and "Usage: iamctl user" in explicit.out
