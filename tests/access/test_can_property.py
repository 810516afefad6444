"""Property: for sampled actions and resources, simulate principal allows exactly what
access can lists (an allowed grant whose pattern matches the resource, not cut out by an
exception)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamctl.core import simulate as sim
from iamctl.core.access.effective import covers, effective
from iamctl.core.access.subjects import resolve
from iamctl.core.principals import resolve_principal
from iamctl.core.service import policies, users
from tests.access.helpers import NOW, A, doc, store, user_with

EXAMPLES = int(os.environ.get("IAMCTL_PROPERTY_EXAMPLES", "60"))
# Resource patterns that nest (one covers the other, or they are apart), so each allowed
# set of resources is a union of listed patterns: see effective.py on overlapping patterns.
RESOURCES = ["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::c/*"]
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:Get*", "s3:*", "sqs:SendMessage", "*"]
ALLOW_CONDITIONS = [{"StringEquals": {"aws:PrincipalAccount": A}}, {"StringEquals": {"aws:username": "nobody"}}]
statement = st.builds(
    lambda effect, action, resources, cond: {
        "Effect": effect, "Action": action, "Resource": resources,
        **({"Condition": cond} if cond and effect == "Allow" else {}),
    },
    st.sampled_from(["Allow", "Allow", "Deny"]), st.sampled_from(ACTIONS),
    st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True),
    st.one_of(st.none(), st.sampled_from(ALLOW_CONDITIONS)),
)
SAMPLE_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:GetBucketPolicy", "sqs:SendMessage", "ec2:RunInstances"]
SAMPLE_RESOURCES = ["arn:aws:s3:::b/k", "arn:aws:s3:::b/x", "arn:aws:s3:::c/k", "arn:aws:s3:::d/k"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    identity=st.lists(statement, min_size=1, max_size=4),
    boundary=st.one_of(st.none(), st.lists(statement, min_size=1, max_size=2)),
)
def test_can_lists_exactly_what_simulate_allows(identity, boundary):
    data = store()
    account = data.accounts[A]
    user_with(account, "alice", *identity)
    if boundary is not None:
        policies.create_policy(account, "B", doc(*boundary))
        users.set_boundary(account, "alice", f"arn:aws:iam::{A}:policy/B")
    grants = {g.action: g for g in effective(data, resolve(data, account, "alice", NOW))}
    simulation = sim.subject_simulation(resolve_principal(account, "alice", data=data, now=NOW), NOW, None)
    for action in SAMPLE_ACTIONS:
        for resource in SAMPLE_RESOURCES:
            decided = sim.evaluate_one(simulation, action, resource)["EvalDecision"]
            grant = grants.get(action)
            listed = (
                grant is not None and grant.decision == "allowed"
                and any(covers(p, resource) for p in grant.resources)
                and not any(not block and any(covers(r, resource) for r in rs) for rs, block in grant.excepted)
            )
            assert listed == (decided == "allowed"), (action, resource, decided, grant)
