"""init, the account commands, --account / IAMCTL_ACCOUNT, and the version."""

from __future__ import annotations

import re
import stat
import tomllib

from tests.conftest import run_subprocess
from tests.foundation.conftest import fails


def test_init_creates_the_store_with_a_first_account(cli, store_path):
    result = cli("init", "--account-id", "123456789012", "--alias", "example-corp", "--name", "Example",
                 "--output", "json")
    assert result.code == 0
    assert result.err == f"Created {store_path} with account 123456789012.\n"
    account = result.json()["Account"]
    assert account == {
        "Id": "123456789012", "Arn": "arn:aws:iam::123456789012:root", "Name": "Example",
        "Email": None, "Alias": "example-corp", "CreateDate": account["CreateDate"], "Default": True,
    }
    data = tomllib.loads(store_path.read_text())
    assert data["schema"] == 1
    assert data["default_account"] == "123456789012"
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


def test_init_with_a_random_account_id(cli, store_path):
    result = cli("init", "--output", "json")
    assert result.code == 0
    assert re.fullmatch(r"[1-9]\d{11}", result.json()["Account"]["Id"])


def test_init_refuses_to_overwrite(cli, account, store_path):
    before = store_path.read_bytes()
    fails(cli("init", "--account-id", "210987654321"), 4,
          f"iamctl: StoreExists: A store already exists at {store_path}; not overwriting it. To start another, "
          "name a new file with --store PATH or IAMCTL_STORE; to add an account to this one, use "
          "'iamctl account create'.")
    assert store_path.read_bytes() == before


def test_init_under_the_default_location(cli, monkeypatch, tmp_path):
    monkeypatch.delenv("IAMCTL_STORE")
    assert cli("init", "--account-id", "123456789012").code == 0
    assert (tmp_path / "data" / "iamctl" / "store.toml").exists()


def test_missing_store_is_exit_4_with_a_hint(cli, store_path):
    for argv in (("user", "list"), ("account", "list"), ("user", "create", "alice"), ("policy", "get", "x")):
        fails(cli(*argv), 4,
              f"iamctl: NoStore: No store at {store_path}. Create one with 'iamctl init' "
              "(or point --store / IAMCTL_STORE at an existing one).")
    assert not store_path.exists()


def test_account_create_list_get_use_delete(cli, ok, jcli):
    created = jcli("account", "create", "--account-id", "210987654321", "--alias", "dev", "--name", "Dev")["Account"]
    assert created["Default"] is False
    accounts = jcli("account", "list")["Accounts"]
    assert [(a["Id"], a["Alias"], a["Default"]) for a in accounts] == [
        ("123456789012", "example-corp", True), ("210987654321", "dev", False)
    ]
    assert jcli("account", "get", "dev")["Account"]["Id"] == "210987654321"
    assert jcli("account", "get")["Account"]["Id"] == "123456789012"
    assert ok("account", "use", "dev").err == "Default account is now 210987654321.\n"
    assert jcli("account", "get")["Account"]["Id"] == "210987654321"
    ok("user", "create", "alice")
    fails(cli("account", "delete", "dev"), 3,
          "iamctl: DeleteConflict: Cannot delete account 210987654321: it still holds 1 entities (use --force).")
    assert ok("account", "delete", "dev", "--force").err == "Deleted account 210987654321.\n"
    # the default moves to an account that is left
    assert jcli("account", "get")["Account"]["Id"] == "123456789012"
    assert [a["Id"] for a in jcli("account", "list")["Accounts"]] == ["123456789012"]


def test_account_option_and_env_pick_the_account(cli, ok, jcli, monkeypatch):
    ok("account", "create", "--account-id", "210987654321", "--alias", "dev")
    ok("user", "create", "devuser", "--account", "dev")
    ok("--account", "210987654321", "user", "create", "other")
    assert jcli("user", "list") == {"Users": []}
    arns = [u["Arn"] for u in jcli("user", "list", "--account", "dev")["Users"]]
    assert arns == ["arn:aws:iam::210987654321:user/devuser", "arn:aws:iam::210987654321:user/other"]
    monkeypatch.setenv("IAMCTL_ACCOUNT", "dev")
    assert len(jcli("user", "list")["Users"]) == 2
    fails(cli("user", "list", "--account", "nope"), 3,
          "iamctl: NoSuchEntity: The account nope cannot be found in the store. The store's accounts: "
          "123456789012 (example-corp), 210987654321 (dev).")


def test_same_user_name_in_two_accounts(ok, jcli):
    ok("account", "create", "--account-id", "210987654321")
    ok("user", "create", "alice")
    ok("user", "create", "alice", "--account", "210987654321")
    assert len(jcli("user", "list", "--account", "210987654321")["Users"]) == 1


def test_account_errors(cli, account):
    fails(cli("account", "create", "--account-id", "12"), 3,
          "iamctl: ValidationError: The account ID '12' is not 12 digits.")
    fails(cli("account", "create", "--account-id", "123456789012"), 3,
          "iamctl: EntityAlreadyExists: Account 123456789012 already exists in the store.")
    fails(cli("account", "create", "--alias", "example-corp"), 3,
          "iamctl: EntityAlreadyExists: The account alias example-corp already exists (account 123456789012).")
    fails(cli("account", "create", "--alias", "Bad_Alias"), 3,
          "iamctl: ValidationError: The account alias 'Bad_Alias' may contain only lowercase letters, digits and "
          "hyphens.")
    fails(cli("account", "use", "999999999999"), 3,
          "iamctl: NoSuchEntity: The account 999999999999 cannot be found in the store. The store's accounts: "
          "123456789012 (example-corp).")


def test_version(cli):
    from iamctl import __version__

    result = cli("--version")
    assert (result.code, result.out) == (0, f"iamctl {__version__}\n")


def test_python_dash_m_version():
    from iamctl import __version__

    result = run_subprocess("--version")
    assert (result.code, result.out, result.err) == (0, f"iamctl {__version__}\n", "")
