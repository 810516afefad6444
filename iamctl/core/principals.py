"""The old home of "who is asking" and "which policies apply", kept so existing imports
work: the code lives in ``core/identity`` (see its package docstring).

- ``identity.policies``: ``policy_set_for_user`` / ``_group`` / ``_role``, ``apply_org``, ``parsed``;
- ``identity.context``: ``request_context_for``, ``request_context_for_user`` / ``_group``,
  ``time_context``, ``merge_context``, ``Context``;
- ``identity.callers``: ``principal_for_user``, ``principal_for_role_session``, ``session_arn``
  (and ``resolve_caller``/``authorize``, also re-exported by ``core/sts.py``);
- ``identity.subjects``: ``resolve_principal`` → ``Subject``, ``RESOLVERS``, ``register_resolver``.

New code imports from ``core/identity`` directly.
"""

from __future__ import annotations

from iamctl.core.identity.callers import principal_for_role_session, principal_for_user, session_arn
from iamctl.core.identity.context import (
    Context,
    iso_z,
    merge_context,
    request_context_for,
    request_context_for_group,
    request_context_for_user,
    time_context,
)
from iamctl.core.identity.policies import (
    apply_org,
    group_policies,
    parsed,
    policy_set_for_group,
    policy_set_for_role,
    policy_set_for_user,
)
from iamctl.core.identity.subjects import (
    ACCEPTED_FORMS,
    RESOLVERS,
    Resolver,
    Subject,
    register_resolver,
    resolve_group,
    resolve_principal,
    resolve_user,
    role_subject,
    sts_subject,
)
from iamctl.core.policy.document import parse_policy

__all__ = [
    "ACCEPTED_FORMS", "RESOLVERS", "Context", "Resolver", "Subject", "apply_org", "group_policies", "iso_z",
    "merge_context", "parse_policy", "parsed", "policy_set_for_group", "policy_set_for_role", "policy_set_for_user",
    "principal_for_role_session", "principal_for_user", "register_resolver", "request_context_for",
    "request_context_for_group", "request_context_for_user", "resolve_group", "resolve_principal", "resolve_user",
    "role_subject", "session_arn", "sts_subject", "time_context",
]
