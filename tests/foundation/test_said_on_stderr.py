"""A write AWS answers with nothing says what it did, on a terminal only; the checklist."""

from __future__ import annotations

import io
import sys

import pytest

from iamctl.cli.main import run


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_a_terminal(monkeypatch, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = run(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("argv", "said"), [
    (("group", "add-user", "devs", "alice"), "Added user alice to group devs.\n"),
    (("user", "tag", "alice", "team=web"), "Tagged user alice: team=web.\n"),
    (("user", "attach-policy", "alice", "ReadOnlyAccess"), "Attached policy ReadOnlyAccess to user alice.\n"),
    (("group", "delete", "empty"), "Deleted group empty.\n"),
    (("account", "password-policy", "delete"), "Done: iamctl account password-policy delete\n"),
])
def test_a_quiet_write_says_what_it_did_on_a_terminal(ok, monkeypatch, argv, said):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("group", "create", "empty")
    ok("account", "password-policy", "set", "--minimum-length", "14")
    assert _on_a_terminal(monkeypatch, *argv) == (0, "", said)


def test_not_when_piped_or_when_the_command_printed(ok, cli, monkeypatch):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    assert (cli("group", "add-user", "devs", "alice").err, cli("user", "tag", "alice", "a=b").err) == ("", "")
    code, out, err = _on_a_terminal(monkeypatch, "user", "create", "bob")  # prints the user: no message
    assert code == 0 and "bob" in out and err == ""
    code, out, err = _on_a_terminal(monkeypatch, "user", "get", "bob")  # a read
    assert err == ""
    code, out, err = _on_a_terminal(monkeypatch, "user", "get", "nobody")  # a failure says only its error
    assert code == 3 and err.startswith("iamctl: NoSuchEntity")


def test_the_checklist_is_one_row_per_item_with_the_whole_fix(cli, account):
    result = cli("account", "status")
    assert result.code == 1
    lines = result.out.splitlines()
    mfa = next(line for line in lines if "Activate MFA on your root account" in line)
    assert "✗" in mfa
    assert ("iamctl account root mfa create && iamctl account root mfa enable --code1 CODE --code2 NEXT_CODE"
            in mfa)
    assert "✓" in next(line for line in lines if "Delete your root access keys" in line)
    items = [line for line in lines if "✓" in line or "✗" in line]
    assert len(items) == 5
    assert "Id=" not in result.out and "Fix=" not in result.out
    assert cli("account", "status", "-o", "json").json()["SecurityStatus"][1]["Fix"].endswith("NEXT_CODE")
