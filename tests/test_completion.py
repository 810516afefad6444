"""Completion that knows the account: `iamctl completion SHELL`, `iamctl __complete`, the
three shells' scripts, and the wheel that installs them."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from iamctl.cli.complete import complete
from iamctl.cli.completion import SCRIPTS
from tests.conftest import ROOT


def offered(*words: str) -> list[str]:
    """The values offered (without the descriptions zsh and fish show beside some)."""
    directive, found = complete(list(words))
    assert directive in ("words", "nospace", "files")
    return [f.split("\t", 1)[0] for f in found]


@pytest.fixture
def filled(cli, account) -> str:
    """A store with names of every kind TAB offers."""
    for argv in (
        ("user", "create", "alice", "bob"),
        ("group", "create", "EC2Admin"),
        ("role", "create", "ExampleEC2Role", "--trust-service", "ec2.amazonaws.com"),
        ("role", "instance-profile", "create", "WebProfile"),
        ("account", "create", "--account-id", "210987654321", "--alias", "dev"),
        ("billing", "org", "create"),
        ("billing", "ou", "create", "Sandbox"),
    ):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
    doc_text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'
    for argv in (
        ("policy", "create", "S3ReadBucket", "--document", "-"),
        ("billing", "scp", "create", "DenyS3", "--document", "-"),
    ):
        result = cli(*argv, stdin=doc_text)
        assert result.code == 0, (argv, result.err)
    key = cli("key", "create", "alice", "--output", "json").json()["AccessKey"]["AccessKeyId"]
    return key


def test_nouns_verbs_and_options_come_from_the_command_tree() -> None:
    assert offered("us") == ["user"]
    assert "attach-policy" in offered("user", "")
    assert offered("user", "create", "bob", "--pa") == ["--path"]
    assert "--output" in offered("user", "list", "--")  # the global options too
    from iamctl.cli.env import OUTPUTS

    assert offered("user", "list", "--output", "") == list(OUTPUTS)
    assert offered("--output=j") == ["--output=json"]
    assert offered("he") == ["help"]
    assert offered("help", "user", "cr") == ["create"]


def test_names_from_the_store(filled, account) -> None:
    assert offered("user", "get", "") == ["alice", "bob"]
    assert offered("group", "add-user", "EC2Admin", "b") == ["bob"]  # second argument: a user
    assert offered("group", "get", "") == ["EC2Admin"]
    assert offered("role", "get", "Ex") == ["ExampleEC2Role"]
    assert offered("role", "instance-profile", "get", "") == ["WebProfile"]
    assert offered("key", "delete", "AKIA") == [filled]
    assert offered("billing", "scp", "get", "D") == ["DenyS3"]
    (ou,) = complete(["billing", "ou", "get", "ou-"])[1]
    assert ou.startswith("ou-") and ou.endswith("\tSandbox")  # the OU's name beside its ID
    assert f"{account}\texample-corp" in complete(["account", "use", ""])[1]
    assert set(offered("account", "use", "")) == {account, "210987654321", "example-corp", "dev"}


def test_policy_names_are_the_accounts_and_aws_managed_ones(filled) -> None:
    found = offered("user", "attach-policy", "alice", "")
    assert found[0] == "S3ReadBucket" and "AmazonS3FullAccess" in found and len(found) > 1000
    assert offered("user", "attach-policy", "alice", "AmazonS3Full") == ["AmazonS3FullAccess"]


def test_names_follow_the_account_and_store_on_the_line(filled, cli, store_path, tmp_path) -> None:
    assert cli("--account", "dev", "user", "create", "devuser").code == 0
    assert offered("--account", "dev", "user", "get", "") == ["devuser"]
    assert offered("user", "get", "--account", "dev", "") == ["devuser"]
    other = tmp_path / "other.toml"
    assert cli("--store", str(other), "init").code == 0
    assert cli("--store", str(other), "user", "create", "zoe").code == 0
    assert offered("--store", str(other), "user", "get", "") == ["zoe"]
    assert offered("user", "get", "") == ["alice", "bob"]


def test_names_are_up_to_date_after_a_write(filled, cli) -> None:
    assert offered("user", "get", "c") == []
    assert cli("user", "create", "carol").code == 0
    assert offered("user", "get", "c") == ["carol"]
    assert cli("user", "delete", "carol").code == 0
    assert offered("user", "get", "c") == []


def test_actions_from_the_catalogue() -> None:
    assert "ec2:RunInstances" in offered("simulate", "principal", "alice", "--action", "ec2:Run")
    assert all(a.startswith("ec2:Run") for a in offered("simulate", "principal", "alice", "--action", "ec2:run"))
    directive, found = complete(["simulate", "principal", "alice", "--action", "dynamo"])
    assert directive == "nospace" and found == ["dynamodb:"]


def test_option_values_and_files() -> None:
    assert offered("key", "update", "AKIA", "--status", "") == ["Active", "Inactive"]
    assert offered("policy", "list", "--scope", "l") == ["Local"]
    assert offered("role", "create", "R", "--trust-service", "ec2") == ["ec2.amazonaws.com"]
    assert complete(["policy", "create", "P", "--document", ""])[0] == "files"
    assert offered("billing", "usage", "add", "--service", "Amazon") == ["AmazonEC2", "AmazonS3"]
    assert offered("billing", "usage", "add", "--service", "AmazonEC2", "--usage-type", "BoxUsage:t")[:2] == [
        "BoxUsage:t1.micro", "BoxUsage:t2.micro",
    ]


def test_no_store_offers_no_names_and_no_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("IAMCTL_STORE", str(tmp_path / "missing.toml"))
    assert offered("user", "get", "") == []
    broken = tmp_path / "broken.toml"
    broken.write_text("this is [not toml")
    monkeypatch.setenv("IAMCTL_STORE", str(broken))
    assert offered("user", "get", "") == []


def test_complete_subcommand_prints_a_directive_then_candidates(cli, account) -> None:
    result = cli("__complete", "--", "user", "cr")
    assert (result.code, result.out, result.err) == (0, "words\ncreate\n", "")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_command_prints_the_installed_script(cli, shell) -> None:
    result = cli("completion", shell)
    assert result.code == 0 and result.out == SCRIPTS[shell]
    name = {"bash": "iamctl", "zsh": "_iamctl", "fish": "iamctl.fish"}[shell]
    assert (ROOT / "completions" / name).read_text() == result.out


def test_completion_for_an_unknown_shell_is_a_usage_error(cli) -> None:
    result = cli("completion", "tcsh")
    assert result.code == 2 and "bash, zsh, fish" in result.err


@pytest.fixture
def on_path(tmp_path) -> dict[str, str]:
    """An environment whose PATH finds an `iamctl` running this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "iamctl"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m iamctl "$@"\n')
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}


def test_bash_script_completes_names_actions_and_values(filled, on_path) -> None:
    script = f"""
source {ROOT / "completions" / "iamctl"}
t() {{ COMP_LINE="$1"; COMP_POINT=${{#1}}; _iamctl; echo "${{COMPREPLY[*]}}"; }}
t "iamctl us"
t "iamctl user get "
t "iamctl simulate principal alice --action ec2:RunInst"
t "iamctl user list --output=js"
t "iamctl billing ou get ou-"
"""
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=on_path, check=True)
    # bash replaces only what follows a ':' or '=', so that is what the script offers;
    # descriptions (the OU's name) are for zsh and fish.
    lines = out.stdout.splitlines()
    assert lines[:4] == ["user", "alice bob", "RunInstances", "json"]
    assert lines[4].startswith("ou-") and " " not in lines[4] and "\t" not in lines[4]


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_file_works_on_its_own(filled, on_path, tmp_path) -> None:
    # Autoloaded from $fpath as zsh loads it, with nothing else of iamctl's around it;
    # compadd is stood in for, as only a real completion widget can call it.
    fpath = tmp_path / "site-functions"
    fpath.mkdir()
    shutil.copy(ROOT / "completions" / "_iamctl", fpath / "_iamctl")
    script = f"""
fpath=({fpath} $fpath)
autoload -Uz _iamctl
compadd() {{ while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -[Sd] ]] && shift; shift; done; shift; print -r -- "$*"; }}
_files() {{ print files; }}
words=(iamctl user get ''); CURRENT=4; _iamctl
words=(iamctl simulate principal alice --action ec2:RunInst); CURRENT=6; _iamctl
words=(iamctl policy create P --document ''); CURRENT=6; _iamctl
"""
    out = subprocess.run(["zsh", "-f", "-c", script], capture_output=True, text=True, env=on_path)
    assert out.stdout.splitlines() == ["alice bob", "ec2:RunInstances", "files"], out.stderr


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed")
def test_fish_script_completes(filled, on_path, tmp_path) -> None:
    script = (
        f"source {ROOT / 'completions' / 'iamctl.fish'}; complete -C 'iamctl user get '; "
        "complete -C 'iamctl billing ou get '"
    )
    env = {**on_path, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True, env=env)
    lines = out.stdout.splitlines()
    assert lines[:2] == ["alice", "bob"], out.stderr
    assert lines[2].startswith("ou-") and lines[2].endswith("\tSandbox")  # fish shows the OU's name


def test_wheel_installs_man_page_and_completions(tmp_path) -> None:
    """pip and pipx install these from the wheel's data into PREFIX/share."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = glob.glob(str(tmp_path / "iamctl-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    data = {n.split(".data/data/", 1)[1] for n in names if ".data/data/" in n}
    assert data == {
        "share/man/man1/iamctl.1",
        "share/bash-completion/completions/iamctl",
        "share/zsh/site-functions/_iamctl",
        "share/fish/vendor_completions.d/iamctl.fish",
    }
    assert "iamctl/data/completion.json" in names
    with zipfile.ZipFile(wheel) as z:
        zsh = z.read(next(n for n in names if n.endswith("site-functions/_iamctl"))).decode()
    assert zsh == Path(ROOT / "completions" / "_iamctl").read_text() and "iamctl.bash" not in zsh


def test_readme_says_how_to_enable_completion_in_one_line_per_shell() -> None:
    readme = (ROOT / "README.md").read_text()
    for line in (
        """echo 'eval "$(iamctl completion bash)"' >> ~/.bashrc""",
        """echo 'eval "$(iamctl completion zsh)"' >> ~/.zshrc""",
        "iamctl completion fish > ~/.config/fish/completions/iamctl.fish",
    ):
        assert line in readme


def test_a_write_refreshes_names_without_reading_the_other_accounts(filled, cli, monkeypatch) -> None:
    from iamctl.core import completion
    from iamctl.core.model import Account
    from iamctl.core.model.lazy import peek_items

    assert cli("--account", "dev", "user", "create", "devuser").code == 0
    assert offered("user", "get", "") == ["alice", "bob"]  # builds the names cache
    seen: list[dict[str, bool]] = []
    real = completion.collect

    def spy(data, previous=None):
        names = real(data, previous)
        seen.append({a: isinstance(held, Account) for a, held in peek_items(data.accounts)})
        return names

    monkeypatch.setattr(completion, "collect", spy)
    assert cli("user", "create", "carol").code == 0  # the default account only
    assert seen and seen[-1]["210987654321"] is False  # dev was not read for its names
    monkeypatch.setattr(completion, "collect", real)
    assert offered("user", "get", "") == ["alice", "bob", "carol"]
    assert offered("--account", "dev", "user", "get", "") == ["devuser"]


def test_a_reader_that_stops_early_gets_no_traceback(account, store_path) -> None:
    proc = subprocess.run(
        ["bash", "-c", f'set -o pipefail; "{sys.executable}" -m iamctl __complete -- policy get Amazon | head -1'],
        capture_output=True, text=True, env={**os.environ, "IAMCTL_STORE": str(store_path)},
    )
    assert proc.stdout == "words\n"
    assert proc.stderr == ""
