"""Policy validation in the manner of IAM Access Analyzer's ValidatePolicy.

Two sources of findings:
- the document checks of ``parse_policy`` (what IAM refuses with MalformedPolicyDocument),
  reported as ERROR findings with an Access Analyzer issue code where one fits;
- lint checks that walk the JSON with positions: unknown service or action (the shipped
  catalogue), unknown operator, a value of the wrong type for its operator, a variable in a
  2008-10-17 policy, Allow with NotAction / NotResource / NotPrincipal, iam:PassRole on "*",
  empty arrays, a statement that repeats another, a missing Version.

Issue codes are Access Analyzer's where it has one (INVALID_ACTION, INVALID_SERVICE_IN_ACTION,
PASS_ROLE_WITH_STAR_IN_RESOURCE, TYPE_MISMATCH ...); ALLOW_WITH_NOT_ACTION and
ALLOW_WITH_NOT_RESOURCE are iamctl's own (Access Analyzer names only NotPrincipal with Allow), as is
VARIABLE_BEFORE_RESOURCE_PART (a variable before an ARN's fifth colon, which IAM reads as text).
When a lint finding is also why ``parse_policy`` refuses the document, it is raised to ERROR,
since IAM would not accept the policy.

Positions: line and column count from 1 (as in simulate's MatchedStatements), offset from 0.
Pure: text in, findings out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from iamctl.core.errors import IamError
from iamctl.core.policy import catalogue, jsonpos, matching, variables
from iamctl.core.policy.conditions import parse_binary, parse_date, parse_network, parse_number, split_operator
from iamctl.core.policy.document import POLICY_KINDS, parse_policy
from iamctl.core.policy.jsonpos import PosDict, PosList

FINDING_TYPES = ("ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION")
_RANK = {t: i for i, t in enumerate(FINDING_TYPES)}
LEARN_MORE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
IAMCTL_CODES = frozenset({"ALLOW_WITH_NOT_ACTION", "ALLOW_WITH_NOT_RESOURCE", "EMPTY_ARRAY_STATEMENT",
                          "MALFORMED_POLICY_DOCUMENT", "VARIABLE_BEFORE_RESOURCE_PART"})
_ESCAPES = ("${*}", "${?}", "${$}")
_VARIABLE = re.compile(r"\$\{[^}]*\}")
_WHERE = re.compile(r"\(line (\d+), column (\d+)\)\.?$")
_ELEMENT_CODES = {"Action": "ACTION", "NotAction": "NOT_ACTION", "Resource": "RESOURCE",
                  "NotResource": "NOT_RESOURCE", "Principal": "PRINCIPAL", "NotPrincipal": "NOT_PRINCIPAL"}
# parse_policy's message -> Access Analyzer issue code (first match wins).
_PARSE_CODES = (
    ("Syntax error", "JSON_SYNTAX_ERROR"),
    ("unknown element", "INVALID_POLICY_ELEMENT"),
    ('missing required element "Effect"', "MISSING_EFFECT"),
    ('missing required element "Action"', "MISSING_ACTION"),
    ('missing required element "Resource"', "MISSING_RESOURCE"),
    ('missing required element "Statement"', "MISSING_STATEMENT"),
    ('missing required element "Principal"', "MISSING_PRINCIPAL"),
    ("Version must be", "INVALID_VERSION"),
    ("Effect must be", "INVALID_EFFECT"),
    ("must be unique", "UNIQUE_SIDS_REQUIRED"),
    ("should not specify a principal", "UNSUPPORTED_PRINCIPAL"),
    ("cannot have both", "UNSUPPORTED_ELEMENT_COMBINATION"),
    ("unknown condition operator", "INVALID_CONDITION_OPERATOR"),
    ("Invalid principal", "INVALID_PRINCIPAL_FORMAT"),
    ("unknown principal type", "INVALID_PRINCIPAL_KEY"),
    ("prefaced by a vendor", "INVALID_ACTION"),
    ("must be in ARN format", "INVALID_ARN_PREFIX"),
    ("Has prohibited field", "INVALID_POLICY_ELEMENT"),
    ("must be a string", "DATA_TYPE_MISMATCH"),
    ("must be an object", "DATA_TYPE_MISMATCH"),
    ("must map keys to values", "DATA_TYPE_MISMATCH"),
    ("invalid ", "TYPE_MISMATCH"),
)


@dataclass
class Finding:
    type: str  # ERROR | SECURITY_WARNING | WARNING | SUGGESTION
    code: str
    details: str
    path: list[dict[str, Any]]
    start: int  # offsets into the text
    end: int
    anchors: frozenset[int] = field(default=frozenset(), repr=False)  # offsets parse_policy may blame


def validate_policy(text: str, kind: str = "identity") -> list[Finding]:
    """Every finding for ``text``, ordered by position then severity."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    if not text.strip():
        return [Finding("ERROR", "JSON_SYNTAX_ERROR", "The policy document is empty.", [], 0, 0)]
    try:
        doc, scanner = jsonpos.load(text)
    except IamError as exc:
        return [_from_parse_error(text, exc, [])]
    findings = _Lint(text, scanner, kind).run(doc) if isinstance(doc, PosDict) else []
    try:
        parse_policy(text, kind=kind)
    except IamError as exc:
        findings = _merge_parse_error(text, exc, findings)
    return sorted(findings, key=lambda f: (f.start, _RANK[f.type], f.code))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.type == "ERROR" for f in findings)


# ---------------------------------------------------------------- parse errors


def _offset_of(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return min(starts[min(line, len(starts)) - 1] + column - 1, len(text))


def _from_parse_error(text: str, exc: IamError, findings: list[Finding]) -> Finding:
    m = _WHERE.search(exc.message)
    at = _offset_of(text, int(m.group(1)), int(m.group(2))) if m else 0
    code = next((c for needle, c in _PARSE_CODES if needle in exc.message),
                "LIMIT_EXCEEDED" if exc.code == "LimitExceeded" else "MALFORMED_POLICY_DOCUMENT")
    details = _WHERE.sub("", exc.message).strip().rstrip(".") + "."
    return Finding("ERROR", code, details, [], at, _value_end(text, at))


def _merge_parse_error(text: str, exc: IamError, findings: list[Finding]) -> list[Finding]:
    error = _from_parse_error(text, exc, findings)
    blamed = [f for f in findings if error.start in f.anchors or f.start == error.start]
    if not blamed:
        return [*findings, error]
    for f in blamed:
        # The same problem, and IAM refuses the document for it: an ERROR, not advice.
        if f.type != "ERROR":
            f.type = "ERROR"
            f.details += " IAM refuses a policy with this value (MalformedPolicyDocument)."
    return findings


def _value_end(text: str, at: int) -> int:
    try:
        return jsonpos._Scanner(text).value(at)[1]
    except (IamError, IndexError):
        return min(at + 1, len(text))


# ---------------------------------------------------------------- lint


class _Lint:
    def __init__(self, text: str, scanner: jsonpos._Scanner, kind: str) -> None:
        self.text = text
        self.scanner = scanner
        self.kind = kind
        self.findings: list[Finding] = []

    def add(self, ftype: str, code: str, details: str, path: list[dict[str, Any]], start: int,
            end: int | None = None, anchors: tuple[int, ...] = ()) -> None:
        end = end if end is not None else _value_end(self.text, start)
        self.findings.append(Finding(ftype, code, details, path, start, end, frozenset((start, *anchors))))

    def elements(self, arr: PosList) -> list[tuple[object, int, int]]:
        """(value, start, end) of each array element; the reader keeps only the array's span."""
        out = []
        i = self.scanner.skip(arr.start + 1)
        for _ in arr:
            value, end = self.scanner.value(i)
            out.append((value, i, end))
            i = self.scanner.skip(end)
            if self.text.startswith(",", i):
                i = self.scanner.skip(i + 1)
        return out

    def key_start(self, value_at: int) -> int:
        """Offset of the quoted member name whose value starts at ``value_at`` (best effort)."""
        j = value_at - 1
        while j > 0 and self.text[j] in " \t\r\n:":
            j -= 1
        if self.text[j] != '"':
            return value_at
        j -= 1
        while j > 0 and not (self.text[j] == '"' and self.text[j - 1] != "\\"):
            j -= 1
        return j

    def run(self, doc: PosDict) -> list[Finding]:
        version = doc.get("Version")
        if "Version" not in doc:
            self.add("WARNING", "MISSING_VERSION",
                     'The policy has no Version, so it is read as 2008-10-17: policy variables are plain text. '
                     'Add "Version": "2012-10-17".', [], doc.start, doc.start + 1)
        old = version != "2012-10-17"
        raw = doc.get("Statement")
        if isinstance(raw, PosList):
            if not raw:
                self.add("SUGGESTION", "EMPTY_ARRAY_STATEMENT", "The Statement array is empty: the policy grants "
                         "and denies nothing.", [{"value": "Statement"}], raw.start, raw.end)
            items = [(st, [{"value": "Statement"}, {"index": i}]) for i, st in enumerate(raw)]
        elif isinstance(raw, PosDict):
            items = [(raw, [{"value": "Statement"}])]
        else:
            items = []
        seen: dict[str, int] = {}
        for n, (st, path) in enumerate(items):
            if isinstance(st, PosDict):
                self.statement(st, path, old)
                self.duplicate(st, n, path, seen)
        return self.findings

    def statement(self, st: PosDict, path: list[dict[str, Any]], old: bool) -> None:
        allow = st.get("Effect") == "Allow"
        strings: dict[str, list[tuple[str, int, int, list[dict[str, Any]]]]] = {}
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if key in st:
                strings[key] = self.strings(st, key, path)
        for key in ("Principal", "NotPrincipal"):
            value = st.get(key)
            if isinstance(value, PosDict):
                for ptype, ids in value.items():
                    if isinstance(ids, PosList) and not ids:
                        self.add("SUGGESTION", "EMPTY_ARRAY_" + _ELEMENT_CODES[key],
                                 f"The {key} {ptype} array is empty; remove it or name a principal.",
                                 [*path, {"value": key}, {"value": ptype}], ids.start, ids.end)
        for key in ("Action", "NotAction"):
            for value, start, end, p in strings.get(key, []):
                self.action(value, start, end, p)
        if allow:
            for key, code, what in (("NotAction", "ALLOW_WITH_NOT_ACTION", "every action except those listed"),
                                    ("NotResource", "ALLOW_WITH_NOT_RESOURCE", "every resource except those listed"),
                                    ("NotPrincipal", "ALLOW_WITH_NOT_PRINCIPAL", "every principal except those "
                                     "listed, including anonymous callers")):
                if key in st:
                    at = st.value_at[key]
                    self.add("SECURITY_WARNING", code, f"Allow with {key} grants {what}, including ones added "
                             "later; list what is allowed instead.", [*path, {"value": key}], self.key_start(at),
                             _value_end(self.text, at))
            self.pass_role(strings, path)
        for key in ("Resource", "NotResource"):
            for value, start, end, p in strings.get(key, []):
                if old:
                    self.variable(value, start, end, p)
                else:
                    self.header_variable(value, start, end, p)
        if "Condition" in st:
            self.conditions(st["Condition"], st.value_at["Condition"], [*path, {"value": "Condition"}], old)

    def strings(self, st: PosDict, key: str, path: list[dict[str, Any]]) -> list[tuple[str, int, int, list]]:
        value, at = st[key], st.value_at[key]
        if isinstance(value, PosList):
            if not value:
                self.add("SUGGESTION", "EMPTY_ARRAY_" + _ELEMENT_CODES[key], f"The {key} array is empty, so the "
                         "statement matches nothing; remove it or list values.", [*path, {"value": key}],
                         value.start, value.end)
                return []
            return [(v, s, e, [*path, {"value": key}, {"index": i}])
                    for i, (v, s, e) in enumerate(self.elements(value)) if isinstance(v, str)]
        if isinstance(value, str):
            return [(value, at, _value_end(self.text, at), [*path, {"value": key}])]
        return []

    def action(self, value: str, start: int, end: int, path: list[dict[str, Any]]) -> None:
        if value == "*" or ":" not in value:
            return  # "*" is fine; a missing prefix is parse_policy's complaint
        prefix = value.partition(":")[0]
        if "*" in prefix or "?" in prefix:
            if not catalogue.actions_matching(value):
                self.add("ERROR", "INVALID_ACTION", f"The action {value} matches no known action.", path, start, end)
            return
        if not catalogue.is_known_service(prefix):
            self.add("ERROR", "INVALID_SERVICE_IN_ACTION",
                     f"The service prefix {prefix} in action {value} is not a known AWS service"
                     + catalogue.did_you_mean(value), path, start, end)
        elif not catalogue.is_known_action(value):
            wild = "*" in value or "?" in value
            self.add("ERROR", "INVALID_ACTION", f"The action {value} does not exist in service {prefix}"
                     + (" (no action matches the pattern)." if wild else catalogue.did_you_mean(value)),
                     path, start, end)

    def pass_role(self, strings: dict[str, list], path: list[dict[str, Any]]) -> None:
        if not any(_glob(v).fullmatch("iam:passrole") for v, *_ in strings.get("Action", [])):
            return
        for value, start, end, p in strings.get("Resource", []):
            if value == "*" or re.fullmatch(r"arn:[^:]*:iam::[^:]*:(\*|role/\*)", value):
                self.add("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                         "iam:PassRole with a wildcard resource lets the caller pass any role to a service; name "
                         "the role ARNs or add an iam:PassedToService condition.", p, start, end)

    def variable(self, value: str, start: int, end: int, path: list[dict[str, Any]]) -> None:
        m = _VARIABLE.search(value)
        if m:
            self.add("ERROR", "VARIABLE_UNSUPPORTED_IN_VERSION",
                     f"The policy variable {m.group(0)} works only in Version 2012-10-17; in this policy it is "
                     "plain text.", path, start, end)

    def header_variable(self, value: str, start: int, end: int, path: list[dict[str, Any]]) -> None:
        m = _VARIABLE.search(value)
        if m and m.start() < variables.resource_variables_start(value) and m.group(0) not in _ESCAPES:
            self.add("WARNING", "VARIABLE_BEFORE_RESOURCE_PART",
                     f"The policy variable {m.group(0)} stands before the ARN's fifth colon, where IAM reads it as "
                     "plain text: variables work only in the resource part of an ARN.", path, start, end)

    def conditions(self, block: object, at: int, path: list[dict[str, Any]], old: bool) -> None:
        if not isinstance(block, PosDict):
            return
        for op, keys in block.items():
            op_at = block.value_at[op]
            op_path = [*path, {"value": op}]
            key_offsets = tuple(keys.value_at.values()) if isinstance(keys, PosDict) else ()
            split = split_operator(op)
            if split is None:
                base = op.partition(":")[2] if ":" in op else op
                if base.lower() == "nullifexists":
                    self.add("ERROR", "NULL_WITH_IF_EXISTS", "The Null operator has no IfExists form: Null "
                             "already tests whether the key exists.", op_path, self.key_start(op_at),
                             anchors=(op_at, *key_offsets))
                else:
                    self.add("ERROR", "INVALID_CONDITION_OPERATOR", f"{op} is not a condition operator.",
                             op_path, self.key_start(op_at), anchors=(op_at, *key_offsets))
                continue
            if not isinstance(keys, PosDict):
                continue
            for key, values in keys.items():
                self.condition_values(split[1], key, values, keys.value_at[key], [*op_path, {"value": key}], old)

    def condition_values(self, operator: str, key: str, values: object, at: int, path: list[dict[str, Any]],
                         old: bool) -> None:
        if isinstance(values, PosList):
            if not values:
                self.add("SUGGESTION", "EMPTY_ARRAY_CONDITION", f"The values of {operator} {key} are an empty array.",
                         path, values.start, values.end)
                return
            items = [(v, s, e, [*path, {"index": i}]) for i, (v, s, e) in enumerate(self.elements(values))]
        else:
            items = [(values, at, _value_end(self.text, at), path)]
        for value, start, end, p in items:
            if isinstance(value, (dict, list)) or value is None:
                self.add("ERROR", "DATA_TYPE_MISMATCH", f"A condition value must be a string, number or boolean "
                         f"({operator} {key}).", p, start, end, anchors=(at,))
                continue
            text = _as_text(value)
            if old and isinstance(value, str) and _VARIABLE.search(value):
                self.variable(value, start, end, p)
            problem = _type_problem(operator, text)
            if problem is not None:
                code, expected = problem
                self.add("WARNING", code, f"{operator} compares {expected}, but {key} is given {json.dumps(value)}; "
                         "the condition can never match.", p, start, end, anchors=(at,))

    def duplicate(self, st: PosDict, n: int, path: list[dict[str, Any]], seen: dict[str, int]) -> None:
        body = {k: v for k, v in st.items() if k != "Sid"}
        key = json.dumps(_normal(body), sort_keys=True)
        if key in seen:
            self.add("SUGGESTION", "REDUNDANT_STATEMENT", f"Statement {n + 1} repeats statement {seen[key] + 1} "
                     "(Sid aside); remove one of them.", path, st.start, st.end)
        else:
            seen[key] = n


def _normal(value: object) -> object:
    """A single string and a one-element list mean the same; key order never matters."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
    return value


def _glob(pattern: str) -> re.Pattern[str]:
    return matching.compile_wildcard(pattern.lower())  # no backtracking over many stars


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _type_problem(operator: str, text: str) -> tuple[str, str] | None:
    """(issue code, what the operator expects) when ``text`` cannot be of the operator's type."""
    if "${" in text:
        return None  # a variable: its value is known only per request
    if operator.startswith("Numeric") and parse_number(text) is None:
        return "TYPE_MISMATCH", "numbers"
    if operator.startswith("Date") and parse_date(text) is None:
        return "TYPE_MISMATCH", "dates (ISO 8601 or epoch seconds)"
    if operator in ("Bool", "Null") and text.strip().lower() not in ("true", "false"):
        return "TYPE_MISMATCH_BOOL", "true or false"
    if operator.endswith("IpAddress") and parse_network(text) is None:
        return "TYPE_MISMATCH_IP_RANGE", "IP addresses or CIDR ranges"
    if operator == "BinaryEquals" and parse_binary(text) is None:
        return "TYPE_MISMATCH", "base64-encoded binary values"
    return None


# ---------------------------------------------------------------- shapes


def finding_shape(text: str, finding: Finding) -> dict[str, Any]:
    """One finding as Access Analyzer's ValidatePolicy prints it (camelCase, like aws-cli)."""
    scanner = jsonpos._Scanner(text)

    def pos(offset: int) -> dict[str, int]:
        p = scanner.position(offset)
        return {"line": p.line, "column": p.column, "offset": offset}

    out: dict[str, Any] = {
        "findingType": finding.type,
        "issueCode": finding.code,
        "findingDetails": finding.details,
    }
    if finding.code not in IAMCTL_CODES:
        out["learnMoreLink"] = LEARN_MORE
    out["locations"] = [{"path": finding.path, "span": {"start": pos(finding.start), "end": pos(finding.end)}}]
    return out


def findings_shape(text: str, findings: list[Finding]) -> dict[str, Any]:
    return {"findings": [finding_shape(text, f) for f in findings]}
