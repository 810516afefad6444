"""Secrets hygiene: `key create --file`, passwords with control characters."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from iamctl.core.credentials.passwords import check_characters
from iamctl.core.errors import IamError

pytestmark = pytest.mark.usefixtures("small_store")

PATTERN = r"[\u0009\u000A\u000D\u0020-\u00FF]+"


def keys_of(cli, user: str = "alice") -> list[str]:
    result = cli("key", "list", user, "--output", "json", "--query", "AccessKeyMetadata[].AccessKeyId")
    return json.loads(result.out)


# ---------------------------------------------------------------- key create --file


def test_key_create_file_holds_the_secret_in_a_new_0600_file(cli, tmp_path):
    old = os.umask(0o000)  # the file's mode must not depend on the umask
    try:
        path = tmp_path / "alice.json"
        result = cli("key", "create", "alice", "--file", str(path), "--output", "json")
    finally:
        os.umask(old)
    assert result.code == 0, result.err
    shown = result.json()["AccessKey"]
    assert "SecretAccessKey" not in shown and "SecretAccessKey" not in result.out + result.err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = json.loads(path.read_text())["AccessKey"]
    assert written["AccessKeyId"] == shown["AccessKeyId"] and len(written["SecretAccessKey"]) == 40
    assert written["SecretAccessKey"] not in result.out + result.err
    assert result.err == f"Wrote access key {shown['AccessKeyId']} with its secret to {path} (mode 0600).\n"


@pytest.mark.parametrize("fmt", ["csv", "env", "credentials-file"])
def test_key_create_file_in_other_formats(cli, tmp_path, fmt):
    path = tmp_path / f"key.{fmt}"
    result = cli("key", "create", "alice", "--file", str(path), "--format", fmt, "--output", "text")
    assert result.code == 0, result.err
    key_id = keys_of(cli)[0]
    assert key_id in path.read_text() and key_id in result.out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_key_create_file_refuses_an_existing_file_before_making_a_key(cli, tmp_path):
    path = tmp_path / "taken"
    path.write_text("keep me")
    for target in (path, tmp_path / "link"):
        if target.name == "link":
            target.symlink_to(tmp_path / "nowhere")  # a dangling link is not followed either
        result = cli("key", "create", "alice", "--file", str(target))
        assert (result.code, result.out) == (2, "")
        assert result.err.startswith(f"iamctl: FileExists: {target} already exists;")
    assert path.read_text() == "keep me" and keys_of(cli) == []


def test_key_create_file_leaves_no_file_when_the_key_is_refused(cli, tmp_path):
    for _ in range(2):
        assert cli("key", "create", "alice").code == 0
    path = tmp_path / "third.json"
    result = cli("key", "create", "alice", "--file", str(path))
    assert result.code == 3 and "AccessKeysPerUser" in result.err
    assert not path.exists()


def test_key_create_file_in_a_missing_directory_is_a_usage_error(cli, tmp_path):
    result = cli("key", "create", "alice", "--file", str(tmp_path / "no" / "such" / "dir.json"))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("iamctl: UnwritableFile: Cannot create ")
    assert keys_of(cli) == []


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(("password", "why"), [
    ("Esc\x1b[2J-Secret1", PATTERN),  # an escape sequence: outside AWS's pattern
    ("Nul\x00Secret-1", PATTERN),
    ("Emoji-Secret1😀", PATTERN),  # beyond U+00FF: outside AWS's pattern
    ("Tab\tSecret-1x", "control"),  # AWS's pattern lets a tab through; nobody can type one at sign-in
    ("Del\x7fSecret-1x", "control"),
    ("C1\x85Secret-1x", "control"),
])
def test_a_password_with_a_control_character_is_refused(cli, password, why):
    result = cli("user", "password", "set", "alice", "--password-stdin", stdin=password + "\n")
    assert (result.code, result.out) == (3, "")
    assert result.err.startswith("iamctl: ValidationError: 1 validation error detected: Value at 'password' "
                                 "failed to satisfy constraint: Member must ")
    assert (PATTERN in result.err) == (why == PATTERN)
    assert password not in result.err  # never echoed, as AWS never echoes it
    assert cli("user", "login", "alice", "--password-stdin", stdin=password + "\n").code != 0


def test_latin_1_passwords_are_fine():
    check_characters("Zoë-Ünïcode-Pässwörd-1")
    with pytest.raises(IamError):
        check_characters("Bell\x07")


class _NoNewlineForever:
    """stdin as `yes | tr -d '\\n'`: characters without end, never a newline."""

    def readline(self, size: int = -1) -> str:
        assert size >= 0, "stdin read with no limit: this never ends"
        return "y" * size

    def isatty(self) -> bool:
        return False


def test_a_stdin_line_without_end_is_refused_not_read_forever(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _NoNewlineForever())
    result = cli("user", "password", "set", "alice", "--password-stdin")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("iamctl: InvalidArgument: --password-stdin: the first line of stdin is longer than "
                          "4,096 characters; expected the new password on one line.\n")
