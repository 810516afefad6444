"""The account as a picture: Mermaid or Graphviz DOT, in a stable order so it diffs cleanly.

``account_picture``: users -> groups -> policies (managed ones by name, inline ones as
"NAME (inline)"), roles with the principals (evaluated, as ``role assume`` decides) and
AWS services that may assume them, instance profiles -> their role, other accounts a
trust policy names, and the escalation edges of paths.py drawn in red.
``org_picture``: the organization's root, OUs and accounts (the payer marked), with the
SCPs attached to each.

Nodes get IDs n1, n2 ... in the order they are first added, and everything is added in
sorted order, so the same store always gives the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from iamctl.core.model import Account, StoreData

# node kind -> (Mermaid opening, closing), DOT shape
_MERMAID_SHAPES = {
    "user": ('["', '"]'), "group": ('[["', '"]]'), "policy": ('[/"', '"/]'), "role": ('("', '")'),
    "service": ('(["', '"])'), "profile": ('[\\"', '"\\]'), "account": ('{{"', '"}}'), "admin": ('(("', '"))'),
    "org": ('[("', '")]'), "ou": ('["', '"]'), "scp": ('[/"', '"/]'),
}
_DOT_SHAPES = {
    "user": "box", "group": "box3d", "policy": "note", "role": "ellipse", "service": "oval",
    "profile": "component", "account": "hexagon", "admin": "doublecircle", "org": "cylinder", "ou": "folder",
    "scp": "note",
}


@dataclass
class Picture:
    nodes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> (id, label, kind)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # (from, to, label, style)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set, repr=False)

    def node(self, key: str, label: str, kind: str) -> str:
        if key not in self.nodes:
            self.nodes[key] = (f"n{len(self.nodes) + 1}", label, kind)
        return key

    def edge(self, source: str, target: str, label: str = "", style: str = "solid") -> None:
        entry = (source, target, label, style)
        if entry not in self._seen:
            self._seen.add(entry)
            self.edges.append(entry)


# ---------------------------------------------------------------- rendering


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def mermaid(picture: Picture) -> str:
    lines = ["flowchart LR"]
    for _key, (ident, label, kind) in picture.nodes.items():
        left, right = _MERMAID_SHAPES[kind]
        lines.append(f"  {ident}{left}{_mermaid_text(label)}{right}")
    red = []
    for index, (source, target, label, style) in enumerate(picture.edges):
        a, b = picture.nodes[source][0], picture.nodes[target][0]
        text = f'|"{_mermaid_text(label)}"|' if label else ""
        arrow = {"dashed": "-.->", "red": "==>"}.get(style, "-->")
        lines.append(f"  {a} {arrow}{text} {b}")
        if style == "red":
            red.append(str(index))
    if red:
        lines.append(f"  linkStyle {','.join(red)} stroke:red,color:red")
    return "\n".join(lines) + "\n"


def dot(picture: Picture, name: str = "iamctl") -> str:
    lines = [f"digraph {json.dumps(name)} {{", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for _key, (ident, label, kind) in picture.nodes.items():
        lines.append(f"  {ident} [label={json.dumps(label)}, shape={_DOT_SHAPES[kind]}];")
    for source, target, label, style in picture.edges:
        attrs = [f"label={json.dumps(label)}"] if label else []
        if style == "dashed":
            attrs.append("style=dashed")
        if style == "red":
            attrs += ["color=red", "fontcolor=red", "penwidth=2"]
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {picture.nodes[source][0]} -> {picture.nodes[target][0]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(picture: Picture, fmt: str, name: str = "iamctl") -> str:
    return dot(picture, name) if fmt == "dot" else mermaid(picture)


# ---------------------------------------------------------------- the account


def _policy_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _principal_label(arn: str) -> str:
    kind, _, rest = arn.split(":", 5)[5].partition("/")
    return f"{kind} {rest.rsplit('/', 1)[-1]}" if rest else kind


def _add_identities(picture: Picture, account: Account, prefix: str) -> None:
    for name in sorted(account.users):
        user = account.users[name]
        key = picture.node(user.arn(account.id), f"{prefix}user {name}", "user")
        for group in user.groups:
            if group in account.groups:
                picture.edge(key, picture.node(account.groups[group].arn(account.id), f"{prefix}group {group}",
                                               "group"))
        _add_policies(picture, key, user.attached, user.inline, account, prefix)
    for name in sorted(account.groups):
        group = account.groups[name]
        key = picture.node(group.arn(account.id), f"{prefix}group {name}", "group")
        _add_policies(picture, key, group.attached, group.inline, account, prefix)
    for name in sorted(account.roles):
        role = account.roles[name]
        key = picture.node(role.arn(account.id), f"{prefix}role {name}", "role")
        _add_policies(picture, key, role.attached, role.inline, account, prefix)
    for name in sorted(account.instance_profiles):
        profile = account.instance_profiles[name]
        key = picture.node(profile.arn(account.id), f"{prefix}instance profile {name}", "profile")
        for role in profile.roles:
            if role in account.roles:
                picture.edge(key, account.roles[role].arn(account.id), "holds")


def _add_policies(picture: Picture, holder: str, attached: Iterable[str], inline: dict[str, str],
                  account: Account, prefix: str) -> None:
    for arn in attached:
        picture.edge(holder, picture.node(arn, f"{_policy_name(arn)}", "policy"))
    for name in sorted(inline):
        key = f"{holder}#inline/{name}"
        picture.edge(holder, picture.node(key, f"{name} (inline)", "policy"))


def account_picture(data: StoreData, account_ids: list[str], now: datetime) -> Picture:
    """Users, groups, policies, roles and who may assume them, instance profiles, other
    accounts trusted, and escalation edges (red) for the chosen accounts."""
    from iamctl.core import sts
    from iamctl.core.access import paths as pa
    from iamctl.core.access.quick import trusted_principals

    picture = Picture()
    prefix_accounts = len(account_ids) > 1
    for account_id in sorted(account_ids):
        account = data.accounts[account_id]
        _add_identities(picture, account, f"{account_id} " if prefix_accounts else "")
    graph = pa.build(data, now)
    shown = set(picture.nodes)
    for account_id in sorted(account_ids):
        account = data.accounts[account_id]
        for name in sorted(account.roles):
            role = account.roles[name]
            arn = role.arn(account_id)
            for service in sts.trusted_services(account, role):
                picture.edge(picture.node(f"service:{service}", service, "service"), arn, "may assume", "dashed")
            _, accounts, _anyone = trusted_principals(role.trust)
            for other in sorted(accounts - set(account_ids)):
                picture.edge(picture.node(f"account:{other}", f"account {other}", "account"), arn,
                             "trusted account", "dashed")
    # paths.build leaves admins' edges out (an admin needs none to escalate); a picture of
    # who may assume each role shows them too.
    from iamctl.core.access.diff import assume_pairs

    roles_here = sorted(a for a in graph.nodes if a in shown and graph.nodes[a].kind == "Role")
    for source, role_arn in sorted(assume_pairs(data, graph.nodes, roles_here, sorted(graph.admins))):
        if source not in picture.nodes:
            picture.node(source, _principal_label(source) + f" ({source.split(':')[4]})", _kind_of(source))
        picture.edge(source, role_arn, "may assume", "dashed")
    for source in sorted(graph.edges):
        for step in graph.edges[source]:
            if step.source not in shown and (step.target == pa.ADMIN or step.target not in shown):
                continue  # neither end is in the accounts drawn
            for end in (step.source, step.target):
                if end == pa.ADMIN:
                    picture.node(pa.ADMIN, "admin (* on *)", "admin")
                elif end not in picture.nodes:
                    picture.node(end, _principal_label(end) + f" ({end.split(':')[4]})", _kind_of(end))
            if step.kind == "assume-role":
                picture.edge(step.source, step.target, "may assume", "dashed")
            else:
                picture.edge(step.source, step.target, step.kind, "red")
    return picture


def _kind_of(arn: str) -> str:
    return "role" if ":role/" in arn else "user"


# ---------------------------------------------------------------- the organization


def org_picture(data: StoreData, org_id: str) -> Picture:
    """The organization's root, OUs and accounts (parents to children), and the SCPs and
    RCPs attached to each (dashed, labelled SCP or RCP)."""
    org = data.organizations[org_id]
    picture = Picture()
    top = picture.node(org.id, f"organization {org.id}", "org")
    root = picture.node(org.root_id, f"root {org.root_id}", "ou")
    picture.edge(top, root)
    for ou_id in sorted(org.ous, key=lambda i: (org.ous[i].name, i)):
        ou = org.ous[ou_id]
        picture.node(ou_id, f"OU {ou.name} ({ou_id})", "ou")
    for ou_id in sorted(org.ous, key=lambda i: (org.ous[i].name, i)):
        picture.edge(org.ous[ou_id].parent_id, ou_id)
    for account_id in sorted(org.accounts):
        member = org.accounts[account_id]
        name = member.name or (data.accounts[account_id].name if account_id in data.accounts else None)
        label = f"account {account_id}" + (f" {name}" if name else "")
        if account_id == org.master_account_id:
            label += " (management account, pays)"
        picture.node(account_id, label, "account")
        picture.edge(member.parent_id, account_id)
    for label, policies in (("SCP", org.scps), ("RCP", org.rcps)):
        for name in sorted(policies):
            policy = policies[name]
            for target in sorted(policy.targets):
                if target in picture.nodes:
                    node = picture.node(f"{label.lower()}:{policy.id}", f"{label} {policy.name}", "scp")
                    picture.edge(node, target, label, "dashed")
    return picture
