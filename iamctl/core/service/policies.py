"""Managed policies (AWS's and the account's own), their versions, and document checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from iamctl.core import managed
from iamctl.core.errors import IamError, delete_conflict, limit_exceeded, no_such_entity
from iamctl.core.model import Account, AwsPolicyOverride, CustomerPolicy, PolicyVersion
from iamctl.core.model.lazy import peek_items
from iamctl.core.names import check_name, check_path, check_path_prefix, iam_arn, new_unique_id, now_iso, parse_arn
from iamctl.core.service import quotas
from iamctl.core.service.lookup import find


@dataclass(frozen=True)
class PolicyRef:
    """A managed policy an entity can attach: AWS's (``aws``) or the account's own."""

    arn: str
    name: str
    path: str
    document: str
    aws: managed.ManagedPolicy | None = None
    customer: CustomerPolicy | None = None


def check_document(text: str, kind: str = "identity", max_size: int | None = None, policy_id: str = "") -> None:
    """Refuse a document AWS would refuse (MalformedPolicyDocument, naming where)."""
    from iamctl.core.policy.document import parse_policy

    parse_policy(text, kind=kind, policy_id=policy_id, max_size=max_size)
    _require_version(text)


def _require_version(text: str) -> None:
    """Refuse a document without Version on the way in.

    The evaluator reads such a document as the 2008-10-17 language (as AWS does with what
    it already holds), but one written without Version silently loses policy variables,
    so new documents must say which language they are in.
    """
    from iamctl.core.errors import malformed_policy
    from iamctl.core.policy import jsonpos

    doc, scanner = jsonpos.load(text)  # parse_policy has checked it is an object
    if isinstance(doc, jsonpos.PosDict) and "Version" not in doc:
        pos = scanner.position(doc.start)
        raise malformed_policy(f'missing required element "Version" (line {pos.line}, column {pos.column}).')


def document_size(text: str) -> int:
    """Characters that count against AWS's size quotas: everything but whitespace."""
    return sum(1 for c in text if not c.isspace())


# ---------------------------------------------------------------- resolving references


def resolve(account: Account, ref: str) -> PolicyRef:
    """A policy by name or ARN: the account's own first, then AWS's managed policies."""
    found = lookup(account, ref)
    if found is None:
        arn = ref if ref.startswith("arn:") else iam_arn(account.id, "policy", ref)
        raise no_such_entity(f"Policy {arn} does not exist or is not attachable.{_did_you_mean(account, ref)}")
    return found


def _did_you_mean(account: Account, ref: str) -> str:
    """A close policy name, saying whose it is: the account's or AWS's (AWS's own message
    names the ARN it tried, which for a misspelt AWS policy is in the account)."""
    from iamctl.core.suggest import closest

    name = ref.rsplit("/", 1)[-1]
    for candidate in closest(name, [*account.policies, *managed.names()], n=1):
        if candidate in account.policies:
            return f" Did you mean your policy {candidate}?"
        return f" Did you mean the AWS managed policy {candidate} ({managed.get(candidate).arn})?"  # type: ignore[union-attr]
    return ""


def lookup(account: Account, ref: str) -> PolicyRef | None:
    if ref.startswith("arn:"):
        if managed.is_aws_policy_ref(ref):
            return _aws(aws_policy(account, ref), account)
        try:
            parts = parse_arn(ref)
        except IamError:
            return None
        if parts["account"] != account.id or not parts["resource"].startswith("policy/"):
            return None
        name = parts["resource"].rsplit("/", 1)[-1]
        policy = find(account.policies, name)
        if policy is None or policy.arn(account.id) != ref:
            return None
        return _customer(account, policy)
    policy = find(account.policies, ref)
    if policy is not None:
        return _customer(account, policy)
    return _aws(aws_policy(account, ref), account)


def _aws(policy: managed.ManagedPolicy | None, account: Account) -> PolicyRef | None:
    if policy is None:
        return None
    policy = with_override(account, policy)
    return PolicyRef(policy.arn, policy.name, policy.path, policy.document, aws=policy)


def aws_policy(account: Account, ref: str) -> managed.ManagedPolicy | None:
    """The AWS managed policy *ref* (a name or an ARN) names: one iamctl ships, or one
    iamctl does not ship that *account* keeps from its import."""
    return managed.get(ref) or kept_policy(account, ref)


def kept_policy(account: Account, ref: str) -> managed.ManagedPolicy | None:
    """An AWS managed policy iamctl does not ship, as *account* keeps it (by name or ARN)."""
    name = ref.rsplit("/", 1)[-1] if ref.startswith("arn:") else ref
    override = getattr(account, "aws_policies", {}).get(name)
    if override is None or not override.kept:
        return None
    policy = _from_override(override)
    return None if ref.startswith("arn:") and policy.arn != ref else policy


def kept_policies(account: Account) -> list[managed.ManagedPolicy]:
    """Every AWS managed policy iamctl does not ship that *account* keeps, by name."""
    aws = getattr(account, "aws_policies", {})
    return [_from_override(o) for _, o in sorted(aws.items()) if o.kept]


def _from_override(override: AwsPolicyOverride) -> managed.ManagedPolicy:
    path = override.path or "/"
    return managed.ManagedPolicy(
        name=override.name, arn=f"{managed.AWS_POLICY_ARN_PREFIX}{path}{override.name}", path=path,
        default_version_id=override.version_id, create_date=override.created or override.updated or "",
        update_date=override.updated or override.created or "", document=override.document,
        policy_id=override.id)


def with_override(account: Account, policy: managed.ManagedPolicy) -> managed.ManagedPolicy:
    """The AWS managed policy as *account* has it: an imported account keeps the version
    its file had where that differs from the shipped one (account.aws_policies), and so
    does a kept copy of a policy iamctl did not ship when it was imported but ships now."""
    override = getattr(account, "aws_policies", {}).get(policy.name)
    if override is None:
        return policy
    from dataclasses import replace

    return replace(policy, default_version_id=override.version_id, document=override.document,
                   update_date=override.updated or policy.update_date)


def _customer(account: Account, policy: CustomerPolicy) -> PolicyRef:
    return PolicyRef(policy.arn(account.id), policy.name, policy.path, policy.document, customer=policy)


def policy_exists(account: Account, arn: str) -> bool:
    return lookup(account, arn) is not None


def get_customer(account: Account, ref: str) -> CustomerPolicy:
    found = lookup(account, ref)
    if found is None or found.customer is None:
        if found is not None:
            raise IamError("InvalidInput", f"Policy {found.arn} is an AWS managed policy and cannot be changed.")
        arn = ref if ref.startswith("arn:") else iam_arn(account.id, "policy", ref)
        raise no_such_entity(f"Policy {arn} was not found.")
    return found.customer


# ---------------------------------------------------------------- customer managed policies


def create_policy(
    account: Account,
    name: str,
    document: str,
    *,
    path: str = "/",
    description: str | None = None,
    tags: dict[str, str] | None = None,
) -> CustomerPolicy:
    check_name("policy", name)
    check_path(path)
    if description is not None and len(description) > 1000:
        raise IamError("ValidationError", "The description must be at most 1000 characters.")
    if find(account.policies, name) is not None:
        raise IamError(
            "EntityAlreadyExists", f"A policy called {name} already exists. Duplicate names are not allowed."
        )
    if len(account.policies) >= quotas.CUSTOMER_POLICIES_PER_ACCOUNT:
        raise limit_exceeded(f"Cannot exceed quota for PoliciesPerAccount: {quotas.CUSTOMER_POLICIES_PER_ACCOUNT}")
    check_document(document, max_size=quotas.MANAGED_POLICY_SIZE, policy_id=name)
    now = now_iso()
    policy = CustomerPolicy(
        name=name,
        id=new_unique_id("policy"),
        created=now,
        updated=now,
        path=path,
        description=description,
        tags=dict(tags or {}),
        versions={"v1": PolicyVersion(document=document, created=now)},
    )
    account.policies[name] = policy
    return policy


def attachments(account: Account, arn: str) -> dict[str, list[str]]:
    """Who a managed policy is attached to: {"users": [...], "groups": [...], ...}."""
    found: dict[str, list[str]] = {"users": [], "groups": [], "roles": []}
    for user in account.users.values():
        if arn in user.attached:
            found["users"].append(user.name)
    for group in account.groups.values():
        if arn in group.attached:
            found["groups"].append(group.name)
    for role in getattr(account, "roles", {}).values():
        if arn in role.attached:
            found["roles"].append(role.name)
    return found


# ListEntitiesForPolicy's enums, in the order AWS's API model lists them.
ENTITY_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
USAGE_FILTERS = ("PermissionsPolicy", "PermissionsBoundary")


@dataclass
class PolicyEntities:
    """ListEntitiesForPolicy's answer: the entities using a policy, each list by name."""

    groups: list[Any]
    users: list[Any]
    roles: list[Any]


def entities_for_policy(
    account: Account,
    ref: str,
    *,
    entity_filter: str | None = None,
    usage_filter: str | None = None,
    path_prefix: str = "/",
) -> PolicyEntities:
    """ListEntitiesForPolicy: the groups, users and roles that use managed policy *ref*.

    Without *usage_filter* an entity counts when the policy is attached to it
    (PermissionsPolicy) or is its permissions boundary (PermissionsBoundary; users and
    roles only: groups cannot have one), and is listed once either way. *entity_filter*
    keeps one kind; LocalManagedPolicy and AWSManagedPolicy are in the API's shared
    EntityType enum but name no entity that can use a policy, so AWS answers with three
    empty lists. Each list is sorted by name, any case, as iamctl's other listings are."""
    from iamctl.core.names import check_enum

    if entity_filter is not None:
        check_enum("entityFilter", entity_filter, ENTITY_FILTERS)
    if usage_filter is not None:
        check_enum("policyUsageFilter", usage_filter, USAGE_FILTERS)
    check_path(path_prefix, "pathPrefix")
    arn = resolve(account, ref).arn
    as_policy = usage_filter in (None, "PermissionsPolicy")
    as_boundary = usage_filter in (None, "PermissionsBoundary")

    def using(kind: str, entities: Iterable[Any]) -> list[Any]:
        if entity_filter is not None and entity_filter != kind:
            return []
        found = [e for e in entities if e.path.startswith(path_prefix)
                 and ((as_policy and arn in e.attached) or (as_boundary and getattr(e, "boundary", None) == arn))]
        return sorted(found, key=lambda e: e.name.lower())

    return PolicyEntities(
        groups=using("Group", account.groups.values()),
        users=using("User", account.users.values()),
        roles=using("Role", getattr(account, "roles", {}).values()),
    )


@dataclass
class Usage:
    """How often each managed policy is used in an account: attachments and boundaries."""

    attached: Counter[str]
    boundary: Counter[str]

    def of(self, arn: str) -> tuple[int, int]:
        return self.attached[arn], self.boundary[arn]


def usage(account: Account) -> Usage:
    """Every policy's AttachmentCount and PermissionsBoundaryUsageCount in one pass.

    ListPolicies answers both for every policy; asking attachments() per policy would walk
    5,000 users 3,000 times. Reads each stored table's two fields without building the
    entity (EntityMap.peek_items)."""
    found = Usage(Counter(), Counter())
    for kind in ("users", "groups", "roles"):
        for _, entry in peek_items(getattr(account, kind, {})):
            table = entry if isinstance(entry, dict) else None
            attached = table.get("attached", []) if table is not None else entry.attached
            found.attached.update(set(attached))
            boundary = table.get("boundary") if table is not None else getattr(entry, "boundary", None)
            if boundary:
                found.boundary[boundary] += 1
    return found


def boundary_uses(account: Account, arn: str) -> int:
    users = sum(1 for u in account.users.values() if u.boundary == arn)
    roles = sum(1 for r in getattr(account, "roles", {}).values() if getattr(r, "boundary", None) == arn)
    return users + roles


def delete_policy(account: Account, ref: str, *, force: bool = False) -> list[str]:
    """Delete a customer managed policy; with *force*, detach it first. Returns what was detached."""
    policy = get_customer(account, ref)
    arn = policy.arn(account.id)
    attached = attachments(account, arn)
    if not force and (any(attached.values()) or boundary_uses(account, arn)):
        raise delete_conflict("Cannot delete a policy attached to entities.")
    removed: list[str] = []
    for kind, names in attached.items():
        if not names:
            continue  # "roles" is always listed, but an account has roles only once that feature exists
        collection = getattr(account, kind)
        for name in names:
            collection[name].attached.remove(arn)
            removed.append(f"policy {arn} attached to {kind[:-1]} {name}")
    # Worded like users.delete's list: the CLI prints each as "removed <what>".
    for user in account.users.values():
        if user.boundary == arn:
            user.boundary = None
            removed.append(f"permissions boundary {arn} of user {user.name}")
    for role in getattr(account, "roles", {}).values():
        if getattr(role, "boundary", None) == arn:
            role.boundary = None
            removed.append(f"permissions boundary {arn} of role {role.name}")
    del account.policies[policy.name]
    return removed


def create_version(
    account: Account, ref: str, document: str, *, set_default: bool = False
) -> tuple[CustomerPolicy, str]:
    policy = get_customer(account, ref)
    if len(policy.versions) >= quotas.VERSIONS_PER_POLICY:
        raise limit_exceeded(
            f"A managed policy can have up to {quotas.VERSIONS_PER_POLICY} versions. Before you create a new "
            "version, you must delete an existing version."
        )
    check_document(document, max_size=quotas.MANAGED_POLICY_SIZE, policy_id=policy.name)
    version_id = f"v{policy.next_version}"
    now = now_iso()
    policy.versions[version_id] = PolicyVersion(document=document, created=now)
    policy.next_version += 1
    if set_default:
        policy.default_version = version_id
    policy.updated = now
    return policy, version_id


def get_version(account: Account, ref: str, version_id: str) -> tuple[PolicyRef, str, str | None]:
    """(policy, document, created) of one version; AWS managed policies have only their default."""
    found = resolve(account, ref)
    if found.customer is not None:
        version = found.customer.versions.get(version_id)
        if version is None:
            raise no_such_entity(f"Policy {found.arn} version {version_id} does not exist or is not attachable.")
        return found, version.document, version.created
    assert found.aws is not None
    if version_id != found.aws.default_version_id:
        raise no_such_entity(
            f"Policy {found.arn} version {version_id} does not exist or is not attachable "
            f"(iamctl ships only the default version, {found.aws.default_version_id})."
        )
    return found, found.aws.document, found.aws.update_date


def delete_version(account: Account, ref: str, version_id: str) -> None:
    policy = get_customer(account, ref)
    if version_id not in policy.versions:
        raise no_such_entity(
            f"Policy {policy.arn(account.id)} version {version_id} does not exist or is not attachable."
        )
    if version_id == policy.default_version:
        raise delete_conflict("Cannot delete the default version of a policy.")
    del policy.versions[version_id]


def set_default_version(account: Account, ref: str, version_id: str) -> None:
    policy = get_customer(account, ref)
    if version_id not in policy.versions:
        raise no_such_entity(
            f"Policy {policy.arn(account.id)} version {version_id} does not exist or is not attachable."
        )
    policy.default_version = version_id
    policy.updated = now_iso()


# ---------------------------------------------------------------- attaching


def attach(account: Account, attached: list[str], ref: str, kind: str) -> str:
    """Attach a managed policy to an entity's *attached* list; returns its ARN."""
    policy = resolve(account, ref)
    if policy.arn in attached:
        return policy.arn  # AWS treats a repeated attach as success
    if len(attached) >= quotas.MANAGED_POLICIES_PER_ENTITY:
        raise limit_exceeded(f"Cannot exceed quota for PoliciesPer{kind.title()}: {quotas.MANAGED_POLICIES_PER_ENTITY}")
    attached.append(policy.arn)
    return policy.arn


def detach(account: Account, attached: list[str], ref: str, entity: str) -> str:
    found = lookup(account, ref)
    arn = found.arn if found else ref
    if arn not in attached:
        raise no_such_entity(f"Policy {arn} was not found attached to {entity}.")
    attached.remove(arn)
    return arn


def put_inline(inline: dict[str, str], name: str, document: str, aggregate_limit: int, entity: str) -> None:
    """Add or replace an inline policy, within the entity's aggregate size quota."""
    check_name("inline-policy", name, "policyName")
    check_document(document, max_size=aggregate_limit, policy_id=name)
    others = sum(document_size(text) for key, text in inline.items() if key != name)
    if others + document_size(document) > aggregate_limit:
        raise limit_exceeded(f"Maximum policy size of {aggregate_limit} bytes exceeded for {entity}.")
    inline[name] = document


def set_boundary(account: Account, entity: Any, ref: str) -> str:
    """Make a managed policy (AWS's or the account's) a user's or role's permissions boundary."""
    entity.boundary = resolve(account, ref).arn
    return entity.boundary


def delete_boundary(entity: Any, kind: str) -> None:
    if entity.boundary is None:
        raise no_such_entity(f"The {kind} with name {entity.name} has no permissions boundary.")
    entity.boundary = None


def get_inline(inline: dict[str, str], name: str, entity: str) -> str:
    if name not in inline:
        raise no_such_entity(f"The {entity} policy with name {name} cannot be found.")
    return inline[name]


def delete_inline(inline: dict[str, str], name: str, entity: str) -> None:
    get_inline(inline, name, entity)
    del inline[name]


def list_refs(
    account: Account,
    *,
    scope: str = "All",
    only_attached: bool = False,
    path_prefix: str = "/",
    name_contains: str | None = None,
) -> list[PolicyRef]:
    """ListPolicies: AWS's managed policies and/or the account's own, filtered (by
    *name_contains* as the console's search box does: a substring, any case)."""
    check_path_prefix(path_prefix, policies=True)
    needle = (name_contains or "").lower()
    refs: list[PolicyRef] = []
    counts = usage(account) if only_attached else None
    if scope in ("All", "Local"):
        refs += [_customer(account, p) for p in account.policies.values() if needle in p.name.lower()]
    if scope in ("All", "AWS"):
        if counts is not None:
            used = {arn for arn, n in counts.attached.items() if n} | {arn for arn, n in counts.boundary.items() if n}
            refs += [r for arn in sorted(used)
                     if managed.is_aws_policy_ref(arn) and (r := _aws(aws_policy(account, arn), account))]
            refs = [r for r in refs if needle in r.name.lower()]
        elif needle:  # read only the matching policies' lines of the data file
            refs += _with_kept(account, [managed.get(n) for n in managed.names() if needle in n.lower()], needle)
        else:
            refs += _with_kept(account, managed.iter_all(), needle)
    refs = [r for r in refs if r.path.startswith(path_prefix)]
    if counts is not None:
        refs = [r for r in refs if any(counts.of(r.arn))]
    return refs



def _with_kept(account: Account, shipped: Iterable[managed.ManagedPolicy | None], needle: str) -> list[PolicyRef]:
    """The shipped policies (in name order) and the account's kept ones among them, in name order."""
    refs = [_aws(p, account) for p in shipped]
    kept = [_aws(p, account) for p in kept_policies(account) if needle in p.name.lower()]
    if not kept:
        return refs  # type: ignore[return-value]
    return sorted([*refs, *kept], key=lambda r: r.name)  # type: ignore[union-attr]
