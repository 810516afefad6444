"""Credentials where every AWS tool finds them: the environment and the shared credentials file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ACCOUNT = "123456789012"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
AT = "2026-05-01T12:00:00Z"


def _exports(text: str) -> dict[str, str]:
    """The variables of `export NAME=value` lines."""
    pairs = (line.removeprefix("export ").split("=", 1) for line in text.splitlines() if line.startswith("export "))
    return {name: value.strip("'\"") for name, value in pairs}


@pytest.fixture
def alice_key(iam, alice) -> dict:
    iam("user", "attach-policy", "alice", "ReadOnlyAccess")
    return iam("key", "create", "alice").json()["AccessKey"]


@pytest.fixture
def creds_file(tmp_path) -> str:
    return os.environ["AWS_SHARED_CREDENTIALS_FILE"]  # a path of the test's own (tests/conftest.py)


def _use_env(monkeypatch, key: dict) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])


def test_whoami_uses_what_key_create_format_env_exports(iam, alice, monkeypatch):
    exported = _exports(iam("key", "create", "alice", "--format", "env").out)
    for name, value in exported.items():
        monkeypatch.setenv(name, value)
    who = iam("whoami")
    assert (who.code, who.err) == (0, "")
    assert who.json()["Arn"] == ALICE and who.json()["Account"] == ACCOUNT


def test_profiles_from_the_credentials_file(iam, alice, creds_file, monkeypatch):
    section = iam("key", "create", "alice", "--format", "credentials-file", "--profile", "dev").out
    os.makedirs(os.path.dirname(creds_file), exist_ok=True)
    with open(creds_file, "w") as fh:
        fh.write(section)
    assert iam("whoami", "--profile", "dev").json()["Arn"] == ALICE
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert iam("whoami").json()["Arn"] == ALICE
    monkeypatch.delenv("AWS_PROFILE")
    # no env, no AWS_PROFILE: the [default] profile, which this file does not have
    none = iam("whoami")
    assert none.code == 2 and none.out == "" and none.err.startswith("iamctl: NoCredentials: Unable to locate")
    with open(creds_file, "a") as fh:
        fh.write(section.replace("[dev]", "[default]"))
    assert iam("whoami").json()["Arn"] == ALICE


def test_a_profile_in_the_config_file(iam, alice, monkeypatch):
    section = iam("key", "create", "alice", "--format", "credentials-file", "--profile", "ops").out
    config = os.environ["AWS_CONFIG_FILE"]
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as fh:
        fh.write(section.replace("[ops]", "[profile ops]\nregion = eu-west-1"))
    assert iam("whoami", "--profile", "ops").json()["Arn"] == ALICE


def test_a_profile_without_keys_is_named_not_called_missing(iam, alice):
    # A role or SSO profile exists; iamctl reads keys only, and says so rather than "could not be found".
    config = os.environ["AWS_CONFIG_FILE"]
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as fh:
        fh.write("[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\n")
    result = iam("whoami", "--profile", "admin")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"iamctl: NoCredentials: Unable to locate credentials: profile admin in {config} has no "
        "aws_access_key_id; iamctl reads keys only, not role_arn, credential_process or SSO settings "
        "(for a role: eval \"$(iamctl role assume ROLE --session-name NAME --output env)\").\n")


def test_order_profile_option_then_env_then_aws_profile(iam, alice_key, creds_file, monkeypatch):
    iam("user", "create", "bob")
    bob_section = iam("key", "create", "bob", "--format", "credentials-file", "--profile", "bob").out
    os.makedirs(os.path.dirname(creds_file), exist_ok=True)
    with open(creds_file, "w") as fh:
        fh.write(bob_section)
    _use_env(monkeypatch, alice_key)
    monkeypatch.setenv("AWS_PROFILE", "bob")
    assert iam("whoami").json()["Arn"] == ALICE  # the environment's keys win over AWS_PROFILE
    assert iam("whoami", "--profile", "bob").json()["Arn"].endswith(":user/bob")  # --profile wins over both


def test_refusals(iam, alice_key, creds_file, monkeypatch):
    missing = iam("whoami", "--profile", "nope")
    assert (missing.code, missing.out) == (2, "")
    assert missing.err.startswith("iamctl: ProfileNotFound: The config profile (nope) could not be found")
    empty = iam("whoami", "--profile", "")  # as botocore: an empty name is a profile not found, not "no profile"
    assert (empty.code, empty.out) == (2, "")
    assert empty.err.startswith("iamctl: ProfileNotFound: The config profile () could not be found")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", alice_key["AccessKeyId"])
    partial = iam("whoami")
    assert (partial.code, partial.err) == (
        2, "iamctl: PartialCredentials: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY\n")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x" * 40)
    wrong = iam("whoami")
    assert wrong.code == 3 and wrong.err.startswith("iamctl: SignatureDoesNotMatch: ")
    both = iam("whoami", "--profile", "x", "--access-key-id", alice_key["AccessKeyId"], "--secret-stdin",
               stdin="s\n")
    assert both.code == 2 and "one way" in both.err


def test_simulate_principal_acts_as_the_credentials(iam, cli, alice_key, monkeypatch):
    _use_env(monkeypatch, alice_key)
    read = cli("simulate", "principal", "--action", "s3:GetObject", "-o", "json")
    assert read.code == 0, read.err
    assert read.json()["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert read.err == f"Simulating as {ALICE} (credentials from the environment).\n"
    write = cli("simulate", "principal", "--action", "s3:PutObject", "-o", "json")
    assert write.code == 1 and write.json()["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y" * 40)
    refused = cli("simulate", "principal", "--action", "s3:GetObject")
    assert refused.code == 3 and refused.out == "" and "SignatureDoesNotMatch" in refused.err


def _assumable_role(iam) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})
    iam("role", "create", "Deploy", "--trust", trust)
    iam("role", "attach-policy", "Deploy", "ReadOnlyAccess")
    iam("user", "attach-policy", "alice", "AdministratorAccess")


def test_role_assume_output_env_then_whoami_and_simulate(iam, cli, alice, monkeypatch):
    _assumable_role(iam)
    out = cli("role", "assume", "Deploy", "--as", "alice", "--session-name", "ci", "--output", "env", "--at", AT).out
    exported = _exports(out)
    assert exported["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    for name, value in exported.items():
        monkeypatch.setenv(name, value)
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/Deploy/ci"
    who = iam("whoami", "--at", "2026-05-01T12:30:00Z")
    assert (who.code, who.err) == (0, "") and who.json()["Arn"] == session_arn
    # the token need not be on the command line: AWS_SESSION_TOKEN is read
    explicit = iam("whoami", "--access-key-id", exported["AWS_ACCESS_KEY_ID"], "--secret-access-key",
                   exported["AWS_SECRET_ACCESS_KEY"], "--at", "2026-05-01T12:30:00Z")
    assert explicit.json()["Arn"] == session_arn
    sim = cli("simulate", "principal", "--action", "iam:CreateUser", "--at", "2026-05-01T12:30:00Z", "-o", "json")
    assert sim.code == 1  # the session has the role's ReadOnlyAccess, not alice's AdministratorAccess
    assert sim.err.splitlines()[0] == f"Simulating as {session_arn} (credentials from the environment)."
    late = iam("whoami", "--at", "2026-05-01T13:00:01Z")
    assert late.code == 3 and late.err.startswith("iamctl: ExpiredToken: ")


def test_eval_in_a_real_shell(iam, alice, store_path):
    _assumable_role(iam)
    script = f"""
set -eu
iamctl() {{ "{sys.executable}" -m iamctl "$@"; }}
eval "$(iamctl role assume Deploy --as alice --session-name sh --output env)"
iamctl whoami --output text --query Arn
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT), "IAMCTL_STORE": str(store_path)})
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"arn:aws:sts::{ACCOUNT}:assumed-role/Deploy/sh\n"


def test_role_assume_chains_from_the_exported_session(iam, cli, alice_key, monkeypatch):
    _assumable_role(iam)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Deploy"}, "Action": "sts:AssumeRole"}]})
    iam("role", "create", "Audit", "--trust", trust)
    _use_env(monkeypatch, alice_key)  # alice's own key: role assume acts as it
    first = _exports(cli("role", "assume", "Deploy", "--session-name", "one", "--output", "env", "--at", AT).out)
    for name, value in first.items():
        monkeypatch.setenv(name, value)
    second = cli("role", "assume", "Audit", "--session-name", "two", "-o", "json", "--at", "2026-05-01T12:10:00Z")
    assert second.code == 0, second.err
    assert second.json()["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Audit/two"
    monkeypatch.setenv("AWS_SESSION_TOKEN", "forged")
    refused = cli("role", "assume", "Audit", "--session-name", "three", "--at", "2026-05-01T12:10:00Z")
    assert refused.code == 3 and refused.err.startswith("iamctl: InvalidClientTokenId: ")


def test_role_assume_with_a_key_checks_it_and_assumes_in_one_write(iam, cli, alice_key, monkeypatch, store_path):
    """The key's check (with its last use recorded, as the signed AssumeRole request's would
    be) and the session are one transaction: the store is locked and written once."""
    from iamctl.core.store import files

    _assumable_role(iam)
    _use_env(monkeypatch, alice_key)
    taken = []
    original = files.locked

    def counted(*args, **kwargs):
        taken.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(files, "locked", counted)
    result = cli("role", "assume", "Deploy", "--session-name", "once", "-o", "json", "--at", AT)
    assert result.code == 0, result.err
    assert len(taken) == 1
    keys = iam("key", "last-used", alice_key["AccessKeyId"]).json()["AccessKeyLastUsed"]
    assert keys["ServiceName"] == "sts"
    iam("user", "detach-policy", "alice", "AdministratorAccess")
    refused = cli("role", "assume", "Deploy", "--session-name", "denied", "--at", "2026-06-01T00:00:00Z")
    assert refused.code == 3 and refused.err.startswith("iamctl: AccessDenied: "), refused.err
    # refused, yet signed with the key: its use is recorded, as AWS records a denied request's
    assert iam("key", "last-used", alice_key["AccessKeyId"]).json()["AccessKeyLastUsed"]["LastUsedDate"] \
        .startswith("2026-06-01T00:00:00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong" * 8)
    before = store_path.read_bytes()
    refused = cli("role", "assume", "Deploy", "--session-name", "bad", "--at", AT)
    assert refused.code == 3 and refused.err.startswith("iamctl: SignatureDoesNotMatch: ")
    assert store_path.read_bytes() == before  # nothing written: no session, no last use
