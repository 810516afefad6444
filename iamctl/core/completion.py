"""The values a shell completes: names from the store, AWS's managed policies and actions.

A TAB must answer in well under 150 ms on a quota-size store, and the store's own read
(even from its cache) costs about as much as that for 5,000 users. So the names are kept
in a small JSON file of their own under ``$XDG_CACHE_HOME/iamctl``, keyed by the store
file's size, mtime and inode: a TAB after a write pays for one read of the store, every
other TAB for a stat and a small JSON load. Nothing here imports the model or the store
unless that cache is stale.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

# What the cache is keyed by besides the file: a new iamctl may collect other names.
_FORMAT = 2



def _data_path(name: str) -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", name)


def _cache_file(store_path: str) -> str:
    # zlib rather than hashlib: every write calls this, and importing hashlib costs more
    # than the rest of the check (only names a file; the key inside decides validity).
    import zlib

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.abspath(store_path).encode()
    return os.path.join(base, "iamctl", f"complete-{zlib.crc32(path):08x}{len(path):04x}.json")


def store_names(store_path: str) -> dict[str, Any] | None:
    """The names in the store at *store_path* (see ``collect``), or None when there is no
    readable store: a TAB never reports an error, it just offers nothing."""
    try:
        st = os.stat(store_path)
    except OSError:
        return None
    key = [st.st_size, st.st_mtime_ns, st.st_ino, _FORMAT]
    import json

    cache = _cache_file(store_path)
    try:
        with open(cache, "rb") as f:
            cached = json.load(f)
        if cached.get("key") == key:
            return cached
    except (OSError, ValueError):
        pass
    try:
        from pathlib import Path

        from iamctl.core.store import Store

        names = collect(Store(Path(store_path)).read())
    except Exception:  # a broken store: `iamctl store check` says why, a TAB stays quiet
        return None
    names["key"] = key
    _write(cache, names)
    return names


def refresh_after_write(store_path: str, data: Any) -> None:
    """Called by the CLI after it wrote the store: when completion is in use (its names
    file exists), bring the names up to date from the data in hand, so the next TAB does
    not have to read the store."""
    cache = _cache_file(store_path)
    if not os.path.exists(cache):
        return
    import json

    try:
        with open(cache, "rb") as f:
            previous = json.load(f).get("accounts", {})
        st = os.stat(store_path)
        # Accounts this command did not read keep their names: a write pays for the
        # account it touches, not for parsing every other one to list its names.
        names = collect(data, previous)
    except Exception:  # never fail a write that succeeded over a cache of names
        return
    if names is None:  # an account neither read nor in the old names: the next TAB rebuilds
        with contextlib.suppress(OSError):
            os.unlink(cache)
        return
    names["key"] = [st.st_size, st.st_mtime_ns, st.st_ino, _FORMAT]
    _write(cache, names)


def _write(path: str, names: dict[str, Any]) -> None:
    """Atomically, 0600 (names of users and key IDs are not secrets, but not everyone's)."""
    import json

    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(names, f, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # no cache: the next TAB reads the store again


def collect(data: Any, previous: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Every name a command line may need, by account, from a StoreData. With *previous*
    (the accounts of an earlier collect), an account the store has not read takes its
    names from there instead of being read; None when one of them is not there."""
    from iamctl.core.model import Account
    from iamctl.core.model.lazy import peek_items

    accounts = {}
    for account_id, held in peek_items(data.accounts):
        if previous is not None and not isinstance(held, Account):
            if account_id not in previous:
                return None
            accounts[account_id] = previous[account_id]
            continue
        account = data.accounts[account_id]
        accounts[account_id] = {
            "alias": account.alias,
            "user": sorted(account.users),
            "group": sorted(account.groups),
            "role": sorted(account.roles),
            "instance-profile": sorted(account.instance_profiles),
            "policy": sorted(account.policies),
            "access-key": sorted(k for u in account.users.values() for k in u.access_keys),
            "idp": sorted([*account.saml_providers, *account.oidc_providers]),
        }
    org: dict[str, Any] = {"scp": [], "ou": {}, "root": []}
    for organization in data.organizations.values():
        org["scp"] += organization.scps
        org["ou"].update({ou_id: ou.name for ou_id, ou in organization.ous.items()})  # ID → name
        org["root"].append(organization.root_id)
    handshakes = sorted(data.handshakes)
    return {"default": data.default_account, "accounts": accounts, "org": org, "handshake": handshakes}


def select_account(names: dict[str, Any], selector: str | None) -> dict[str, Any]:
    """The names of the account *selector* (ID or alias; default: the store's default)."""
    accounts = names.get("accounts", {})
    chosen = selector or names.get("default")
    if chosen in accounts:
        return accounts[chosen]
    for account in accounts.values():
        if account.get("alias") == chosen:
            return account
    return {}


def aws_managed_policy_names() -> list[str]:
    import json

    with open(_data_path("aws_managed_policies.index.json"), "rb") as f:
        return [name for name in json.load(f) if name != "_meta"]


def actions(prefix: str) -> list[str]:
    """``service:Action`` names from the catalogue: services (``ec2:``) until a colon is
    typed, then that service's actions; matched without regard to case, as IAM does."""
    import json

    with open(_data_path("actions.json"), "rb") as f:
        services: dict[str, list[str]] = json.load(f)["services"]
    service, colon, action = prefix.partition(":")
    if not colon:
        return [f"{s}:" for s in sorted(services) if s.startswith(service.lower())]
    names = services.get(service.lower(), [])
    return [f"{service.lower()}:{a}" for a in sorted(names) if a.lower().startswith(action.lower())]


def matching(values: list[str] | tuple[str, ...], prefix: str) -> list[str]:
    low = prefix.lower()
    return [v for v in values if v.lower().startswith(low)]
