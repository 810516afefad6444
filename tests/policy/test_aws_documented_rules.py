"""Rules and examples from the IAM User Guide, each with the sentence that decides it.

Pages: "AWS JSON policy elements: NotPrincipal", "IAM policy elements: Variables and tags",
"IAM JSON policy elements: Resource". Examples are the guide's own documents (account IDs
and names as the guide writes them).
"""

from __future__ import annotations

import json

from iamctl.core.policy.document import parse_policy
from iamctl.core.policy.evaluate import Decision, PolicySet, Principal, Request, evaluate

BOB_ACCOUNT = "444455556666"
OTHER = "111122223333"  # the account that owns the resources in the NotPrincipal examples
BOB = Principal(f"arn:aws:iam::{BOB_ACCOUNT}:user/Bob", BOB_ACCOUNT, "User")
CARLOS = Principal(f"arn:aws:iam::{BOB_ACCOUNT}:user/Carlos", BOB_ACCOUNT, "User")
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def doc(policy: dict, kind: str = "identity", pid: str = "P") -> object:
    return parse_policy(json.dumps(policy), kind=kind, policy_id=pid)


def ask(
    who: Principal,
    action: str,
    resource: str,
    policies: PolicySet,
    context: dict | None = None,
    resource_account: str | None = None,
) -> Decision:
    return evaluate(Request(who, action, resource, resource_account, context or {}), policies)


def session(account: str, role: str, name: str) -> Principal:
    return Principal(
        f"arn:aws:sts::{account}:assumed-role/{role}/{name}", account, "AssumedRole",
        role_arn=f"arn:aws:iam::{account}:role/{role}",
    )


# ---------------------------------------------------------------- NotPrincipal

BOB_EXAMPLE = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Deny",
        "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"],
    }],
}
GRANT_ACCOUNT = {  # the Allow the guide says is needed beside the example
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"],
}


def bucket_policy(*extra: dict) -> object:
    body = {**BOB_EXAMPLE, "Statement": [*BOB_EXAMPLE["Statement"], *extra]}
    return doc(body, "resource", "BucketPolicy")


def test_notprincipal_deny_spares_only_the_named_user() -> None:
    # "all principals except the user named Bob in AWS account 444455556666 are explicitly
    # denied access to a resource"
    policies = PolicySet([doc(ALLOW_ALL)], resource=bucket_policy(GRANT_ACCOUNT))
    key = "arn:aws:s3:::BUCKETNAME/report"
    assert ask(BOB, "s3:GetObject", key, policies, resource_account=OTHER).decision == "allowed"
    carlos = ask(CARLOS, "s3:GetObject", key, policies, resource_account=OTHER)
    assert carlos.decision == "explicitDeny" and carlos.denied_by == "resource"


def test_notprincipal_deny_alone_grants_nothing() -> None:
    # "This example by itself does not grant access to Bob, it only omits Bob from the list
    # of principals that are explicitly denied."
    policies = PolicySet([doc(ALLOW_ALL)], resource=bucket_policy())
    got = ask(BOB, "s3:GetObject", "arn:aws:s3:::BUCKETNAME/k", policies, resource_account=OTHER)
    assert got.decision == "implicitDeny"


def test_notprincipal_names_one_session_not_every_session_of_the_role() -> None:
    # "all principals except the assumed-role user named cross-account-audit-app in AWS
    # account 444455556666 are explicitly denied access to a resource"
    example = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "NotPrincipal": {"AWS": [
                "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app",
                "arn:aws:iam::444455556666:role/cross-account-read-only-role",
                "arn:aws:iam::444455556666:root",
            ]},
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"],
        }, {**GRANT_ACCOUNT, "Resource": "arn:aws:s3:::Bucket_AccountAudit/*"}],
    }
    policies = PolicySet([doc(ALLOW_ALL)], resource=doc(example, "resource", "AuditBucket"))
    key = "arn:aws:s3:::Bucket_AccountAudit/log"
    audit = session(BOB_ACCOUNT, "cross-account-read-only-role", "cross-account-audit-app")
    other = session(BOB_ACCOUNT, "cross-account-read-only-role", "someone-else")
    assert ask(audit, "s3:GetObject", key, policies, resource_account=OTHER).decision == "allowed"
    assert ask(other, "s3:GetObject", key, policies, resource_account=OTHER).decision == "explicitDeny"


def test_notprincipal_deny_always_denies_a_principal_with_a_permissions_boundary() -> None:
    # "The NotPrincipal element with a Deny effect will always deny any IAM principal that
    # has a permissions boundary policy attached, regardless of the values specified in the
    # NotPrincipal element."
    key = "arn:aws:s3:::BUCKETNAME/report"
    without = PolicySet([doc(ALLOW_ALL)], resource=bucket_policy(GRANT_ACCOUNT))
    with_boundary = PolicySet(
        [doc(ALLOW_ALL)], resource=bucket_policy(GRANT_ACCOUNT), boundary=doc(ALLOW_ALL, "boundary", "B")
    )
    assert ask(BOB, "s3:GetObject", key, without, resource_account=OTHER).decision == "allowed"
    got = ask(BOB, "s3:GetObject", key, with_boundary, resource_account=OTHER)
    assert got.decision == "explicitDeny" and got.denied_by == "resource"
    # A role session whose role has a boundary too, in the resource's own account.
    own = session(OTHER, "auditor", "s1")
    example = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "NotPrincipal": {"AWS": [own.arn, own.role_arn, f"arn:aws:iam::{OTHER}:root"]},
        "Action": "s3:*", "Resource": "*"}]}
    policy = doc(example, "resource", "R")
    assert ask(own, "s3:GetObject", key, PolicySet([doc(ALLOW_ALL)], resource=policy)).decision == "allowed"
    bounded = PolicySet([doc(ALLOW_ALL)], resource=policy, boundary=doc(ALLOW_ALL, "boundary", "B"))
    assert ask(own, "s3:GetObject", key, bounded).decision == "explicitDeny"


def test_notprincipal_must_name_the_account_too() -> None:
    # "When you use NotPrincipal, you must also specify the account ARN of the not-denied
    # principal. Otherwise, the policy might deny access to the entire account containing the
    # principal. ... If an assumed-role user (someone who is using a role) is being evaluated,
    # AWS might validate the account first, then the role, and then the assumed-role user."
    # iamctl follows the "must": without its account (and, for a session, its role) listed,
    # the named principal is denied too.
    key = "arn:aws:s3:::BUCKETNAME/report"

    def bucket(names: list[str]) -> object:
        return doc({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "NotPrincipal": {"AWS": names}, "Action": "s3:*", "Resource": "*"},
            GRANT_ACCOUNT]}, "resource", "BucketPolicy")

    def decide(who: Principal, names: list[str]) -> str:
        policies = PolicySet([doc(ALLOW_ALL)], resource=bucket(names))
        return ask(who, "s3:GetObject", key, policies, resource_account=OTHER).decision

    bob, root = "arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"
    assert decide(BOB, [bob, root]) == "allowed"
    assert decide(BOB, [bob]) == "explicitDeny"
    audit = session(BOB_ACCOUNT, "cross-account-read-only-role", "cross-account-audit-app")
    role = "arn:aws:iam::444455556666:role/cross-account-read-only-role"
    assert decide(audit, [audit.arn, role, root]) == "allowed"
    assert decide(audit, [audit.arn, root]) == "explicitDeny"
    assert decide(audit, [audit.arn, role]) == "explicitDeny"
    # The account alone spares no user of it ("all principals except ...").
    assert decide(BOB, [root]) == "explicitDeny"


# ---------------------------------------------------------------- policy variables

ALICE = Principal("arn:aws:iam::123456789012:user/Alice", "123456789012", "User", user_id="AIDAALICE")
ROLE_SESSION = session("123456789012", "builder", "i-0abc")
HOME_DIRECTORY = {  # "Resource element" example: each user's "home directory" in S3
    "Version": "2012-10-17",
    "Statement": [
        {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
         "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
        {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow",
         "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"]},
    ],
}


def test_username_variable_in_resource_and_condition() -> None:
    # "When this policy is evaluated, IAM replaces the variable ${aws:username} with the
    # friendly name of the actual current user."
    policies = PolicySet([doc(HOME_DIRECTORY)])
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::mybucket/Alice/notes.txt", policies).decision == "allowed"
    assert ask(ALICE, "s3:PutObject", "arn:aws:s3:::mybucket/David/notes.txt", policies).decision == "implicitDeny"
    listing = ask(ALICE, "s3:ListBucket", "arn:aws:s3:::mybucket", policies, {"s3:prefix": "Alice/2024"})
    assert listing.decision == "allowed"
    other = ask(ALICE, "s3:ListBucket", "arn:aws:s3:::mybucket", policies, {"s3:prefix": "David/"})
    assert other.decision == "implicitDeny"


def test_variables_need_version_2012_10_17() -> None:
    # "If you don't include the Version element and set it to an appropriate version date,
    # variables like ${aws:username} are treated as literal strings in the policy."
    old = {k: v for k, v in HOME_DIRECTORY.items() if k != "Version"}
    policies = PolicySet([doc(old)])
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::mybucket/Alice/x", policies).decision == "implicitDeny"
    literal = "arn:aws:s3:::mybucket/${aws:username}/x"
    assert ask(ALICE, "s3:GetObject", literal, policies).decision == "allowed"


def test_access_keys_example() -> None:
    # "IAM substitutes the user name from the current request for the ${aws:username}
    # variable and evaluates the policy."
    example = {"Version": "2012-10-17", "Statement": [{
        "Action": ["iam:*AccessKey*"], "Effect": "Allow",
        "Resource": ["arn:aws:iam::123456789012:user/${aws:username}"]}]}
    policies = PolicySet([doc(example)])
    own = "arn:aws:iam::123456789012:user/Alice"
    assert ask(ALICE, "iam:CreateAccessKey", own, policies).decision == "allowed"
    assert ask(ALICE, "iam:UpdateAccessKey", own, policies).decision == "allowed"
    david = "arn:aws:iam::123456789012:user/David"
    assert ask(ALICE, "iam:CreateAccessKey", david, policies).decision == "implicitDeny"
    assert ask(ALICE, "iam:CreateUser", own, policies).decision == "implicitDeny"


def test_queue_named_for_the_user_in_us_east_2() -> None:
    # "It gives users in that group the ability to create, use, and delete queues that have
    # their names and that are in the us-east-2 Region."
    example = {"Version": "2012-10-17", "Statement": [
        {"Sid": "ListForConsole", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
        {"Sid": "AllQueueActions", "Effect": "Allow", "Action": "sqs:*",
         "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue"}]}
    policies = PolicySet([doc(example)])
    def decide(action: str, queue: str) -> str:
        return ask(ALICE, action, f"arn:aws:sqs:{queue}", policies).decision

    assert decide("sqs:CreateQueue", "us-east-2:123456789012:Alice-queue") == "allowed"
    assert decide("sqs:DeleteQueue", "us-west-2:123456789012:Alice-queue") == "implicitDeny"
    assert decide("sqs:SendMessage", "us-east-2:123456789012:David-queue") == "implicitDeny"
    assert ask(ALICE, "sqs:ListQueues", "*", policies).decision == "allowed"


def test_variables_only_after_the_fifth_colon() -> None:
    # "You can use a policy variable in the Resource element, but only in the resource
    # portion of the ARN. This portion of the ARN appears after the fifth colon (:). You
    # can't use a variable to replace parts of the ARN before the fifth colon, such as the
    # service or account."
    context = {"aws:RequestedRegion": "us-east-1", "aws:PrincipalAccount": "123456789012"}
    for resource in (
        "arn:aws:sqs:${aws:RequestedRegion}:123456789012:jobs",
        "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:jobs",
    ):
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": resource}]}
        policies = PolicySet([doc(policy)])
        real = "arn:aws:sqs:us-east-1:123456789012:jobs"
        assert ask(ALICE, "sqs:SendMessage", real, policies, context).decision == "implicitDeny", resource
    # After the fifth colon, the same variable is replaced.
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:123456789012:${aws:RequestedRegion}"}]}
    queue = "arn:aws:sqs:us-east-1:123456789012:us-east-1"
    got = ask(ALICE, "sqs:SendMessage", queue, PolicySet([doc(policy)]), context)
    assert got.decision == "allowed"


def test_principal_tag_in_resource() -> None:
    # "the following Resource element refers to only a bucket that is named the same as the
    # value in the requesting user's department tag."
    example = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::bucket/${aws:PrincipalTag/department}"]}]}
    policies = PolicySet([doc(example)])
    tagged = {"aws:PrincipalTag/department": "HR"}
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/HR", policies, tagged).decision == "allowed"
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/IT", policies, tagged).decision == "implicitDeny"
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/HR", policies).decision == "implicitDeny"


def test_sns_topic_policy_with_variable_in_condition() -> None:
    # "However this permission is granted only if the URL matches their AWS user name."
    example = {"Version": "2012-10-17", "Statement": [{
        "Principal": {"AWS": "999999999999"}, "Effect": "Allow", "Action": "sns:*",
        "Resource": "arn:aws:sns:us-east-1:123456789012:topic",
        "Condition": {"StringLike": {"sns:endpoint": "https://example.com/${aws:username}/"},
                      "StringEquals": {"sns:Protocol": "https"}}}]}
    policies = PolicySet([doc(ALLOW_ALL)], resource=doc(example, "resource", "TopicPolicy"))
    paul = Principal("arn:aws:iam::999999999999:user/Paul", "999999999999", "User")
    topic = "arn:aws:sns:us-east-1:123456789012:topic"
    ok = {"sns:Endpoint": "https://example.com/Paul/", "sns:Protocol": "https"}
    assert ask(paul, "sns:Subscribe", topic, policies, ok, "123456789012").decision == "allowed"
    wrong = {**ok, "sns:Endpoint": "https://example.com/Mary/"}
    assert ask(paul, "sns:Subscribe", topic, policies, wrong, "123456789012").decision == "implicitDeny"
    http = {**ok, "sns:Protocol": "http"}
    assert ask(paul, "sns:Subscribe", topic, policies, http, "123456789012").decision == "implicitDeny"


def test_resource_tag_cost_center_example() -> None:
    # "If the tag has no value, or has any other value, then the request fails."
    example = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["iam:*user*"], "Resource": "*",
        "Condition": {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}}}]}
    policies = PolicySet([doc(example)])
    user = "arn:aws:iam::123456789012:user/x"
    for tag, expect in (("12345", "allowed"), ("67890", "allowed"), ("11111", "implicitDeny"), (None, "implicitDeny")):
        context = {} if tag is None else {"iam:ResourceTag/costCenter": tag}
        assert ask(ALICE, "iam:TagUser", user, policies, context).decision == expect, tag


def test_missing_variable_fails_the_statement_under_negated_operators() -> None:
    # "not present means that the value is not in the current request information, and any
    # attempt to match it fails and causes the statement to be invalid."
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ec2:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}
    policies = PolicySet([doc(deny)])
    resource = {"aws:ResourceTag/team": "blue"}
    other_team = {**resource, "aws:PrincipalTag/team": "red"}
    assert ask(ALICE, "ec2:StopInstances", "*", policies, other_team).decision == "explicitDeny"
    same_team = {**resource, "aws:PrincipalTag/team": "blue"}
    assert ask(ALICE, "ec2:StopInstances", "*", policies, same_team).decision == "allowed"
    # No team tag on the principal: the Deny statement is invalid, so it does not deny.
    got = ask(ALICE, "ec2:StopInstances", "*", policies, resource)
    assert got.decision == "allowed"
    # An Allow with a negated operator and an unresolvable variable does not allow either.
    for op in ("StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase", "ArnNotEquals", "ArnNotLike",
               "ForAllValues:StringNotEquals", "ForAnyValue:StringNotLike", "StringEquals", "StringLike"):
        allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                 "Condition": {op: {"aws:ResourceTag/team": "x-${aws:PrincipalTag/team}"}}}]}
        got = ask(ALICE, "ec2:StopInstances", "*", PolicySet([doc(allow)]), resource)
        assert got.decision == "implicitDeny", op
        assert "aws:PrincipalTag/team" in got.missing_context, op
    # ... and when the condition key is missing too (a negated operator would otherwise hold).
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}
    assert ask(ALICE, "ec2:StopInstances", "*", PolicySet([doc(allow)])).decision == "implicitDeny"


def test_missing_variable_fails_resource_and_notresource() -> None:
    # The same sentence, in the Resource element: a role session has no aws:username.
    example = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::shared/*", "arn:aws:s3:::home/${aws:username}/*"]}]}
    policies = PolicySet([doc(example)])
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::shared/x", policies).decision == "allowed"
    got = ask(ROLE_SESSION, "s3:GetObject", "arn:aws:s3:::shared/x", policies)
    assert got.decision == "implicitDeny"
    assert got.missing_context == ["aws:username"]
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::home/${aws:username}/*"}]}
    policies = PolicySet([doc(deny)])
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::home/Bob/x", policies).decision == "explicitDeny"
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::home/Alice/x", policies).decision == "allowed"
    assert ask(ROLE_SESSION, "s3:GetObject", "arn:aws:s3:::home/Bob/x", policies).decision == "allowed"


def test_if_exists_still_holds_when_the_condition_key_is_absent() -> None:
    # "To prevent variables from causing invalid statements, use the ...IfExists condition
    # operator."
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
             "Condition": {"StringEqualsIfExists": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}
    assert ask(ALICE, "ec2:StopInstances", "*", PolicySet([doc(allow)])).decision == "allowed"


def test_default_value_and_special_characters() -> None:
    # "To add a default value to a variable, surround the default value with single quotes
    # (' '), and separate the variable text and the default value with a comma and space"
    example = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'none'}/*"}]}
    policies = PolicySet([doc(example)])
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/none/k", policies).decision == "allowed"
    assert ask(ROLE_SESSION, "s3:GetObject", "arn:aws:s3:::bucket/none/k", policies).decision == "allowed"
    tagged = {"aws:PrincipalTag/team": "blue"}
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/blue/k", policies, tagged).decision == "allowed"
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/none/k", policies, tagged).decision == "implicitDeny"
    # "${*} - use where you need an * (asterisk) character."
    star = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::bucket/${*}"}]}
    policies = PolicySet([doc(star)])
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/*", policies).decision == "allowed"
    assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/anything", policies).decision == "implicitDeny"
    # "${?} - use where you need a ? (question mark) character"; "${$} - use where you need a
    # $ (dollar sign) character"
    for special, char in (("${?}", "?"), ("${$}", "$")):
        one = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": f"arn:aws:s3:::bucket/{special}"}]}
        policies = PolicySet([doc(one)])
        assert ask(ALICE, "s3:GetObject", f"arn:aws:s3:::bucket/{char}", policies).decision == "allowed"
        assert ask(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/x", policies).decision == "implicitDeny"


# ---------------------------------------------------------------- wildcards in Resource


def allowed_on(pattern: str, resource: str) -> bool:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": pattern}]}
    return ask(ALICE, "sqs:SendMessage", resource, PolicySet([doc(policy)])).decision == "allowed"


def test_trailing_star_in_an_arn_segment_matches_across_colons() -> None:
    # "If the * wildcard is the last character of a resource ARN segment, it can expand to
    # match beyond the colon boundaries."
    queue = "arn:aws:sqs:us-east-1:111111111111:queue1"
    assert allowed_on("arn:aws:sqs:*", queue)
    assert allowed_on("arn:aws:sqs:us-east-1:111111111111*", queue)
    assert allowed_on("arn:aws:sqs:us-*", queue)
    assert not allowed_on("arn:aws:sqs:*", "arn:aws:sns:us-east-1:111111111111:queue1")
    # A wildcard inside a segment stays inside it.
    assert allowed_on("arn:aws:sqs:us-*-1:111111111111:queue1", queue)
    assert not allowed_on("arn:aws:sqs:us*1:queue1", queue)
    assert not allowed_on("arn:aws:sqs:us-east-?:111111111111*2", queue)


def test_arnlike_still_checks_each_segment_separately() -> None:
    # Condition operators: ArnLike - "Each of the six colon-delimited components of the ARN
    # is checked separately and each can include multi-character match wildcards (*) or
    # single-character match wildcards (?)."
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
              "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*"}}}]}
    policies = PolicySet([doc(policy)])
    context = {"aws:SourceArn": "arn:aws:sqs:us-east-1:111111111111:queue1"}
    assert ask(ALICE, "sns:Publish", "*", policies, context).decision == "implicitDeny"
    policy["Statement"][0]["Condition"] = {"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:*:*"}}
    assert ask(ALICE, "sns:Publish", "*", PolicySet([doc(policy)]), context).decision == "allowed"


def test_resource_page_examples() -> None:
    # "The following example refers to all IAM users whose path is /accounting."
    pattern = "arn:aws:iam::123456789012:user/accounting/*"
    assert allowed_on(pattern, "arn:aws:iam::123456789012:user/accounting/Ana")
    assert allowed_on(pattern, "arn:aws:iam::123456789012:user/accounting/east/Ana")
    assert not allowed_on(pattern, "arn:aws:iam::123456789012:user/marketing/Ana")
    # "The following example refers to all items within a specific Amazon S3 bucket."
    assert allowed_on("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt")
    # The * "can expand to replace everything within a segment, including characters like a
    # forward slash (/)".
    pattern = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"
    assert allowed_on(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/1/test/object.jpg")
    assert allowed_on(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg")
    assert not allowed_on(pattern, "arn:aws:s3:::amzn-s3-demo-bucket/1/prod/object.jpg")
    # "In the Resource element, the IAM user name is case sensitive."
    assert allowed_on("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/Bob")
    assert not allowed_on("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/bob")
    # "Any single character (?)"
    assert allowed_on("arn:aws:sqs:us-east-?:111111111111:queue1", "arn:aws:sqs:us-east-1:111111111111:queue1")
    assert not allowed_on("arn:aws:sqs:us-east-?:111111111111:queue1", "arn:aws:sqs:us-east-12:111111111111:queue1")


# ---------------------------------------------------------------- wildcards in Action


def action_allowed(action_element: str | list[str], action: str) -> bool:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action_element, "Resource": "*"}]}
    return ask(ALICE, action, "*", PolicySet([doc(policy)])).decision == "allowed"


def test_action_page_examples() -> None:
    # "The prefix and the action name are case insensitive. For example, iam:ListAccessKeys
    # is the same as IAM:listaccesskeys."
    assert action_allowed("iam:ListAccessKeys", "IAM:listaccesskeys")
    assert action_allowed("IAM:listaccesskeys", "iam:ListAccessKeys")
    several = ["sqs:SendMessage", "sqs:ReceiveMessage", "ec2:StartInstances", "iam:ChangePassword", "s3:GetObject"]
    for action in several:
        assert action_allowed(several, action)
    assert not action_allowed(several, "sqs:DeleteQueue")
    # "the following Action element applies to all S3 actions."
    assert action_allowed("s3:*", "s3:PutBucketPolicy")
    assert not action_allowed("s3:*", "s3express:CreateSession")
    # "applies to all IAM actions that include the string AccessKey, including
    # CreateAccessKey, DeleteAccessKey, ListAccessKeys, and UpdateAccessKey."
    for action in ("iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"):
        assert action_allowed("iam:*AccessKey*", action)
    assert not action_allowed("iam:*AccessKey*", "iam:CreateUser")
    assert action_allowed("iam:*accesskey*", "iam:CreateAccessKey")
