"""Policy unit tests: a TOML file of cases for ``iamctl simulate run``.

Format (paths relative to the case file)::

    [defaults]                      # optional; every case inherits these keys
    at = "2024-05-01T12:00:00Z"

    [[case]]
    name = "alice reads reports"    # optional; default "case N"
    principal = "alice"             # store mode: user/NAME, name, user ARN, group/NAME
    action = "s3:GetObject"         # or actions = [...]
    resource = "arn:aws:s3:::b/k"   # or resources = [...]; default "*"
    context = { "aws:SourceIp" = "10.1.2.3", "aws:TagKeys" = ["a", "b"] }
    resource_account = "111122223333"
    expect = "allowed"              # allowed | denied | explicitDeny | implicitDeny
    unknown_action = true           # optional: the action is knowingly not in the catalogue

    [[case]]                        # custom mode: documents instead of a store principal
    policies = ["dev.json"]
    boundary = "boundary.json"
    scps = ["scp.json"]                 # one level; or scp_levels = [["root.json"], ["ou.json", "x.json"]]
    rcps = ["rcp.json"]                 # one level; or rcp_levels = [[...], [...]]
    endpoint_policy = "vpce.json"       # the VPC endpoint policy (store mode too)
    resource_policy = "bucket.json"
    session_policy = "session.json"
    principal = "arn:aws:iam::123456789012:user/bob"   # an ARN in custom mode
    action = "s3:PutObject"
    expect = "denied"

A case passes when every action × resource result matches ``expect``. A case whose action is
not in the shipped action catalogue fails with the closest real action, unless it says
``unknown_action = true``; an action without a service prefix makes the file unusable.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from iamctl.core import simulate as sim
from iamctl.core.errors import IamError, UsageError

CASE_KEYS = frozenset({
    "name", "principal", "policies", "boundary", "scps", "scp_levels", "rcps", "rcp_levels", "endpoint_policy",
    "resource_policy", "session_policy",
    "action", "actions", "resource", "resources", "context", "resource_account", "at", "expect",
    "unknown_action",
})


@dataclass
class Outcome:
    name: str
    expect: str
    passed: bool
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def got(self) -> str:
        if self.error is not None:
            return "error"
        decisions = list(dict.fromkeys(r["EvalDecision"] for r in self.results))
        return ",".join(decisions)

    def why(self) -> str:
        if self.error is not None:
            return self.error
        wrong = [r for r in self.results if not sim.matches_expectation(self.expect, r["EvalDecision"])]
        shown = wrong[0] if wrong else self.results[0]
        return f'{shown["EvalActionName"]} on {shown["EvalResourceName"]}: {shown["Explanation"]}'

    def row(self) -> dict[str, str]:
        return {"Result": "PASS" if self.passed else "FAIL", "Case": self.name, "Expected": self.expect,
                "Got": self.got(), "Why": self.why()}

    def shape(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Name": self.name, "Passed": self.passed, "Expected": self.expect}
        if self.error is not None:
            out["Error"] = self.error
        else:
            out["EvaluationResults"] = self.results
        return out


def unknown_actions(cases: list[dict[str, Any]]) -> list[str]:
    """The catalogue warnings of every case that does not say ``unknown_action = true``."""
    found: dict[str, None] = {}
    for case in cases:
        if not case.get("unknown_action", False):
            found.update(dict.fromkeys(sim.check_actions(_strings(case, "action", "actions"))))
    return list(found)


def summary_shape(outcomes: list[Outcome]) -> dict[str, int]:
    passed = sum(o.passed for o in outcomes)
    return {"Cases": len(outcomes), "Passed": passed, "Failed": len(outcomes) - passed}


def load(text: str, source: str) -> list[dict[str, Any]]:
    """The cases of a file, defaults applied; UsageError (exit 2) naming what is wrong."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: not valid TOML: {exc}", "InvalidCaseFile") from None
    unknown = set(doc) - {"defaults", "case"}
    if unknown:
        raise UsageError(f"{source}: unknown top-level key {sorted(unknown)[0]!r} (use [defaults] and [[case]]).",
                         "InvalidCaseFile")
    defaults = doc.get("defaults", {})
    raw_cases = doc.get("case", [])
    if not isinstance(defaults, dict) or not isinstance(raw_cases, list) or not raw_cases:
        raise UsageError(f"{source}: no cases; write each one as a [[case]] table.", "InvalidCaseFile")
    out = []
    for i, raw in enumerate(raw_cases, 1):
        case = {**defaults, **raw}
        case.setdefault("name", f"case {i}")
        where = f"{source}: case {i} ({case['name']})"
        bad = set(case) - CASE_KEYS
        if bad:
            raise UsageError(f"{where}: unknown key {sorted(bad)[0]!r}.", "InvalidCaseFile")
        if isinstance(case.get("at"), datetime | date | time):  # TOML's own date-time, written unquoted
            case["at"] = case["at"].isoformat()
        _check_types(case, where)
        if case.get("expect") not in sim.EXPECTATIONS:
            raise UsageError(f"{where}: expect must be one of {', '.join(sim.EXPECTATIONS)}.", "InvalidCaseFile")
        if not _strings(case, "action", "actions"):
            raise UsageError(f"{where}: needs action or actions.", "InvalidCaseFile")
        if not isinstance(case.get("unknown_action", False), bool):
            raise UsageError(f"{where}: unknown_action must be true or false.", "InvalidCaseFile")
        try:
            sim.check_actions(_strings(case, "action", "actions"))
        except UsageError as exc:
            raise UsageError(f"{where}: {exc.message}", "InvalidCaseFile") from None
        if "policies" not in case and "principal" not in case:
            raise UsageError(f"{where}: needs a principal from the store or policies = [...].", "InvalidCaseFile")
        out.append(case)
    return out


_FILE_KEYS = ("boundary", "endpoint_policy", "resource_policy", "session_policy")
_FILE_LIST_KEYS = ("policies", "scps", "rcps")
_STRING_KEYS = ("name", "principal", "resource_account", "at")


def _check_types(case: dict[str, Any], where: str) -> None:
    """File names, lists and levels of the right shape: a wrong type is one error for the
    file (exit 2), never a crash halfway through a case."""
    def bad(message: str) -> UsageError:
        return UsageError(f"{where}: {message}", "InvalidCaseFile")

    def file_name(value: Any) -> bool:
        return isinstance(value, str) and bool(value.strip())

    for key in _STRING_KEYS:
        if key in case and not isinstance(case[key], str):
            raise bad(f"{key} must be a string, not {case[key]!r}.")
    account = case.get("resource_account")
    if account is not None and not (len(account) == 12 and account.isascii() and account.isdigit()):
        raise bad(f"resource_account must be a 12-digit account ID, not {account!r}.")
    for key in _FILE_KEYS:
        if key in case and not file_name(case[key]):
            raise bad(f"{key} must be a file name, not {case[key]!r}.")
    for key in _FILE_LIST_KEYS:
        if key in case and not all(file_name(v) for v in _list(case[key])):
            raise bad(f"{key} must be a file name or a list of file names, not {case[key]!r}.")
    for many in ("scp_levels", "rcp_levels"):  # giving both forms fails the case (_levels)
        levels = case.get(many, [["-"]])
        if not isinstance(levels, list) or not all(
                isinstance(level, list) and level and all(file_name(f) for f in level) for level in levels):
            raise bad(f"{many} must be a list of levels, each a list of files, not {levels!r}.")


def _strings(case: dict[str, Any], one: str, many: str) -> list[str]:
    values: list[Any] = []
    if one in case:
        values.append(case[one])
    if many in case:
        values.extend(case[many] if isinstance(case[many], list) else [case[many]])
    if not all(isinstance(v, str) for v in values):
        raise UsageError(f"{one}/{many} must be strings.", "InvalidCaseFile")
    return values


def _context(raw: Any) -> dict[str, list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise UsageError("context must be a table of KEY = VALUE or KEY = [VALUES].", "InvalidCaseFile")
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        out[key] = [_text(v) for v in values]
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_case(
    case: dict[str, Any],
    base: Path,
    account: Callable[[], Any],
    clock: Callable[[str | None], datetime],
) -> Outcome:
    """Run one case; an error (a missing file, an unknown user ...) fails the case, not the run."""
    expect = case["expect"]
    if not case.get("unknown_action", False):
        unknown = sim.check_actions(_strings(case, "action", "actions"))
        if unknown:
            return Outcome(case["name"], expect, False, error=f"UnknownAction: {unknown[0]}")
    try:
        simulation = _simulation(case, base, account, clock)
        results = sim.run(simulation, _strings(case, "action", "actions"), _strings(case, "resource", "resources"))
    except IamError as exc:
        return Outcome(case["name"], expect, False, error=f"{exc.code}: {exc.message}")
    passed = all(sim.matches_expectation(expect, r["EvalDecision"]) for r in results)
    return Outcome(case["name"], expect, passed, results)


def _simulation(case: dict[str, Any], base: Path, account: Callable[[], Any],
                clock: Callable[[str | None], datetime]) -> sim.Simulation:
    from iamctl.core.policy.evaluate import PolicySet
    from iamctl.core.principals import merge_context, parsed, resolve_principal

    now = clock(case.get("at"))
    overrides = _context(case.get("context"))
    resource_account = case.get("resource_account")
    if "policies" in case:
        def doc(rel: str, kind: str, source_type: str) -> Any:
            return parsed(_read(base, rel), kind=kind, policy_id=Path(rel).name, source_type=source_type)

        policies = PolicySet(identity=[doc(p, "identity", "none") for p in _list(case["policies"])])
        if case.get("boundary"):
            policies.boundary = doc(case["boundary"], "boundary", "permissions-boundary")
        scp_levels = _levels(case, "scps", "scp_levels")
        if scp_levels:
            policies.scps = [
                [parsed(_read(base, rel), kind="scp", policy_id=i, source_type="scp")
                 for rel, i in zip(level, sim.level_ids([Path(r).name for r in level], n, "scp_levels" in case),
                                   strict=True)]
                for n, level in enumerate(scp_levels)
            ]
        rcp_levels = _levels(case, "rcps", "rcp_levels")
        if rcp_levels:
            policies.rcps = [
                sim.rcp_level([(_read(base, rel), i) for rel, i in zip(
                    level, sim.level_ids([Path(r).name for r in level], n, "rcp_levels" in case), strict=True)])
                for n, level in enumerate(rcp_levels)
            ]
        if case.get("endpoint_policy"):
            policies.endpoint = doc(case["endpoint_policy"], "resource", "endpoint")
        if case.get("resource_policy"):
            policies.resource = doc(case["resource_policy"], "resource", "resource")
        if case.get("session_policy"):
            policies.session = [doc(case["session_policy"], "session", "session")]
        who = sim.principal_from_arn(case.get("principal") or
                                     f"arn:aws:iam::{sim.DEFAULT_ACCOUNT}:user/{sim.DEFAULT_PRINCIPAL_NAME}")
        return sim.Simulation(who, policies, merge_context(sim.principal_context(who, now), overrides),
                              resource_account)
    data, current = account()
    subject = resolve_principal(current, case["principal"], data=data, now=now)
    resource_policy = None
    if case.get("resource_policy"):
        resource_policy = parsed(_read(base, case["resource_policy"]), kind="resource",
                                 policy_id=Path(case["resource_policy"]).name, source_type="resource")
    endpoint = None
    if case.get("endpoint_policy"):
        endpoint = parsed(_read(base, case["endpoint_policy"]), kind="resource",
                          policy_id=Path(case["endpoint_policy"]).name, source_type="endpoint")
    return sim.subject_simulation(subject, now, overrides, resource_account=resource_account,
                                  resource_policy=resource_policy, endpoint_policy=endpoint)


def _levels(case: dict[str, Any], one: str, many: str) -> list[list[str]]:
    """``scps = [...]`` (one level) or ``scp_levels = [[...], ...]`` (a level each), not both."""
    if case.get(one) and case.get(many):
        raise UsageError(f"give either {one} (one level) or {many} (a list of levels), not both.", "InvalidCaseFile")
    if case.get(one):
        return [_list(case[one])]
    levels = case.get(many) or []
    if not isinstance(levels, list) or not all(isinstance(level, list) and level for level in levels):
        raise UsageError(f"{many} must be a list of levels, each a list of files.", "InvalidCaseFile")
    return levels


def _list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _read(base: Path, rel: str) -> str:
    path = base / rel
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}", "NoSuchFile") from None
