"""The cold read's two shortcuts (issue 10 §3) give what the slow paths give.

A big account is parsed by rtoml, with tomllib as the reference for every error, and
checked by predicates made once per type (check_raw), with from_raw naming the field at
fault. Each shortcut must accept exactly what the slow path accepts and report the same
error."""

from __future__ import annotations

import copy
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamctl.core.errors import StoreError
from iamctl.core.model import Account, StoreData
from iamctl.core.model.base import check_raw, from_raw
from iamctl.core.store import Store, toml_read

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import make_store

IMPORT_FILE = Path(__file__).resolve().parents[1] / "data" / "import" / "moto_cli.json"


@pytest.fixture(scope="module")
def big_text() -> str:
    """A generated store well above the size from which rtoml parses it."""
    text = make_store.generate(120, 8, 20)
    assert len(text) > toml_read.FAST_FROM
    return text


def test_a_big_store_is_parsed_by_rtoml_and_equals_tomllibs_parse(big_text, monkeypatch):
    rtoml = pytest.importorskip("rtoml")
    calls = []
    real = rtoml.loads
    monkeypatch.setattr(rtoml, "loads", lambda text: calls.append(len(text)) or real(text))
    assert toml_read.loads(big_text) == tomllib.loads(big_text)
    assert calls == [len(big_text)]
    toml_read.loads('schema = 1\n')  # a small text goes to tomllib, which costs less than importing rtoml
    assert calls == [len(big_text)]


@pytest.mark.parametrize("edit", [
    lambda t: t.replace('path = "/division1/"', 'path = "/division1/\n', 1),  # a string left open
    lambda t: t.replace("[accounts.123456789012.users.user2]", "[accounts.123456789012.users.user1]", 1),
    lambda t: t + "x = " + "[" * 3000 + "]" * 3000 + "\n",  # deeper than rtoml goes; tomllib recurses
])
def test_what_rtoml_refuses_is_refused_or_read_as_tomllib_does(big_text, edit):
    bad = edit(big_text)
    try:
        expected: object = tomllib.loads(bad)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        expected = (type(exc), str(exc))
    try:
        got: object = toml_read.loads(bad)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        got = (type(exc), str(exc))
    assert got == expected


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("\n", "\r\n"),  # CRLF line ends: tomllib makes them LF inside multi-line strings
    lambda t: "\ufeff" + t,  # a byte-order mark, which tomllib refuses
    # TOML 1.1, which rtoml reads and tomllib refuses
    lambda t: t.replace('team = "team1"', 'team = "te\\eam1"', 1),
    lambda t: t.replace('team = "team1"', 'team = "te\\x41m1"', 1),
    lambda t: t + 'x = {a = "b",\n  c = "d"}\n',
    lambda t: t + 'x = {a = "b",}\n',
    lambda t: t + "x = 07:32\n",
    lambda t: t + "x = 1979-05-27T07:32Z\n",
])
def test_texts_the_two_parsers_read_differently_go_to_tomllib(big_text, edit, monkeypatch):
    rtoml = pytest.importorskip("rtoml")
    text = edit(big_text)
    try:
        differs = rtoml.loads(text) != tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        differs = True
    assert differs  # what this guards against is real
    monkeypatch.setattr(rtoml, "loads", lambda text: pytest.fail("rtoml was asked"))
    try:
        expected: object = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        expected = str(exc)
    try:
        got: object = toml_read.loads(text)
    except tomllib.TOMLDecodeError as exc:
        got = str(exc)
    assert got == expected


def test_a_big_store_with_toml_1_1_in_it_is_refused_by_reads_and_writes_alike(big_text, store_path, cli):
    lines = big_text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line == 'team = "team2"\n')
    lines[at] = 'team = "te\\eam2"\n'  # the escape \e is TOML 1.1: tomllib (Python 3.11) refuses it
    store_path.write_text("".join(lines))
    expected = (f"iamctl: CorruptStore: {store_path}: invalid TOML: Unescaped '\\' in a string "
                f"(at line {at + 1}, column 13).\n")
    for argv in (("user", "get", "user2"), ("user", "tag", "user2", "k=v"), ("user", "tag", "user3", "k=v")):
        result = cli(*argv)
        assert (result.code, result.out, result.err) == (4, "", expected), argv


def test_without_rtoml_tomllib_reads_everything(big_text, monkeypatch):
    monkeypatch.setitem(sys.modules, "rtoml", None)  # import rtoml raises ImportError
    assert toml_read.loads(big_text) == tomllib.loads(big_text)


def test_a_big_store_broken_in_one_account_names_its_line_as_before(big_text, store_path, cli):
    lines = big_text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line == 'path = "/division1/"\n')
    lines[at] = 'path = "/division1/\n'
    store_path.write_text("".join(lines))
    result = cli("user", "get", "user2")
    assert (result.code, result.out) == (4, "")
    assert result.err == (f"iamctl: CorruptStore: {store_path}: invalid TOML: Illegal character '\\n' "
                          f"(at line {at + 1}, column 20).\n")


# ---------------------------------------------------------------- check_raw against from_raw


@pytest.fixture(scope="module")
def rich_account(tmp_path_factory) -> dict:
    """An account holding every kind of entity the store has, as its raw tables."""
    import os
    import subprocess

    home = tmp_path_factory.mktemp("rich")
    env = {**os.environ, "IAMCTL_STORE": str(home / "store.toml"), "XDG_CACHE_HOME": str(home / "cache")}

    def run(*argv: str) -> None:
        subprocess.run([sys.executable, "-m", "iamctl", *argv], env=env, check=True, capture_output=True)

    run("account", "import", str(IMPORT_FILE), "--account-id", "123456789012")
    users = tomllib.loads((home / "store.toml").read_text())["accounts"]["123456789012"]["users"]
    name = sorted(users)[0]
    run("key", "create", name)
    run("user", "password", "set", name, "--generate")
    run("user", "mfa", "create", name)
    run("account", "password-policy", "set", "--minimum-password-length", "12")
    return tomllib.loads((home / "store.toml").read_text())["accounts"]["123456789012"]


def _paths(value: object, here: tuple = ()) -> list[tuple]:
    """Every path to a value inside *value* (tables and arrays walked)."""
    found = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*here, i))
    return found


ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(),
                                                                                 max_size=2))


def _outcome(check, raw) -> str | None:
    try:
        check(Account, raw, "where", key="123456789012")
    except StoreError as exc:
        return str(exc)
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_check_raw_refuses_exactly_what_from_raw_refuses_with_its_message(rich_account, data):
    raw = copy.deepcopy(rich_account)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(raw)[1:]))
        parent = raw
        for step in path[:-1]:
            parent = parent[step]
        how = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if how == "replace" or isinstance(parent, list):
            parent[path[-1]] = data.draw(ODD_VALUES)
        elif how == "delete":
            del parent[path[-1]]
        else:
            parent[data.draw(st.text(min_size=1, max_size=4))] = data.draw(ODD_VALUES)
    assert _outcome(check_raw, raw) == _outcome(from_raw, raw)


def test_check_raw_accepts_what_iamctl_writes(rich_account):
    assert _outcome(check_raw, rich_account) is None
    assert {"users", "groups", "roles", "policies"} <= rich_account.keys()


def test_a_cold_read_checks_with_check_raw_and_reports_from_raws_message(store_path, cli, account):
    assert cli("user", "create", "alice").code == 0
    text = store_path.read_text().replace('path = "/"', "path = 7", 1)
    store_path.write_text(text)
    Store(store_path).cache_path.parent.joinpath("x").touch()  # the cache folder exists; no cache is valid
    result = cli("user", "get", "alice")
    assert (result.code, result.out) == (4, "")
    assert result.err == (f"iamctl: CorruptStore: {store_path}: store.accounts.123456789012.users.alice.path "
                          "must be a string, not an integer (7).\n")
    check_raw(StoreData, {"schema": 1}, "where")  # the top level too
