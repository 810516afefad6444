"""access graph and billing org graph: Mermaid and DOT, stable, with escalation in red."""

from __future__ import annotations

import pytest

from iamctl.core.access import graph as gr
from iamctl.core.service import groups, instance_profiles, roles, users
from tests.access.helpers import NOW, A, B, allow, arn, role_with, store, user_with
from tests.billing_cli.conftest import DEV, PAYER, accounts, ok, org  # noqa: F401 (fixtures)


def _store():
    data = store()
    a = data.accounts[A]
    user_with(a, "alice", group="devs")
    groups.attach_policy(a, "devs", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    user_with(a, "mallory", allow("iam:AttachUserPolicy", arn(A, "user", "mallory")))
    role_with(data, a, "App", {"Service": "ec2.amazonaws.com"}, allow("s3:GetObject"))
    instance_profiles.create(a, "AppProfile")
    instance_profiles.add_role(a, "AppProfile", "App")
    role_with(data, a, "Deploy", {"AWS": [arn(A, "user", "alice"), f"arn:aws:iam::{B}:root"]})
    roles.attach_policy(a, "Deploy", "arn:aws:iam::aws:policy/PowerUserAccess")
    users.attach_policy(a, "alice", "arn:aws:iam::aws:policy/IAMUserChangePassword")
    return data


def _edges(text: str, labels: dict[str, str]) -> set[str]:
    """Mermaid edges with node IDs replaced by their labels."""
    out = set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in labels and parts[-1] in labels:
            out.add(f"{labels[parts[0]]} {' '.join(parts[1:-1])} {labels[parts[-1]]}")
    return out


def _labels(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if line[:1] == "n" and '"' in line and " " not in line.split('"')[0]:
            ident = line.split('"')[0].rstrip("[(/{\\")
            out[ident] = line.split('"')[1]
    return out


def test_mermaid_draws_the_book_picture_and_escalation_in_red():
    text = gr.render(gr.account_picture(_store(), [A], NOW), "mermaid")
    assert text.startswith("flowchart LR\n")
    edges = _edges(text, _labels(text))
    assert {
        "user alice --> group devs",
        "group devs --> ReadOnlyAccess",
        "user alice --> IAMUserChangePassword",
        "role App --> inline (inline)",
        "instance profile AppProfile -->|\"holds\"| role App",
        "ec2.amazonaws.com -.->|\"may assume\"| role App",
        "user alice -.->|\"may assume\"| role Deploy",
        f"account {B} -.->|\"trusted account\"| role Deploy",
        "user mallory ==>|\"self-escalation\"| admin (* on *)",
    } <= edges
    red = [line for line in text.splitlines() if line.strip().startswith("linkStyle")]
    assert len(red) == 1 and "stroke:red" in red[0]


def test_admins_who_may_assume_a_role_are_drawn():
    data = _store()
    users.create(data.accounts[A], "boss")
    users.attach_policy(data.accounts[A], "boss", "arn:aws:iam::aws:policy/AdministratorAccess")
    role_with(data, data.accounts[A], "Audit", {"AWS": f"arn:aws:iam::{A}:root"})
    text = gr.render(gr.account_picture(data, [A], NOW), "mermaid")
    edges = _edges(text, _labels(text))
    assert "user boss -.->|\"may assume\"| role Audit" in edges
    assert "user alice -.->|\"may assume\"| role Audit" not in edges  # her policies do not allow it


def test_output_is_deterministic_and_dot_is_equivalent():
    first = gr.render(gr.account_picture(_store(), [A], NOW), "mermaid")
    assert gr.render(gr.account_picture(_store(), [A], NOW), "mermaid") == first
    text = gr.render(gr.account_picture(_store(), [A], NOW), "dot")
    assert text.startswith('digraph "iamctl" {') and text.rstrip().endswith("}")
    assert 'label="user alice", shape=box' in text
    assert 'label="self-escalation", color=red' in text
    assert text.count(" -> ") == first.count("-->") + first.count("-.->") + first.count("==>")


def test_labels_with_quotes_are_escaped():
    picture = gr.Picture()
    picture.node("a", 'say "hi"', "user")
    assert '#quot;hi#quot;' in gr.mermaid(picture)
    assert r'label="say \"hi\""' in gr.dot(picture)


def test_cli_graph_and_usage(cli, account):
    assert cli("user", "create", "alice").code == 0
    result = cli("access", "graph")
    assert result.code == 0 and result.out == 'flowchart LR\n  n1["user alice"]\n'
    dot = cli("access", "graph", "--format", "dot", "--all")
    assert dot.code == 0 and 'n1 [label="user alice", shape=box];' in dot.out
    bad = cli("access", "graph", "--format", "png")
    assert bad.code == 2 and "--format takes mermaid or dot" in bad.err


def test_billing_org_graph(cli, ok, org):  # noqa: F811
    ou = ok("billing", "ou", "create", "Sandbox", "--output", "json").json()["OrganizationalUnit"]["Id"]
    ok("billing", "move", DEV, "--to", ou)
    ok("billing", "scp", "create", "DenyS3", "--document", "-",
       stdin='{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}')
    ok("billing", "scp", "attach", "DenyS3", "--target", ou)
    text = ok("billing", "org", "graph").out
    labels = _labels(text)
    edges = _edges(text, labels)
    root = next(v for v in labels.values() if v.startswith("root r-"))
    assert f"{root} --> OU Sandbox ({ou})" in edges
    assert f"OU Sandbox ({ou}) --> account {DEV} Dev" in edges
    assert f"SCP DenyS3 -.->|\"SCP\"| OU Sandbox ({ou})" in edges
    assert any(v == f"account {PAYER} Finance (management account, pays)" for v in labels.values())
    assert "SCP FullAWSAccess" in labels.values()
    ok("billing", "rcp", "enable")
    ok("billing", "rcp", "create", "DenyOutsideS3", "--document", "-",
       stdin='{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", '
             '"Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-x"}}}]}')
    ok("billing", "rcp", "attach", "DenyOutsideS3", "--target", ou)
    text = ok("billing", "org", "graph").out
    labels = _labels(text)
    edges = _edges(text, labels)
    assert f"RCP DenyOutsideS3 -.->|\"RCP\"| OU Sandbox ({ou})" in edges
    assert "RCP RCPFullAWSAccess" in labels.values()
    member = cli("--account", DEV, "billing", "org", "graph", "--format", "dot")
    assert member.code == 0 and member.out.startswith("digraph")
    assert cli("billing", "org", "graph", "--format", "svg").code == 2


def test_billing_org_graph_without_an_organization(cli, account):
    result = cli("billing", "org", "graph")
    assert result.code == 3 and len(result.err.splitlines()) == 1


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_an_empty_account_is_a_valid_picture(fmt):
    text = gr.render(gr.account_picture(store(), [A], NOW), fmt)
    assert text.strip() in ("flowchart LR", 'digraph "iamctl" {\n  rankdir=LR;\n  node [fontname="Helvetica"];\n}')
