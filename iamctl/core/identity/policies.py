"""Which policies apply to a caller: a principal's identity-side policies gathered from the
store as the evaluator's ``PolicySet``, and what its organization adds.

- ``policy_set_for_user`` / ``policy_set_for_group`` / ``policy_set_for_role``: inline and
  attached policies (a user's groups' too, cited "attached to group G"), the permissions
  boundary, a session's policy;
- ``apply_org``: the SCP levels and billing-access setting of the caller's account (RCPs
  follow the resource: ``org_context.rcps_for``);
- ``parsed``: ``parse_policy`` with a cache, so the evaluator's per-policy indexes stay warm.

Every Policy gets an ``id`` and a ``source_type`` so an explanation can say which one
decided: managed policies by name ("ReadOnlyAccess"), inline ones as
"user/bob/inline/S3Home" or "group/devs/inline/X". ``source_type`` uses AWS's
SimulatePolicy SourcePolicyType names ("user", "group", "aws-managed", "user-managed"),
and "permissions-boundary" for the boundary, as the evaluator does for layers AWS has no
name for.
"""

from __future__ import annotations

from iamctl.core.errors import no_such_entity
from iamctl.core.identity.context import Context
from iamctl.core.model import Account, Group, Role, Session, StoreData, User
from iamctl.core.policy.document import Policy, parse_policy
from iamctl.core.policy.evaluate import PolicySet

# Parsed documents, reused across requests and cases: the evaluator's per-action index is
# keyed by Policy identity, so handing it the same objects keeps it warm.
_PARSED: dict[tuple[str, str, str, str], Policy] = {}

_MAX_PARSED = 20_000


def parsed(text: str, kind: str, policy_id: str, source_type: str) -> Policy:
    """``parse_policy`` with a cache; sets ``source_type`` (the evaluator's label)."""
    key = (text, kind, policy_id, source_type)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _MAX_PARSED:
            _PARSED.clear()
        found = parse_policy(text, kind=kind, policy_id=policy_id)
        found.source_type = source_type
        _PARSED[key] = found
    return found

def _managed(account: Account, arn: str, kind: str = "identity") -> Policy:
    from iamctl.core.service import policies

    ref = policies.lookup(account, arn)
    if ref is None:  # the store's checks keep references valid; a race or hand edit got here
        raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")
    source = "aws-managed" if ref.aws is not None else "user-managed"
    if kind == "boundary":
        source = "permissions-boundary"
    return parsed(ref.document, kind=kind, policy_id=ref.name, source_type=source)

def _inline(owner: str, name: str, policy_name: str, text: str) -> Policy:
    return parsed(text, kind="identity", policy_id=f"{owner}/{name}/inline/{policy_name}", source_type=owner)

def group_policies(account: Account, group: Group) -> list[Policy]:
    """A group's inline and attached policies, in that order. A managed policy is cited as
    applying through the group ("AmazonEC2FullAccess, attached to group EC2Admin,
    statement 1"); an inline one's id already names the group."""
    out = [_inline("group", group.name, n, t) for n, t in group.inline.items()]
    out += [_through(_managed(account, arn), f"attached to group {group.name}") for arn in group.attached]
    return out

_THROUGH: dict[tuple[Policy, str], Policy] = {}

def _through(policy: Policy, via: str) -> Policy:
    """A copy of *policy* that the evaluator cites with *via* (Policy.via); copies are
    kept so the evaluator's per-policy indexes stay warm."""
    from dataclasses import replace

    key = (policy, via)
    found = _THROUGH.get(key)
    if found is None:
        if len(_THROUGH) >= _MAX_PARSED:
            _THROUGH.clear()
        found = _THROUGH[key] = replace(policy, via=via)
    return found

def policy_set_for_user(account: Account, user: User) -> PolicySet:
    """The user's inline + attached policies, every group's inline + attached, the boundary."""
    identity = [_inline("user", user.name, n, t) for n, t in user.inline.items()]
    identity += [_managed(account, arn) for arn in user.attached]
    for group_name in user.groups:
        group = account.groups.get(group_name)
        if group is not None:
            identity += group_policies(account, group)
    boundary = _managed(account, user.boundary, "boundary") if user.boundary else None
    return PolicySet(identity=identity, boundary=boundary)

def policy_set_for_group(account: Account, group: Group) -> PolicySet:
    """A group's policies as a member without policies of its own would have them."""
    return PolicySet(identity=group_policies(account, group))

def policy_set_for_role(account: Account, role: Role, session: Session | None = None) -> PolicySet:
    """The role's inline + attached policies and boundary, and the session's policy if any."""
    identity = [_inline("role", role.name, n, t) for n, t in role.inline.items()]
    identity += [_managed(account, arn) for arn in role.attached]
    boundary = _managed(account, role.boundary, "boundary") if role.boundary else None
    session_policies = None
    if session is not None and session.policy:
        session_policies = [parsed(session.policy, "session", f"session policy of {session.session_name}", "session")]
    return PolicySet(identity=identity, boundary=boundary, session=session_policies)

def apply_org(data: StoreData, account_id: str, policies: PolicySet, context: Context) -> None:
    """Add what the account's organization imposes (core/org_context.py): its SCP levels
    and billing-access setting to *policies*, aws:PrincipalOrgID/Paths to *context*."""
    from iamctl.core.org_context import org_inputs

    scps, billing_access, keys = org_inputs(data, account_id)
    policies.scps = scps
    policies.billing_access = billing_access
    context.update(keys)
