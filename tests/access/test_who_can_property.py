"""Property: who-can and simulate never disagree.

For random stores (users with random policies in two accounts, roles an AWS service may
assume, so simulate can name their sessions) and random requests, a principal is in
who-can's answer as "allowed" exactly when ``simulate principal`` allows it, and as
"conditional" exactly when simulate denies it plainly but allows it with who-can's Context.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamctl.core import simulate as sim
from iamctl.core.access.subjects import SESSION_NAME
from iamctl.core.access.who_can import who_can
from iamctl.core.principals import parsed, resolve_principal
from tests.access.helpers import NOW, A, B, doc, role_with, store, user_with

EXAMPLES = int(os.environ.get("IAMCTL_PROPERTY_EXAMPLES", "60"))
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:*", "s3:Get*", "*"]
RESOURCES = ["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::c/k"]
CONDITIONS = [None, {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
              {"StringEquals": {"aws:PrincipalAccount": A}}, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}]

statement = st.fixed_dictionaries({
    "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
    "Action": st.sampled_from(ACTIONS),
    "Resource": st.sampled_from(RESOURCES),
}, optional={"Condition": st.sampled_from(CONDITIONS[1:])})
policy = st.lists(statement, min_size=0, max_size=3)
principal_values = st.sampled_from(["*", f"arn:aws:iam::{A}:root", f"arn:aws:iam::{B}:root"])
resource_statement = st.fixed_dictionaries({
    "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
    "Principal": principal_values.map(lambda p: {"AWS": p}),
    "Action": st.sampled_from(ACTIONS[:3]),
    "Resource": st.sampled_from(RESOURCES[1:]),
})


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    users=st.lists(st.tuples(st.sampled_from([A, B]), policy), min_size=1, max_size=4),
    role_policies=st.lists(policy, max_size=2),
    bucket=st.one_of(st.none(), st.lists(resource_statement, min_size=1, max_size=2)),
    action=st.sampled_from(["s3:GetObject", "s3:PutObject"]),
    resource=st.sampled_from(["arn:aws:s3:::b/k", "arn:aws:s3:::c/k", "arn:aws:s3:::b/other"]),
)
def test_who_can_agrees_with_simulate(users, role_policies, bucket, action, resource):
    data = store()
    names = []
    for n, (account_id, statements) in enumerate(users):
        user_with(data.accounts[account_id], f"u{n}", *statements)
        names.append((account_id, f"arn:aws:iam::{account_id}:user/u{n}"))
    for n, statements in enumerate(role_policies):
        role_with(data, data.accounts[A], f"r{n}", {"Service": "ec2.amazonaws.com"}, *statements)
        names.append((A, f"arn:aws:sts::{A}:assumed-role/r{n}/{SESSION_NAME}"))
    names += [(A, f"arn:aws:iam::{A}:root"), (B, f"arn:aws:iam::{B}:root")]
    resource_policy = parsed(doc(*bucket), "resource", "bucket", "resource") if bucket else None

    results = who_can(data, [action], resource, NOW, resource_policy=resource_policy, resource_account=A)
    answers = {r["Principal"]: r for r in results}
    for account_id, ref in names:
        subject = resolve_principal(data.accounts[account_id], ref, data=data, now=NOW)
        plain = sim.subject_simulation(subject, NOW, None, resource_account=A, resource_policy=resource_policy)
        decided = sim.evaluate_one(plain, action, resource)["EvalDecision"]
        key = ref if ":assumed-role/" not in ref else f"arn:aws:iam::{A}:role/{ref.split('/')[1]}"
        answer = answers.get(key)
        if decided == "allowed":
            assert answer is not None and answer["Decision"] == "allowed", (ref, answer)
        elif answer is None:
            continue
        else:
            assert answer["Decision"] == "conditional", (ref, answer)
            replay = sim.subject_simulation(subject, NOW, answer["Context"], resource_account=A,
                                            resource_policy=resource_policy)
            assert sim.evaluate_one(replay, action, resource)["EvalDecision"] == "allowed"
