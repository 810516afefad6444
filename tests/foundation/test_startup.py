"""What a command loads: only the model classes its store holds, only the verb it runs.

Every scripted call pays for what it imports and builds (see README "Speed"), so the model
package imports its submodules on first use of a name, field types are resolved only when
a store holds the field, and only the invoked verb becomes a Click command. These tests
pin that design down, and check that the lazy lookups still find every name.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys

import pytest
import typer

from iamctl.cli import main as cli_main
from iamctl.core import model
from iamctl.core.model.base import field_type
from iamctl.core.store.blocks import block_patterns
from tests.conftest import ROOT

SUBMODULES = ["account", "iam", "credentials", "roles", "billing"]


def _dataclasses_of(module_name: str) -> dict[str, type]:
    module = importlib.import_module(f"iamctl.core.model.{module_name}")
    return {
        name: obj
        for name, obj in vars(module).items()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__
    }


def test_every_model_class_is_reachable_from_the_package_by_name():
    """An annotation names a class that base.py looks up in the package: a class missing
    from the table would fail only when a store first held such a field."""
    for module_name in SUBMODULES:
        for name, cls in _dataclasses_of(module_name).items():
            assert getattr(model, name) is cls, name
    assert set(model.__all__) == set(model._WHERE)
    assert model.SCHEMA_VERSION == 1
    with pytest.raises(AttributeError):
        model.NoSuchThing  # noqa: B018


def test_every_field_type_of_every_model_class_resolves():
    for module_name in SUBMODULES:
        for cls in _dataclasses_of(module_name).values():
            for f in dataclasses.fields(cls):
                tp = field_type(cls, f.name)
                assert not isinstance(tp, str), f"{cls.__name__}.{f.name}"
    assert field_type(model.Account, "roles") == dict[str, model.Role]
    assert field_type(model.User, "mfa") == model.MfaDevice | None


def test_only_collections_marked_nested_hold_blocks_of_their_own():
    """block_patterns walks into a collection's entries only when it is marked nested
    (so that it need not import every entity class); the marks must match the classes."""
    for module_name in SUBMODULES:
        for cls in _dataclasses_of(module_name).values():
            for f in dataclasses.fields(cls):
                if not f.metadata.get("blocks"):
                    continue
                item = typing_item(field_type(cls, f.name))
                holds_blocks = any(g.metadata.get("blocks") for g in dataclasses.fields(item))
                assert bool(f.metadata.get("nested")) == holds_blocks, f"{cls.__name__}.{f.name}"
    patterns = block_patterns(model.StoreData)
    assert ("accounts", "*", "users", "*") in patterns
    assert ("organizations", "*") in patterns


def typing_item(tp: object) -> type:
    import typing

    return typing.get_args(tp)[1]


def _modules_loaded_by(store: str, cache: str, *argv: str) -> set[str]:
    """The modules (iamctl's and tomlkit) a fresh process has imported after running *argv*."""
    code = (
        "import sys, json\n"
        "from iamctl.cli.main import run\n"
        f"status = run({list(argv)!r})\n"
        "print(json.dumps([status, sorted(m for m in sys.modules if m.startswith(('iamctl', 'tomlkit')))]), "
        "file=sys.stderr)\n"
    )
    env = {"PYTHONPATH": str(ROOT), "IAMCTL_STORE": store, "XDG_CACHE_HOME": cache, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    status, modules = json.loads(proc.stderr.strip().splitlines()[-1])
    assert status == 0, proc.stderr
    return set(modules)


def test_a_users_only_store_never_imports_roles_credentials_or_billing(ok, store_path, tmp_path):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    ok("group", "add-user", "devs", "alice")
    cache = str(tmp_path / "cache")
    for argv in (["user", "get", "alice"], ["user", "list"], ["user", "create", "bob"]):
        loaded = _modules_loaded_by(str(store_path), cache, *argv, "--output", "json")
        assert "iamctl.core.model.iam" in loaded
        for absent in ("iamctl.core.model.roles", "iamctl.core.model.credentials", "iamctl.core.model.billing"):
            assert absent not in loaded, (argv, absent)


def test_writes_to_blocks_as_iamctl_wrote_them_need_no_tomlkit(ok, store_path, tmp_path):
    ok("user", "create", "alice")
    ok("group", "create", "devs")
    cache = str(tmp_path / "cache")
    for argv in (["user", "create", "bob"], ["group", "add-user", "devs", "alice"], ["user", "tag", "bob", "k=v"],
                 ["user", "delete", "bob"]):
        loaded = _modules_loaded_by(str(store_path), cache, *argv, "--output", "json")
        assert "tomlkit" not in loaded, argv
        assert "iamctl.core.store.blocks" in loaded


def test_a_block_a_person_edited_is_patched_with_tomlkit_keeping_the_edit(ok, store_path, tmp_path):
    ok("user", "create", "alice")
    text = store_path.read_text().replace('path = "/"\n', 'path = "/"  # set by hand\n', 1)
    store_path.write_text(text)
    loaded = _modules_loaded_by(str(store_path), str(tmp_path / "cache"), "user", "tag", "alice", "k=v")
    assert "tomlkit" in loaded
    assert 'path = "/"  # set by hand\n' in store_path.read_text()


def test_a_store_holding_roles_loads_the_roles_model_when_read(ok, store_path, tmp_path):
    ok("role", "create", "web", "--trust-service", "ec2.amazonaws.com")
    loaded = _modules_loaded_by(str(store_path), str(tmp_path / "cache"), "role", "get", "web", "--output", "json")
    assert "iamctl.core.model.roles" in loaded


def _click_tree(argv: list[str]) -> dict:
    command = typer.main.get_command(cli_main.build_app(argv))

    def walk(cmd) -> dict:
        return {name: walk(sub) for name, sub in getattr(cmd, "commands", {}).items()}

    return walk(command)


def test_only_the_invoked_verb_is_built():
    assert _click_tree(["user", "get", "alice"]) == {"user": {"get": {}}}
    assert _click_tree(["policy", "version", "list", "p"]) == {"policy": {"version": {"list": {}}}}


def test_help_an_option_first_or_an_unknown_verb_keep_the_level_whole():
    whole = _click_tree(["user"])["user"]
    assert {"create", "get", "list", "delete", "attach-policy"} <= set(whole)
    assert _click_tree(["user", "--help"])["user"] == whole
    assert _click_tree(["user", "-h", "get"])["user"] == whole
    assert _click_tree(["user", "bogus"])["user"] == whole
    assert set(_click_tree(["policy", "version"])["policy"]["version"]) >= {"list", "create", "get", "delete"}


def test_pruning_never_changes_the_registered_apps():
    before = _click_tree(["user"])
    _click_tree(["user", "get", "alice"])
    assert _click_tree(["user"]) == before


def test_an_unknown_verb_is_still_a_usage_error_naming_it(cli, account):
    result = cli("user", "bogus")
    assert result.code == 2
    assert "No such command 'bogus'" in result.err
