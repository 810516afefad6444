"""The evaluator: AWS's documented policy evaluation logic as one pure function.

Reference: IAM User Guide, "Policy evaluation logic", "Cross-account policy evaluation logic",
"Permissions boundaries for IAM entities" and "Session policies". In short:
1. an explicit Deny in any applicable policy wins;
2. with SCPs, every level of the organization must allow;
3. same account: an Allow in the resource-based policy that names the principal itself is
   enough; otherwise identity policies must allow, within the permissions boundary and the
   session policies; a resource-policy grant to a role ARN (for a session of that role) is
   still bounded by the boundary and session policies;
4. cross account: the resource-based policy and the identity side must both allow.

``MatchedStatement.policy_type`` is ``Policy.source_type``: AWS's SimulatePolicy
SourcePolicyType names where they exist ("user", "group", "role", "aws-managed",
"user-managed", "resource", "none"), and "permissions-boundary", "scp", "session" for layers
SimulatePolicy has no name for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from iamctl.core.policy.conditions import Condition
from iamctl.core.policy.document import Policy, Position, ResourceMatcher, Statement
from iamctl.core.policy.rcp_services import RCP_EXEMPT_ACTIONS, RCP_SERVICES

# The billing console's action prefixes, which the account's "IAM user and role access to
# billing information" setting gates (aws-portal is the legacy set).
BILLING_ACTION_PREFIXES: tuple[str, ...] = (
    "aws-portal",
    "billing",
    "payments",
    "ce",
    "cur",
    "purchase-orders",
    "tax",
    "invoicing",
    "budgets",
)
BILLING_SERVICES = frozenset(BILLING_ACTION_PREFIXES)
# Principals whose billing access the account's "IAM user and role access to billing" gates.
_BILLING_GATED = frozenset({"User", "AssumedRole", "Role", "FederatedUser"})
# Principals that live in an account of the organization and so are subject to its SCPs.
_SCP_SUBJECTS = frozenset({"User", "AssumedRole", "Role", "FederatedUser", "Root"})
# The services whose resources RCPs restrict (AWS Organizations User Guide, "Resource control
# policies": the list of AWS services that support RCPs); other actions never meet an RCP.
_GRANT_RANK = {"account": 1, "role": 2, "direct": 3}
_LAYER_WORDS = {
    "rcp": "resource control policy",
    "scp": "service control policy",
    "endpoint": "VPC endpoint policy",
    "resource": "resource-based policy",
    "boundary": "permissions boundary",
    "session": "session policy",
    "identity": "identity-based policy",
}


@dataclass(frozen=True)
class Principal:
    arn: str
    account: str
    type: str  # User | AssumedRole | FederatedUser | Root | Service | Anonymous | Role
    role_arn: str | None = None  # for AssumedRole sessions: the role's own ARN
    user_id: str | None = None


@dataclass
class Request:
    principal: Principal
    action: str
    resource: str
    resource_account: str | None = None  # None = the principal's own account
    context: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Keys removed on purpose (simulate --context-json null): not filled from the principal.
    absent: frozenset[str] = frozenset()


@dataclass
class PolicySet:
    identity: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    scps: list[list[Policy]] | None = None  # None = not in an organization
    resource: Policy | None = None
    session: list[Policy] | None = None
    billing_access: bool = True
    # RCP levels (root -> resource's account) of the resource's account; None = none apply.
    rcps: list[list[Policy]] | None = None
    endpoint: Policy | None = None  # the VPC endpoint policy the request passes through


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    policy_id: str
    policy_type: str
    statement_index: int  # 0-based
    sid: str | None
    effect: str
    start: Position
    end: Position


@dataclass(slots=True)
class Decision:
    decision: str  # "allowed" | "explicitDeny" | "implicitDeny"
    matched: list[MatchedStatement]
    missing_context: list[str]
    explanation: str
    denied_by: str | None = (
        None  # rcp | scp | endpoint | resource | boundary | session | identity | billing-access
    )


# A statement that applied to the request, with how the principal was named (resource policies).
_Hit = tuple[Policy, Statement, str | None, "MatchedStatement"]


class _Layer:
    """Allow and Deny hits of one layer (identity, boundary, ...)."""

    __slots__ = ("allows", "denies")

    def __init__(self) -> None:
        self.allows: list[_Hit] = []
        self.denies: list[_Hit] = []


class _Eval:
    """State for one evaluation: the normalized request and what each layer said."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.principal = request.principal
        self.action = request.action.lower()
        self.service = self.action.partition(":")[0]
        self.resource = request.resource
        self.ctx: dict[str, Sequence[str]] | None = (
            None  # built on first use: most statements need none
        )
        self.missing: list[str] = []
        self.memo: dict[int, bool] | None = None
        self.absent = frozenset(k.lower() for k in request.absent) if request.absent else request.absent
        self.has_boundary = False  # the principal has a permissions boundary (NotPrincipal)

    def lookup(self, key: str) -> Sequence[str] | None:
        ctx = self.ctx
        if ctx is None:
            ctx = self.ctx = _context(self.request)
        got = ctx.get(key)
        if got is not None:
            return got
        return None if key in self.absent else _derived(key, self.principal)

    def scan(self, policies: Sequence[Policy]) -> _Layer:
        layer = _Layer()
        resource = self.resource
        for entry in _index_for(policies).statements_for(self.action, self.service):
            policy, st, rm, needs_principal, conditions, is_deny, ms = entry
            if rm is not None and not rm.matches(resource, self.lookup, self.missing):
                continue
            grant = None
            if needs_principal:
                grant = _principal_grant(st, self.principal, self.has_boundary)
                if grant is None:
                    continue
            if conditions and not self._conditions_hold(conditions):
                continue
            (layer.denies if is_deny else layer.allows).append((policy, st, grant, ms))
        return layer

    def _conditions_hold(self, conditions: tuple[Condition, ...]) -> bool:
        # Conditions are shared objects (see build_condition); one answer per request each.
        memo = self.memo
        if memo is None:
            memo = self.memo = {}
        for cond in conditions:
            held = memo.get(id(cond))
            if held is None:
                held = memo[id(cond)] = cond.test(self.lookup, self.missing)
            if not held:
                return False
        return True


# What the hot loop needs of a statement, unpacked once:
# (policy, statement, resource matcher or None when it matches everything,
#  needs a principal check, conditions, is a Deny)
_Entry = tuple[
    Policy, Statement, ResourceMatcher | None, bool, tuple[Condition, ...], bool
]


def _entry(policy: Policy, st: Statement) -> _Entry:
    # One entry per statement, shared by every action's list and every index that holds
    # the policy: fewer live objects keep memory and Python's garbage collector small.
    found = st.eval_entry
    if found is not None and found[0] is policy:
        return found
    rm = st.resource_matcher
    if rm is not None and rm.any_resource:
        rm = None
    found = st.eval_entry = (
        policy,
        st,
        rm,
        policy.kind in ("resource", "trust"),
        st.conditions,
        st.effect == "Deny",
        _matched_statement(policy, st),
    )
    return found


class _Index:
    """The statements of a list of policies whose Action/NotAction matches an action.

    Built lazily per action name: a principal asks about the same few hundred actions over
    and over, so after the first request an action costs one dict lookup for all policies.
    """

    __slots__ = ("by_action", "policies")

    def __init__(self, policies: tuple[Policy, ...]) -> None:
        self.policies = policies
        self.by_action: dict[str, tuple[_Entry, ...]] = {}

    def statements_for(self, action: str, service: str) -> tuple[_Entry, ...]:
        found = self.by_action.get(action)
        if found is None:
            found = tuple(
                _entry(policy, st)
                for policy in self.policies
                for st in policy.candidates(service)
                if st.action_matcher.matches(action)
            )
            if len(self.by_action) >= _MAX_ACTIONS:
                self.by_action.clear()
            self.by_action[action] = found
        return found


_MAX_ACTIONS = 20_000
_MAX_INDEXES = 2_048
# Keyed by the tuple of Policy objects themselves (identity hash, see Policy's eq=False), so
# the key holds strong references and a recycled id() can never alias a dead policy.
_INDEXES: dict[tuple[Policy, ...], _Index] = {}


def _index_for(policies: Sequence[Policy]) -> _Index:
    key = tuple(policies)
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.clear()
        index = _INDEXES[key] = _Index(key)
    return index


def _context(request: Request) -> dict[str, Sequence[str]]:
    """Lower-cased keys; a single string becomes a one-element tuple."""
    return {
        key.lower(): (value,) if isinstance(value, str) else tuple(value)
        for key, value in request.context.items()
    }


def _derived(key: str, p: Principal) -> Sequence[str] | None:
    """Keys AWS puts in every request context from the principal (a caller's value wins)."""
    if key == "aws:principalarn":
        return (p.role_arn or p.arn,)
    if key == "aws:principalaccount":
        return (p.account,)
    if key == "aws:principaltype":
        return (_PRINCIPAL_TYPE_KEY.get(p.type, p.type),)
    if key == "aws:username" and p.type == "User":
        return (p.arn.rpartition("/")[2],)
    if key == "aws:userid" and p.user_id:
        return (p.user_id,)
    return None


_PRINCIPAL_TYPE_KEY = {"Root": "Account", "Role": "AssumedRole"}


def _principal_grant(
    st: Statement, p: Principal, has_boundary: bool = False
) -> str | None:
    """How the statement's Principal names ``p``: "direct", "role", "account", or None."""
    if st.principals is not None:
        best = None
        for ptype, ids in st.principals.items():
            for ident in ids:
                kind = _names(ptype, ident, p)
                if kind is not None and (
                    best is None or _GRANT_RANK[kind] > _GRANT_RANK[best]
                ):
                    best = kind
        return best
    if st.not_principals is not None:
        if has_boundary and st.effect == "Deny":
            # "The NotPrincipal element with a Deny effect will always deny any IAM principal
            # that has a permissions boundary policy attached, regardless of the values
            # specified in the NotPrincipal element." (IAM User Guide, NotPrincipal)
            return "direct"
        # Only the principal itself is spared: "all principals except the assumed-role user
        # named cross-account-audit-app ... are explicitly denied" although the role and the
        # account are listed too (IAM User Guide, NotPrincipal). So a role ARN does not
        # spare the role's other sessions, nor an account ARN the account's users.
        kinds = {_names(t, i, p) for t, ids in st.not_principals.items() for i in ids}
        named = "direct" in kinds
        if named and p.type in ("User", "AssumedRole"):
            # "When you use NotPrincipal, you must also specify the account ARN of the
            # not-denied principal. Otherwise, the policy might deny access to the entire
            # account containing the principal. ... AWS might validate the account first,
            # then the role, and then the assumed-role user." (IAM User Guide, NotPrincipal)
            # iamctl takes the "must": a user is spared only with its account listed too, a
            # session only with its account and its role.
            named = "account" in kinds and (p.role_arn is None or "role" in kinds)
        return None if named else "direct"
    return "direct"


def names_principal(st: Statement, p: Principal) -> bool:
    """Whether a resource-based statement's Principal/NotPrincipal covers ``p``."""
    return _principal_grant(st, p) is not None


def _names(ptype: str, ident: str, p: Principal) -> str | None:
    if ident == "*":
        return "direct"
    if ptype == "AWS":
        if p.type in ("Service", "Anonymous"):
            return None
        if ident == p.arn:
            return "direct"
        if p.role_arn is not None and ident == p.role_arn:
            return "role"  # a role ARN covers the role's sessions (bounded by session policy)
        parts = ident.split(":")
        if (
            len(parts) == 6
            and parts[2] == "iam"
            and parts[4] == p.account
            and parts[5] == "root"
        ):
            return "direct" if p.type == "Root" else "account"
        return None
    if ptype == "CanonicalUser":
        return "direct" if ident == p.user_id else None
    if ptype == "Service":
        return (
            "direct" if p.type == "Service" and ident.lower() == p.arn.lower() else None
        )
    return "direct" if ident == p.arn else None  # Federated: the identity provider


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """Decide ``request`` against ``policies`` the way AWS does; never touches I/O or clocks."""
    ev = _Eval(request)
    ev.has_boundary = policies.boundary is not None
    p = request.principal
    if (
        policies.scps is None
        and policies.rcps is None
        and policies.endpoint is None
        and policies.resource is None
        and policies.boundary is None
        and policies.session is None
        and (policies.billing_access or ev.service not in BILLING_SERVICES)
        and p.type in _IDENTITY_ONLY_FAST
        and request.resource_account in (None, p.account)
    ):
        return _identity_only(ev, policies.identity)
    return _evaluate_layers(ev, policies)


def _evaluate_layers(ev: _Eval, policies: PolicySet) -> Decision:
    """The general path: every layer scanned, then AWS's order of checks."""
    request = ev.request
    p = request.principal
    # AWS: neither SCPs nor RCPs restrict service-linked roles (path /aws-service-role/).
    linked = p.role_arn is not None and ":role/aws-service-role/" in p.role_arn
    scp_levels = (
        policies.scps
        if policies.scps is not None and p.type in _SCP_SUBJECTS and not linked
        else None
    )
    scp_layers = (
        [ev.scan(level) for level in scp_levels] if scp_levels is not None else []
    )
    resource = ev.scan([policies.resource]) if policies.resource is not None else None
    identity = (
        ev.scan(policies.identity)
        if p.type not in ("Root", "Service", "Anonymous")
        else _Layer()
    )
    boundary = ev.scan([policies.boundary]) if policies.boundary is not None else None
    session = ev.scan(policies.session) if policies.session is not None else None
    rcp_layers = (
        [ev.scan(level) for level in policies.rcps]
        if policies.rcps is not None and ev.service in RCP_SERVICES and not linked
        and ev.action not in RCP_EXEMPT_ACTIONS
        else []
    )
    endpoint = ev.scan([policies.endpoint]) if policies.endpoint is not None else None
    layers: list[tuple[str, _Layer | None]] = [("rcp", layer) for layer in rcp_layers]
    layers += [("scp", layer) for layer in scp_layers]
    layers.append(("endpoint", endpoint))
    layers += (
        ("resource", resource),
        ("boundary", boundary),
        ("session", session),
        ("identity", identity),
    )
    missing = list(dict.fromkeys(ev.missing)) if ev.missing else []
    for name, layer in layers:
        if layer is not None and layer.denies:
            return _explicit_deny(name, layer, layers, missing)
    # AWS's order after the deny pass: RCPs, SCPs (every level must allow), then the rest.
    for name, levels, org_layers in (
        ("rcp", policies.rcps, rcp_layers),
        ("scp", scp_levels, scp_layers),
    ):
        for number, layer in enumerate(org_layers):
            if not layer.allows:
                where = _level_label(levels[number], number) if levels else ""
                return _implicit(
                    name,
                    f"no {_LAYER_WORDS[name]} at {where} allows {request.action}",
                    layers,
                    missing,
                )
    if endpoint is not None and not endpoint.allows:
        return _implicit(
            "endpoint",
            f"the VPC endpoint policy {policies.endpoint.id} does not allow {request.action}",  # type: ignore[union-attr]
            layers,
            missing,
        )
    if (
        not policies.billing_access
        and p.type in _BILLING_GATED
        and ev.service in BILLING_SERVICES
    ):
        return _implicit(
            "billing-access",
            f"{request.action} is a billing action and the account's \"IAM user and role access to "
            'billing information" setting is off',
            layers,
            missing,
        )
    return _allow_or_implicit(
        ev, policies, resource, identity, boundary, session, layers, missing
    )


# Principals for which, with identity policies only, the identity layer alone decides.
_IDENTITY_ONLY_FAST = frozenset({"User", "AssumedRole", "Role", "FederatedUser"})


def _identity_only(ev: _Eval, policies: list[Policy]) -> Decision:
    """The common case (no SCPs, boundary, session or resource policy), without the general
    layer bookkeeping; gives the same answer as the general path."""
    layer = ev.scan(policies)
    missing = list(dict.fromkeys(ev.missing)) if ev.missing else []
    if layer.denies:
        text = f"Explicitly denied by {_cite_denies(layer)}."
        return Decision(
            "explicitDeny", _matched(layer.denies), missing, text, "identity"
        )
    if layer.allows:
        return Decision(
            "allowed", _matched(layer.allows), [], f"Allowed by {_cite(layer)}.", None
        )
    layers: list[tuple[str, _Layer | None]] = [("identity", layer)]
    return _implicit(
        "identity",
        f"no identity-based policy allows {ev.request.action}",
        layers,
        missing,
    )


def _allow_or_implicit(
    ev: _Eval,
    policies: PolicySet,
    resource: _Layer | None,
    identity: _Layer,
    boundary: _Layer | None,
    session: _Layer | None,
    layers: list[tuple[str, _Layer | None]],
    missing: list[str],
) -> Decision:
    p = ev.principal
    action = ev.request.action
    same_account = ev.request.resource_account in (None, p.account)
    grant = _best_grant(resource)
    boundary_ok = boundary is None or bool(boundary.allows)
    session_ok = session is None or bool(session.allows)
    # Root has every permission in its own account; it has no identity policies of its own.
    identity_ok = p.type == "Root" or bool(identity.allows)
    identity_side = identity_ok and boundary_ok and session_ok

    if p.type in ("Service", "Anonymous"):
        # No identity side exists: only a resource-based policy can let these in.
        if grant is not None:
            return _allowed(f"allowed by {_cite(resource)}", resource, None)
        return _implicit(
            "resource", f"no resource-based policy allows {action}", layers, missing
        )
    if policies.resource is not None and policies.resource.kind == "trust" and grant is None:
        # Unlike other resource-based policies, a role's trust policy must always let the
        # principal in: identity policies alone never let anyone assume a role, even in
        # the role's own account ("How IAM roles differ from resource-based policies").
        return _implicit(
            "resource", f"the role's trust policy does not allow {action}", layers, missing
        )
    if same_account:
        if grant == "direct":
            return _allowed(
                f"allowed by {_cite(resource)} which names the principal directly",
                resource,
                None,
            )
        if grant == "role" and boundary_ok and session_ok:
            return _allowed(
                f"allowed by {_cite(resource)} which names the principal's role",
                resource,
                None,
            )
        if identity_side:
            return _allowed(_identity_reason(p, identity), identity, boundary)
    elif identity_side and grant is not None:
        return _allowed(
            f"cross-account request allowed by {_cite(resource)} and {_identity_reason(p, identity)}",
            resource,
            identity,
        )
    return _why_not(
        ev,
        policies,
        same_account,
        grant,
        identity_ok,
        boundary_ok,
        session_ok,
        identity,
        layers,
        missing,
        action,
    )


def _why_not(
    ev: _Eval,
    policies: PolicySet,
    same_account: bool,
    grant: str | None,
    identity_ok: bool,
    boundary_ok: bool,
    session_ok: bool,
    identity: _Layer,
    layers: list[tuple[str, _Layer | None]],
    missing: list[str],
    action: str,
) -> Decision:
    allowed_by = f"allowed by {_cite(identity)}" if identity.allows else ""
    if same_account and grant == "role":
        # The resource policy named the session's role; that grant is what fell short.
        allowed_by = "allowed by the resource-based policy for the session's role"
        identity_ok = True
    if not identity_ok:
        if not same_account and grant is None:
            return _implicit(
                "resource",
                f"no resource-based policy and no identity-based policy allows {action}",
                layers,
                missing,
            )
        return _implicit(
            "identity", f"no identity-based policy allows {action}", layers, missing
        )
    if not boundary_ok:
        name = policies.boundary.id if policies.boundary else ""
        return _implicit(
            "boundary",
            f"{allowed_by}, but the permissions boundary {name} allows no {action}".lstrip(
                ", "
            ),
            layers,
            missing,
        )
    if not session_ok:
        return _implicit(
            "session",
            f"{allowed_by}, but no session policy allows {action}".lstrip(", "),
            layers,
            missing,
        )
    return _implicit(
        "resource",
        f"{allowed_by}, but this cross-account request needs the resource-based "
        f"policy to allow {action} too".lstrip(", "),
        layers,
        missing,
    )


def _level_label(level: Sequence[Policy], number: int) -> str:
    """"OU Sandbox (ou-...)" from ids such as "DenyS3 at OU Sandbox (ou-...)", else the number."""
    for pol in level:
        where = pol.id.partition(" at ")[2]
        if where:
            return where
    return f"organization level {number + 1}"


def _best_grant(layer: _Layer | None) -> str | None:
    if layer is None or not layer.allows:
        return None
    return max((h[2] or "direct" for h in layer.allows), key=_GRANT_RANK.__getitem__)


def _identity_reason(p: Principal, identity: _Layer) -> str:
    if p.type == "Root":
        return "the account root user has full access in its own account"
    return f"allowed by {_cite(identity)}"


def _cite(layer: _Layer | None) -> str:
    if layer is None:
        return "no policy"
    hits = layer.allows or layer.denies
    if not hits:
        return "no policy"
    # Name the first statement only: an explanation is built for every decision.
    pol, st = hits[0][0], hits[0][1]
    more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
    words = _SOURCE_WORDS.get(pol.source_type) or _KIND_WORDS[pol.kind]
    return f"{words} {_policy_name(pol)} {st.label}{more}"


def _policy_name(pol: Policy) -> str:
    # A policy that applies through a group says so: "AmazonEC2FullAccess, attached to group
    # EC2Admin, statement 1" (Policy.via, set by core/identity/policies.py).
    return f"{pol.id or '(unnamed)'}, {pol.via}," if pol.via else pol.id or "(unnamed)"


def _cite_denies(layer: _Layer) -> str:
    """Cite the layer's Deny, not an Allow that matched beside it (_cite prefers allows)."""
    deny_only = _Layer()
    deny_only.denies = layer.denies
    return _cite(deny_only)


# Policies parsed as resource-based ones but playing another part.
_SOURCE_WORDS = {"rcp": "RCP", "endpoint": "VPC endpoint policy"}
_KIND_WORDS = {
    "identity": "identity policy",
    "resource": "resource policy",
    "trust": "trust policy",
    "scp": "SCP",
    "session": "session policy",
    "boundary": "permissions boundary",
}


def _matched(hits: list[_Hit]) -> list[MatchedStatement]:
    # MatchedStatement is frozen, so the one built with the index is shared; rebuilt only if
    # the caller renamed the policy or changed its source type since.
    out = []
    for pol, st, _, ms in hits:
        if ms.policy_id != pol.id or ms.policy_type != pol.source_type:
            ms = _matched_statement(pol, st)
        out.append(ms)
    return out


def _matched_statement(pol: Policy, st: Statement) -> MatchedStatement:
    return MatchedStatement(
        pol.id, pol.source_type, st.index, st.sid, st.effect, st.start, st.end
    )


def _allowed(explanation: str, first: _Layer | None, second: _Layer | None) -> Decision:
    hits = (first.allows if first else []) + (second.allows if second else [])
    return Decision(
        "allowed",
        _matched(hits),
        [],
        explanation[0].upper() + explanation[1:] + ".",
        None,
    )


def _explicit_deny(
    name: str,
    layer: _Layer,
    layers: list[tuple[str, _Layer | None]],
    missing: list[str],
) -> Decision:
    denies = [h for _, lay in layers if lay is not None for h in lay.denies]
    text = f"Explicitly denied by {_cite_denies(layer)}."
    return Decision("explicitDeny", _matched(denies), missing, text, name)


def _implicit(
    name: str, reason: str, layers: list[tuple[str, _Layer | None]], missing: list[str]
) -> Decision:
    # Matched = the Allow statements that applied but were not enough, to show what was close.
    allows = [h for _, lay in layers if lay is not None for h in lay.allows]
    text = reason[0].upper() + reason[1:] + "."
    if missing:
        text += " Missing context keys: " + ", ".join(missing) + "."
    return Decision("implicitDeny", _matched(allows), missing, text, name)


def denial_message(request: Request, decision: Decision) -> str:
    """AWS's AccessDenied sentence, with the newer "because ..." / "with an explicit deny" reason."""
    if decision.decision == "allowed":
        raise ValueError("denial_message needs a denied decision")
    head = (
        f"User: {request.principal.arn} is not authorized to perform: {request.action} "
        f"on resource: {request.resource}"
    )
    layer = decision.denied_by or "identity"
    if decision.decision == "explicitDeny":
        words = _LAYER_WORDS.get(layer, "identity-based policy")
        article = "an" if words[0] in "aeiou" else "a"
        return f"{head} with an explicit deny in {article} {words}"
    if layer == "billing-access":
        return f"{head} because IAM user and role access to billing information is not activated"
    return f"{head} because no {_LAYER_WORDS.get(layer, 'identity-based policy')} allows the {request.action} action"
