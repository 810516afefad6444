"""Tables show the data: nothing elided, documents as JSON, nested values as tables."""

from __future__ import annotations

import io
import re

import pytest

from iamctl.cli import tables
from iamctl.cli.env import Env
from iamctl.cli.render import emit
from tests.foundation.conftest import ACCOUNT

LONG_PATH = "/division-of-very-long-names/department-of-platform-engineering/team-backend/"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _render(data, stdout=None, monkeypatch=None, columns: int = 60) -> str:
    if monkeypatch is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
        monkeypatch.setenv("NO_COLOR", "1")
    env = Env(output="table", stdout=stdout or io.StringIO())
    emit(env, data)
    return env.stdout.getvalue()


def _column(text: str, index: int) -> str:
    """A one-row table's cell in column *index*, its wrapped lines joined again."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    lines = text.splitlines()
    body = lines[next(i for i, line in enumerate(lines) if line.startswith("├")) + 1:-1]
    return "".join(line.split("│")[index + 1].strip() for line in body)


def _user(name: str) -> dict:
    return {"Path": LONG_PATH, "UserName": name, "UserId": "AIDA" + "X" * 17,
            "Arn": f"arn:aws:iam::{ACCOUNT}:user{LONG_PATH}{name}", "CreateDate": "2026-03-01T09:00:00+00:00"}


@pytest.mark.parametrize("big", [False, True])  # rich, and the plain renderer for big listings
def test_a_narrow_terminal_wraps_and_elides_nothing(monkeypatch, big):
    if big:
        monkeypatch.setattr(tables, "BIG", 0)
    out = _render({"Users": [_user("u0")]}, Terminal(), monkeypatch, columns=60)
    assert "…" not in out
    assert all(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) <= 60 for line in out.splitlines())
    assert _column(out, 3) == f"arn:aws:iam::{ACCOUNT}:user{LONG_PATH}u0"
    assert _column(out, 4) == "2026-03-01T09:00:00+00:00"
    assert _column(out, 2) == "AIDA" + "X" * 17


def test_piped_tables_are_as_wide_as_their_content(ok):
    ok("user", "create", "alice", "--path", LONG_PATH)
    out = ok("user", "list").out
    assert f"arn:aws:iam::{ACCOUNT}:user{LONG_PATH}alice" in out  # on one line, whole
    assert "…" not in out


def test_policy_documents_show_as_indented_json(ok, doc):
    ok("policy", "create", "Read", "--document", doc())
    out = ok("policy", "get", "Read").out
    assert '"Statement": [' in out and '"Version": "2012-10-17",' in out
    lines = [line for line in out.splitlines() if '"Version"' in line]
    assert lines and lines[0].split('"Version"')[0].endswith("  ")  # indented inside the braces


def test_nested_values_are_tables_not_key_value_blobs(ok):
    ok("user", "create", "alice", "--tag", "team=web", "--tag", "cost-center=42")
    out = ok("user", "get", "alice").out
    assert "Key=" not in out and "Value=" not in out
    header = next(line for line in out.splitlines() if "Key" in line and "Value" in line)
    team = next(line for line in out.splitlines() if "team" in line)
    assert team.index("team") == header.index("Key") and team.index("web") == header.index("Value")


def test_an_empty_listing_says_so_on_stderr(cli, account):
    for argv, message in ((("user", "list"), "No users found.\n"), (("group", "list"), "No groups found.\n"),
                          (("key", "list"), "No access keys found.\n"), (("role", "list"), "No roles found.\n")):
        result = cli(*argv)
        assert (result.code, result.out, result.err) == (0, "", message)
    assert cli("user", "list", "-o", "json").out == '{\n    "Users": []\n}\n'  # only tables say it


def test_the_big_listing_renderer_draws_what_rich_draws(monkeypatch):
    data = {"Users": [_user(f"u{i}") for i in range(3)]}
    by_rich = _render(data)
    monkeypatch.setattr(tables, "BIG", 0)
    assert _render(data) == by_rich


def test_a_paged_table_says_how_to_go_on(ok):
    for name in ("a", "b"):
        ok("user", "create", name)
    result = ok("user", "list", "--max-items", "1")
    assert "a" in result.out and "NextToken" not in result.out
    assert result.err.startswith("More items: go on with --starting-token ")


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("how", ["--no-color", "NO_COLOR"])
def test_no_color_on_a_terminal_means_no_escape_codes_at_all(monkeypatch, big, how):
    # no_color alone keeps bold and other styles in rich; NO_COLOR's spec says no ANSI at all.
    if big:
        monkeypatch.setattr(tables, "BIG", 0)
    monkeypatch.delenv("NO_COLOR", raising=False)
    data = {"Users": [_user("u0")], "Marker": None}
    coloured = Env(output="table", stdout=Terminal())
    emit(coloured, {"Users": [_user("u0")]})
    assert "\x1b[" in coloured.stdout.getvalue()  # a terminal gets bold headers ...
    if how == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    plain = Env(output="table", stdout=Terminal(), no_color=how == "--no-color")
    emit(plain, {"Users": [_user("u0")]})
    emit(plain, {"User": data["Users"][0]})
    out = plain.stdout.getvalue()
    assert "\x1b" not in out  # ... and none with --no-color or NO_COLOR
    assert "UserName" in out and "┌" in out


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("key", ["Content", "PolicyDocument", "AssumeRolePolicyDocument", "Document"])
def test_a_policy_document_given_as_a_json_string_is_indented_too(monkeypatch, big, key):
    if big:
        monkeypatch.setattr(tables, "BIG", 0)
    document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    out = _render({"Policies": [{"Id": "p-1", key: document}]})
    assert document not in out
    assert any(line.split('"Effect"')[0].endswith("      ") for line in out.splitlines() if '"Effect"' in line)
    # a Content that is no JSON document (the credential report's base64) is shown as it is
    assert "ZmFrZQ==" in _render({"Report": {"Content": "ZmFrZQ==", "ReportFormat": "text/csv"}})
