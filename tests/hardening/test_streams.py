"""Closed or full standard streams: one line on stderr, a documented exit status, and a
change that was made is reported as made (README "Exit codes", "Signals and streams")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.hardening.conftest import process_env, shell, users_in_store

pytestmark = pytest.mark.usefixtures("small_store")

CLOSED = "iamctl: OutputLost: The output could not be written to stdout (it is closed).\n"
FULL = "iamctl: OutputLost: The output could not be written to stdout (No space left on device).\n"
SAVED_CLOSED = (
    "iamctl: OutputLost: The change was saved, but its output could not be written to stdout (it is closed); "
    "anything it showed only once, such as a new secret, is lost.\n"
)
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@pytest.mark.parametrize("fmt", ["table", "json", "text"])
def test_a_listing_to_a_closed_stdout_is_one_line_and_exit_74(fmt):
    result = shell('"$@" >&-', "user", "list", "--output", fmt)
    assert (result.code, result.out, result.err) == (74, "", CLOSED)


def test_a_create_with_stdout_closed_is_made_and_reported_as_made(cli):
    result = shell('"$@" >&-', "user", "create", "bob")
    assert (result.code, result.out, result.err) == (0, "", SAVED_CLOSED)
    assert "bob" in users_in_store(cli)


@needs_dev_full
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_listing_to_a_full_disk_is_one_line_and_exit_74(fmt):
    result = shell('"$@" > /dev/full', "user", "list", "--output", fmt)
    assert (result.code, result.err) == (74, FULL)


@needs_dev_full
def test_a_create_to_a_full_disk_is_made_and_reported_as_made(cli):
    result = shell('"$@" > /dev/full', "user", "create", "carol")
    assert result.code == 0
    assert result.err.startswith("iamctl: OutputLost: The change was saved") and result.err.count("\n") == 1
    assert "carol" in users_in_store(cli)


def test_a_command_that_prints_nothing_does_not_mind_a_closed_stdout(cli):
    result = shell('"$@" >&-', "user", "tag", "alice", "team=web")
    assert (result.code, result.err) == (0, "")


def test_with_stdout_and_stderr_closed_the_status_still_tells():
    assert shell('"$@" >&- 2>&-', "user", "list").code == 74
    assert shell('"$@" >&- 2>&-', "user", "get", "nobody").code == 3


def test_an_error_with_stderr_closed_does_not_land_on_stdout():
    # print(file=None) writes to stdout: with fd 2 closed, the error must vanish, not
    # become data
    result = shell('"$@" 2>&-', "user", "get", "nobody")
    assert (result.code, result.out) == (3, "")


def test_a_closed_stdin_is_a_usage_error_only_for_commands_that_read_it(cli):
    result = shell('"$@" <&-', "policy", "validate", "-")
    assert (result.code, result.out, result.err) == (
        2, "", "iamctl: NoInput: stdin is closed; there is nothing to read from it.\n")
    assert shell('"$@" <&-', "user", "create", "dave", "--output", "json").code == 0
    assert "dave" in users_in_store(cli)


def test_a_reader_that_leaves_early_is_not_an_error():
    # the pipe's reading end is closed before iamctl writes: EPIPE on the first write
    proc = subprocess.Popen([sys.executable, "-m", "iamctl", "user", "list", "--output", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=process_env())
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(), err) == (0, b"")


def test_a_reader_that_leaves_early_keeps_a_no_answer():
    proc = subprocess.Popen([sys.executable, "-m", "iamctl", "simulate", "principal", "alice",
                             "--action", "s3:GetObject", "--output", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=process_env())
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 1
    assert err.startswith("User: arn:aws:iam::123456789012:user/alice is not authorized") and err.count("\n") == 1


def test_version_to_a_closed_stdout():
    result = shell('"$@" >&-', "--version")
    assert (result.code, result.out, result.err) == (74, "", CLOSED)
