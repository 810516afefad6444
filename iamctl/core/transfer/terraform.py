"""An account's IAM as Terraform JSON configuration (`.tf.json`) for the AWS provider.

Resources refer to each other (``${aws_iam_group.devs.name}``, ``${aws_iam_policy.x.arn}``)
rather than repeating names, so Terraform orders the work; policy documents are JSON
strings, as the provider's ``policy`` and ``assume_role_policy`` arguments take them.
A managed policy deploys as its default version only. Nothing secret is exported.
"""

from __future__ import annotations

import json
from typing import Any

from iamctl import __version__
from iamctl.core.model import Account
from iamctl.core.transfer.cloudformation import NO_SECRETS
from iamctl.core.transfer.names import IdMaker


def literal(text: str) -> str:
    """A string Terraform takes as it is: ``${`` and ``%{`` start templates in its JSON
    syntax, and policy variables such as ``${aws:username}`` must stay policy variables."""
    return text.replace("${", "$${").replace("%{", "%%{")


def _document(text: str) -> str:
    return literal(json.dumps(json.loads(text), indent=2))


def configuration(account: Account) -> dict[str, Any]:
    names = IdMaker("terraform")
    out: dict[str, dict[str, Any]] = {}

    def add(kind: str, name: str, args: dict[str, Any]) -> str:
        ident = names(kind, name)
        out.setdefault(kind, {})[ident] = args
        return ident

    policy_refs: dict[str, str] = {}
    for key in sorted(account.policies):
        p = account.policies[key]
        args = {"name": literal(p.name), "path": p.path, "policy": _document(p.document)}
        if p.description:
            args["description"] = literal(p.description)
        policy_refs[p.arn(account.id)] = f"${{aws_iam_policy.{add('aws_iam_policy', p.name, args)}.arn}}"

    def arn(value: str) -> str:
        return policy_refs.get(value, value)

    def holder(kind: str, name: str, entity: Any, ref: str) -> None:
        """Attachments and inline policies of a user, group or role (*kind*)."""
        for policy_arn in entity.attached:
            short = policy_arn.rsplit("/", 1)[-1]
            add(f"aws_iam_{kind}_policy_attachment", f"{name}_{short}", {kind: ref, "policy_arn": arn(policy_arn)})
        for policy_name, text in entity.inline.items():
            add(f"aws_iam_{kind}_policy", f"{name}_{policy_name}",
                {"name": literal(policy_name), kind: ref, "policy": _document(text)})

    group_refs = {}
    for key in sorted(account.groups):
        g = account.groups[key]
        ident = add("aws_iam_group", g.name, {"name": literal(g.name), "path": g.path})
        group_refs[g.name] = f"${{aws_iam_group.{ident}.name}}"
        holder("group", g.name, g, group_refs[g.name])
    for key in sorted(account.users):
        u = account.users[key]
        args: dict[str, Any] = {"name": literal(u.name), "path": u.path}
        if u.boundary:
            args["permissions_boundary"] = arn(u.boundary)
        if u.tags:
            args["tags"] = {literal(k): literal(v) for k, v in u.tags.items()}
        ref = f"${{aws_iam_user.{add('aws_iam_user', u.name, args)}.name}}"
        if u.groups:
            add("aws_iam_user_group_membership", u.name, {"user": ref, "groups": [group_refs[g] for g in u.groups]})
        holder("user", u.name, u, ref)
    role_refs = {}
    for key in sorted(account.roles):
        r = account.roles[key]
        args = {"name": literal(r.name), "path": r.path, "assume_role_policy": _document(r.trust)}
        if r.description:
            args["description"] = literal(r.description)
        if r.max_session_duration != 3600:
            args["max_session_duration"] = r.max_session_duration
        if r.boundary:
            args["permissions_boundary"] = arn(r.boundary)
        if r.tags:
            args["tags"] = {literal(k): literal(v) for k, v in r.tags.items()}
        role_refs[r.name] = f"${{aws_iam_role.{add('aws_iam_role', r.name, args)}.name}}"
        holder("role", r.name, r, role_refs[r.name])
    for key in sorted(account.instance_profiles):
        ip = account.instance_profiles[key]
        args = {"name": literal(ip.name), "path": ip.path}
        if ip.roles:
            args["role"] = role_refs[ip.roles[0]]  # an instance profile holds one role
        add("aws_iam_instance_profile", ip.name, args)
    for key in sorted(account.oidc_providers):
        oidc = account.oidc_providers[key]
        args = {"url": f"https://{key}", "client_id_list": list(oidc.client_ids),
                "thumbprint_list": list(oidc.thumbprints)}
        if oidc.tags:
            args["tags"] = {literal(k): literal(v) for k, v in oidc.tags.items()}
        add("aws_iam_openid_connect_provider", key, args)
    for key in sorted(account.saml_providers):
        saml = account.saml_providers[key]
        args = {"name": saml.name, "saml_metadata_document": literal(saml.metadata)}
        if saml.tags:
            args["tags"] = {literal(k): literal(v) for k, v in saml.tags.items()}
        add("aws_iam_saml_provider", saml.name, args)
    label = f"{account.id} ({account.alias})" if account.alias else account.id
    return {
        "//": f"IAM of account {label}, exported by iamctl {__version__}. {NO_SECRETS}",
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}},
        "resource": out,
    }
