"""Privilege escalation: a graph of principals where an edge means "can become or act as".

Edges, each decided by decide.py (the evaluator ``simulate`` uses) and citing the
statements that allow it — the catalogue PMapper (nccgroup/PMapper) implements:

- assume-role: sts:AssumeRole on a role, trust and identity side both allowing;
- pass-role: iam:PassRole on a role (with iam:PassedToService) that trusts a service which
  runs code with it, plus that service's actions: ec2:RunInstances with an instance profile
  holding the role, autoscaling:CreateLaunchConfiguration + CreateAutoScalingGroup,
  lambda:CreateFunction, cloudformation:CreateStack, codebuild:CreateProject + StartBuild,
  sagemaker:CreateNotebookInstance / CreateTrainingJob / CreateProcessingJob,
  glue:CreateDevEndpoint, ecs:RunTask;
- instance-command: ssm:SendCommand / ssm:StartSession on instances that run with an
  instance profile holding a role that trusts EC2 (no PassRole needed);
- update-trust: iam:UpdateAssumeRolePolicy on a role (rewrite its trust, then assume it);
- credentials: iam:CreateAccessKey on a user, iam:CreateLoginProfile on a user without a
  console password, iam:UpdateLoginProfile on one with a password;
- self-escalation, to "admin": iam:AttachUserPolicy / PutUserPolicy on oneself,
  iam:AttachGroupPolicy / PutGroupPolicy on one's own group, iam:AddUserToGroup to an admin
  group, iam:CreatePolicyVersion on a customer managed policy attached to oneself,
  iam:SetDefaultPolicyVersion on an attached policy with an admin version, and for a role's
  session iam:AttachRolePolicy / PutRolePolicy on its own role;
- modify-role: iam:AttachRolePolicy / PutRolePolicy on a role one can assume (make it admin,
  then assume it).

"Admin" means allowed ``*`` on ``*`` (see ``is_admin``: PowerUserAccess, which allows
"*" through NotAction, is not admin). Roles stand for their sessions; account root users are
admins of their accounts and are not sources. Service actions are asked on resource "*",
as PMapper asks them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from iamctl.core import principals, sts
from iamctl.core.access import decide as d
from iamctl.core.access.quick import may_be_allowed, named_actions, sort_aws_principals
from iamctl.core.access.subjects import Who, everyone
from iamctl.core.model import Account, StoreData
from iamctl.core.policy.evaluate import MatchedStatement

ADMIN = "admin"

# service principal -> (label, groups of actions: every group must allow one of its actions)
CODE_RUNNERS: dict[str, list[tuple[str, tuple[tuple[str, ...], ...]]]] = {
    "ec2.amazonaws.com": [
        ("ec2:RunInstances with an instance profile", (("ec2:RunInstances",),)),
        ("an EC2 Auto Scaling launch configuration",
         (("autoscaling:CreateLaunchConfiguration",), ("autoscaling:CreateAutoScalingGroup",))),
    ],
    "lambda.amazonaws.com": [("a new Lambda function", (("lambda:CreateFunction",),))],
    "cloudformation.amazonaws.com": [("a CloudFormation stack", (("cloudformation:CreateStack",),))],
    "codebuild.amazonaws.com": [
        ("a CodeBuild project", (("codebuild:CreateProject",), ("codebuild:StartBuild", "codebuild:StartBuildBatch"))),
    ],
    "sagemaker.amazonaws.com": [
        ("a SageMaker notebook or job", (("sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob",
                                          "sagemaker:CreateProcessingJob"),)),
    ],
    "glue.amazonaws.com": [("a Glue development endpoint", (("glue:CreateDevEndpoint",),))],
    "ecs-tasks.amazonaws.com": [("an ECS task", (("ecs:RunTask",),))],
}
SSM_ACTIONS = ("ssm:SendCommand", "ssm:StartSession")
SELF_USER = ("iam:AttachUserPolicy", "iam:PutUserPolicy")
SELF_GROUP = ("iam:AttachGroupPolicy", "iam:PutGroupPolicy")
SELF_ROLE = ("iam:AttachRolePolicy", "iam:PutRolePolicy")
CREDENTIALS = ("iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile")
# Every action an edge needs: a principal whose own policies name none of them has no edge
# but assume-role (which a trust policy alone can grant).
INTERESTING = tuple(sorted({
    "sts:AssumeRole", "iam:PassRole", "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup",
    "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", *SSM_ACTIONS, *SELF_USER, *SELF_GROUP,
    *SELF_ROLE, *CREDENTIALS,
    *(a for runs in CODE_RUNNERS.values() for _, groups in runs for group in groups for a in group),
}))


@dataclass(frozen=True)
class Step:
    """One edge: *source* can become or act as *target* (or reach admin)."""

    source: str
    target: str  # a principal's ARN, or ADMIN
    kind: str  # assume-role | pass-role | instance-command | update-trust | credentials | self-escalation | modify-role
    actions: tuple[str, ...]
    detail: str
    statements: tuple[MatchedStatement, ...] = ()


@dataclass
class Graph:
    nodes: dict[str, Who]
    admins: set[str]
    now: datetime
    edges: dict[str, list[Step]] = field(default_factory=dict)
    admin_groups: dict[tuple[str, str], bool] = field(default_factory=dict)  # (account, group) -> admin?

    def add(self, step: Step) -> None:
        self.edges.setdefault(step.source, []).append(step)


class _Asker:
    """decide() for one principal, skipping actions its own policies never name."""

    def __init__(self, data: StoreData, who: Who) -> None:
        self.data = data
        self.who = who
        self.names = named_actions(who, INTERESTING)

    def may(self, action: str) -> bool:
        return action in self.names

    def ask(self, action: str, resource: str, context: Mapping[str, Sequence[str]] | None = None) -> d.Answer | None:
        if action not in self.names:
            return None
        answer = d.decide(self.data, self.who.caller, action, resource, context=context)
        return answer if answer.grants else None

    def any_of(self, actions: Iterable[str], resource: str) -> tuple[str, d.Answer] | None:
        for action in actions:
            answer = self.ask(action, resource)
            if answer is not None:
                return action, answer
        return None


def _allows(answers: Iterable[d.Answer]) -> tuple[MatchedStatement, ...]:
    return tuple(m for a in answers for m in a.matched if m.effect == "Allow")


# Asked besides "*": an Allow of "*" through NotAction (PowerUserAccess allows "*" except
# iam:*, organizations:* and account:*), or a Deny, boundary or SCP naming a service, lets
# the literal action "*" through while real actions are refused.
ADMIN_PROBES = ("iam:AttachUserPolicy", "iam:PutRolePolicy", "iam:CreateAccessKey", "organizations:LeaveOrganization",
                "sts:AssumeRole", "ec2:RunInstances", "s3:PutBucketPolicy", "kms:Decrypt")


def is_admin(data: StoreData, who: Who) -> bool:
    """Allowed ``*`` on ``*`` in the principal's own account, unconditionally: the action
    "*" by a statement that names it (not through NotAction), and every probe action too."""
    return may_be_allowed(who, "*", "*") and caller_is_admin(data, who.caller)


def caller_is_admin(data: StoreData, caller: sts.Caller) -> bool:
    answer = d.decide(data, caller, "*", "*")
    if answer.decision != d.ALLOWED:
        return False
    if caller.principal.type != "Root":
        statements = [d.statement_of(caller.policies, m) for m in answer.matched if m.effect == "Allow"]
        if not any(s is not None and not s.action_matcher.negate for s in statements):
            return False
    return all(d.decide(data, caller, probe, "*").decision == d.ALLOWED for probe in ADMIN_PROBES)


def build(data: StoreData, now: datetime, *, accounts: Iterable[str] | None = None) -> Graph:
    """Every principal (users and roles), which are admins, and every escalation edge."""
    people = [w for w in everyone(data, now, accounts=accounts, roots=False)]
    graph = Graph({w.arn: w for w in people}, {w.arn for w in people if is_admin(data, w)}, now)
    askers = {w.arn: _Asker(data, w) for w in people}
    _assume_edges(data, graph, askers)
    for who in people:
        if who.arn in graph.admins:
            continue  # an admin can do anything; its edges add nothing
        asker = askers[who.arn]
        if not asker.names:
            continue
        _service_edges(data, graph, who, asker)
        _iam_edges(data, graph, who, asker)
        _self_edges(data, graph, who, asker)
    for steps in graph.edges.values():
        steps.sort(key=lambda s: (s.target, s.kind, s.actions))
    return graph


# ---------------------------------------------------------------- edges


def _trust_candidates(data: StoreData, role_arn: str, graph: Graph, assumers: dict[str, list[str]]) -> list[str]:
    """Principals the trust policy could let in. One it names (or "*" in the role's own
    account) needs nothing more; one let in through its account also needs its own
    policies to allow sts:AssumeRole, so only those that name it are asked."""
    role = d.find_role(data, role_arn)
    trust = d.trust_policy(role) if role is not None else None
    home = role_arn.split(":")[4]
    named: set[str] = set()
    accounts: set[str] = set()
    everybody = False
    for st in trust.statements if trust is not None else ():
        if st.effect != "Allow":
            continue
        if st.principals is None:
            everybody = True
            continue
        everybody = sort_aws_principals(st.principals.get("AWS", ()), named, accounts) or everybody
    found = {arn for arn in named if arn in graph.nodes}
    if everybody:
        found.update(arn for arn, who in graph.nodes.items() if who.account.id == home)
        found.update(arn for arns in assumers.values() for arn in arns)
    for account_id in accounts:
        found.update(assumers.get(account_id, ()))
    found.discard(role_arn)
    return sorted(found)


def _assume_edges(data: StoreData, graph: Graph, askers: dict[str, _Asker]) -> None:
    # account -> principals whose own policies might allow sts:AssumeRole
    assumers: dict[str, list[str]] = {}
    for arn, asker in askers.items():
        if asker.may("sts:AssumeRole"):
            assumers.setdefault(asker.who.account.id, []).append(arn)
    for arn, who in graph.nodes.items():
        if who.kind != "Role":
            continue
        for source in _trust_candidates(data, arn, graph, assumers):
            if source in graph.admins:
                continue
            answer = d.decide(data, graph.nodes[source].caller, "sts:AssumeRole", arn)
            if answer.grants:
                graph.add(Step(source, arn, "assume-role", ("sts:AssumeRole",), f"may assume {arn}",
                               _allows([answer])))
                _modify_role_edge(data, graph, askers[source], arn, answer)


def _modify_role_edge(data: StoreData, graph: Graph, asker: _Asker, role_arn: str, assumed: d.Answer) -> None:
    if role_arn in graph.admins:
        return
    found = asker.any_of(SELF_ROLE, role_arn)
    if found is not None:
        action, answer = found
        graph.add(Step(asker.who.arn, ADMIN, "modify-role", (action, "sts:AssumeRole"),
                       f"may give {role_arn} any policy ({action}) and assume it", _allows([answer, assumed])))


def _roles_in_profiles(account: Account) -> dict[str, str]:
    """role name -> the first instance profile (by name) that holds it."""
    out: dict[str, str] = {}
    for name in sorted(account.instance_profiles):
        for role in account.instance_profiles[name].roles:
            out.setdefault(role, name)
    return out


def _service_edges(data: StoreData, graph: Graph, who: Who, asker: _Asker) -> None:
    if not (asker.may("iam:PassRole") or any(asker.may(a) for a in SSM_ACTIONS)):
        return
    account = who.account
    profiles = _roles_in_profiles(account)
    for name in sorted(account.roles):
        role = account.roles[name]
        arn = role.arn(account.id)
        if arn == who.arn:
            continue
        services = sts.trusted_services(account, role)
        for service in services:
            _pass_role_edge(graph, who, asker, arn, service, profiles.get(name))
        if "ec2.amazonaws.com" in services and name in profiles:
            found = asker.any_of(SSM_ACTIONS, "*")
            if found is not None:
                graph.add(Step(who.arn, arn, "instance-command", (found[0],),
                               f"may run commands ({found[0]}) on an instance with instance profile {profiles[name]}",
                               _allows([found[1]])))


def _pass_role_edge(graph: Graph, who: Who, asker: _Asker, role_arn: str, service: str, profile: str | None) -> None:
    runners = CODE_RUNNERS.get(service)
    if not runners:
        return
    passed = asker.ask("iam:PassRole", role_arn, {"iam:PassedToService": [service]})
    if passed is None:
        return
    for label, groups in runners:
        if label.startswith("ec2:RunInstances") and profile is None:
            continue
        found = [asker.any_of(group, "*") for group in groups]
        if all(found):
            actions = ("iam:PassRole", *(f[0] for f in found if f))
            where = f" (instance profile {profile})" if profile and service == "ec2.amazonaws.com" else ""
            graph.add(Step(who.arn, role_arn, "pass-role", actions,
                           f"may pass {role_arn} to {service} and run code with it: {label}{where}",
                           _allows([passed, *(f[1] for f in found if f)])))


def _iam_edges(data: StoreData, graph: Graph, who: Who, asker: _Asker) -> None:
    account = who.account
    if asker.may("iam:UpdateAssumeRolePolicy"):
        for name in sorted(account.roles):
            arn = account.roles[name].arn(account.id)
            answer = asker.ask("iam:UpdateAssumeRolePolicy", arn) if arn != who.arn else None
            if answer is not None:
                graph.add(Step(who.arn, arn, "update-trust", ("iam:UpdateAssumeRolePolicy",),
                               f"may rewrite the trust policy of {arn} to let itself in", _allows([answer])))
    if not any(asker.may(a) for a in CREDENTIALS):
        return
    for name in sorted(account.users):
        user = account.users[name]
        arn = user.arn(account.id)
        if arn == who.arn:
            continue
        wanted = ["iam:CreateAccessKey", "iam:UpdateLoginProfile" if user.login_profile else "iam:CreateLoginProfile"]
        for action in wanted:
            answer = asker.ask(action, arn)
            if answer is not None:
                what = "an access key" if action == "iam:CreateAccessKey" else "a console password"
                graph.add(Step(who.arn, arn, "credentials", (action,),
                               f"may give {arn} {what} ({action}) and sign in as it", _allows([answer])))


def _attached_policies(who: Who) -> list[str]:
    """ARNs of the managed policies attached to the principal and (for a user) its groups."""
    entity = who.user if who.user is not None else who.role
    arns = list(entity.attached) if entity is not None else []
    if who.user is not None:
        for group in who.user.groups:
            if group in who.account.groups:
                arns += who.account.groups[group].attached
    return list(dict.fromkeys(arns))


def _self_edges(data: StoreData, graph: Graph, who: Who, asker: _Asker) -> None:
    account = who.account
    found: list[tuple[tuple[str, ...], str, tuple[d.Answer, ...]]] = []
    if who.kind == "User":
        hit = asker.any_of(SELF_USER, who.arn)
        if hit:
            found.append(((hit[0],), f"may give itself any policy ({hit[0]})", (hit[1],)))
        for group_name in who.user.groups if who.user is not None else ():
            group = account.groups.get(group_name)
            hit = asker.any_of(SELF_GROUP, group.arn(account.id)) if group is not None else None
            if hit:
                found.append(((hit[0],), f"may give its group {group_name} any policy ({hit[0]})", (hit[1],)))
        if asker.may("iam:AddUserToGroup"):
            for name in sorted(account.groups):
                group = account.groups[name]
                if who.user is None or name in who.user.groups or not _group_is_admin(data, graph, account, name):
                    continue
                answer = asker.ask("iam:AddUserToGroup", group.arn(account.id))
                if answer is not None:
                    found.append((("iam:AddUserToGroup",), f"may add itself to the admin group {name}", (answer,)))
    else:
        hit = asker.any_of(SELF_ROLE, who.arn)
        if hit:
            found.append(((hit[0],), f"may give its own role any policy ({hit[0]})", (hit[1],)))
    for arn in _attached_policies(who):
        policy = _customer_policy(account, arn)
        if policy is None:
            continue
        answer = asker.ask("iam:CreatePolicyVersion", arn)
        if answer is not None:
            found.append((("iam:CreatePolicyVersion",),
                          f"may write a new default version of its policy {policy.name}", (answer,)))
        admin_version = next((v for v, pv in sorted(policy.versions.items())
                              if v != policy.default_version and _document_is_admin(pv.document)), None)
        answer = asker.ask("iam:SetDefaultPolicyVersion", arn) if admin_version else None
        if answer is not None:
            found.append((("iam:SetDefaultPolicyVersion",),
                          f"may make {admin_version} of its policy {policy.name}, which allows * on *, the default",
                          (answer,)))
    for actions, detail, answers in found:
        graph.add(Step(who.arn, ADMIN, "self-escalation", actions, detail, _allows(answers)))


def _customer_policy(account: Account, arn: str):
    name = arn.rsplit("/", 1)[-1]
    policy = account.policies.get(name)
    return policy if policy is not None and policy.arn(account.id) == arn else None


def _document_is_admin(text: str) -> bool:
    """Does a policy document allow * on * without conditions?"""
    doc = principals.parsed(text, "identity", "candidate version", "user-managed")
    return any(s.effect == "Allow" and s.action_matcher.matches("*") and not s.conditions
               and s.resource_matcher is not None and s.resource_matcher.any_resource for s in doc.statements)


def _group_is_admin(data: StoreData, graph: Graph, account: Account, name: str) -> bool:
    """Would a member with no policies of its own be admin? (the group's policies, as
    ``simulate principal group/NAME`` evaluates them)"""
    key = (account.id, name)
    if key not in graph.admin_groups:
        subject = principals.resolve_principal(account, f"group/{name}", data=data)
        caller = sts.Caller(subject.principal, account, subject.policies, subject.context(graph.now, None, None))
        graph.admin_groups[key] = caller_is_admin(data, caller)
    return graph.admin_groups[key]


# ---------------------------------------------------------------- paths


@dataclass
class Path:
    source: str
    target: str
    steps: list[Step]


def shortest_paths(graph: Graph, source: str, target: str | None = None) -> list[Path]:
    """From *source*, the shortest path to each admin (a principal that is one, or ADMIN by
    self-escalation) — or to *target* — shortest first."""
    wanted = {target} if target else graph.admins | {ADMIN}
    if source in wanted and source != ADMIN:
        return [Path(source, target or ADMIN, [])]  # already there: a path of no steps
    came: dict[str, Step | None] = {source: None}
    queue = deque([source])
    found: list[str] = []
    while queue:
        node = queue.popleft()
        for step in graph.edges.get(node, ()):
            if step.target in came:
                continue
            came[step.target] = step
            if step.target in wanted:
                found.append(step.target)
            elif step.target != ADMIN:
                queue.append(step.target)
    paths = []
    for end in found:
        steps: list[Step] = []
        node = end
        while came[node] is not None:
            step = came[node]
            steps.append(step)  # type: ignore[arg-type]
            node = step.source  # type: ignore[union-attr]
        paths.append(Path(source, end, steps[::-1]))
    return sorted(paths, key=lambda p: (len(p.steps), p.target))


def all_paths(graph: Graph, target: str | None = None) -> list[Path]:
    """Every principal that can reach admin (or *target*) without already being there."""
    out = []
    wanted = {target} if target else graph.admins
    for source in sorted(graph.nodes):
        if source in wanted:
            continue
        out += shortest_paths(graph, source, target)
    return out


def path_shape(path: Path) -> dict:
    return {
        "Principal": path.source,
        "Target": path.target,
        "Length": len(path.steps),
        "Steps": [
            {"From": s.source, "To": s.target, "Kind": s.kind, "Actions": list(s.actions), "Description": s.detail,
             "MatchedStatements": d.matched_shape(s.statements)}
            for s in path.steps
        ],
    }
