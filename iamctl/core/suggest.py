"""Did you mean ...? Close matches for names a user mistyped, and plain hints.

Shared by the CLI (options, option values, policy names, accounts) and the services
(service principals in trust policies): one way to say it everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

# Service principals trust policies commonly name; "ec2" means "ec2.amazonaws.com".
SERVICE_PRINCIPALS = (
    "apigateway.amazonaws.com", "autoscaling.amazonaws.com", "backup.amazonaws.com",
    "cloudformation.amazonaws.com", "codebuild.amazonaws.com", "codedeploy.amazonaws.com",
    "codepipeline.amazonaws.com", "datasync.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
    "eks.amazonaws.com", "elasticmapreduce.amazonaws.com", "events.amazonaws.com",
    "firehose.amazonaws.com", "glue.amazonaws.com", "lambda.amazonaws.com", "logs.amazonaws.com",
    "monitoring.amazonaws.com", "rds.amazonaws.com", "redshift.amazonaws.com", "s3.amazonaws.com",
    "sagemaker.amazonaws.com", "scheduler.amazonaws.com", "sns.amazonaws.com", "sqs.amazonaws.com",
    "ssm.amazonaws.com", "states.amazonaws.com", "transfer.amazonaws.com",
)
SERVICE_SUFFIX = ".amazonaws.com"


def closest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.75) -> list[str]:
    """Up to *n* candidates close to *word*, best first: one that differs only in case
    when there is one (nothing else is as likely), else difflib's matches, in any case."""
    import difflib

    pool = list(dict.fromkeys(candidates))
    same_case = [c for c in pool if c.lower() == word.lower() and c != word]
    if same_case:
        return same_case[:n]
    by_lower: dict[str, str] = {}
    for c in pool:
        by_lower.setdefault(c.lower(), c)
    near = [by_lower[m] for m in difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=cutoff)]
    return near[:n]


def did_you_mean(word: str, candidates: Iterable[str], quote: str = "") -> str:
    """`` Did you mean X?`` (or ``X or Y``), or "" when nothing is close."""
    found = closest(word, candidates)
    if not found:
        return ""
    return " Did you mean " + " or ".join(f"{quote}{f}{quote}" for f in found) + "?"


def service_principal(name: str) -> str | None:
    """The service principal a short or misspelt service name stands for: ``ec2`` →
    ``ec2.amazonaws.com``; ``lamda.amazonaws.com`` → ``lambda.amazonaws.com``. None when
    *name* is a service principal already, or nothing is close."""
    if name in SERVICE_PRINCIPALS:
        return None
    if "." not in name:
        full = name.lower() + SERVICE_SUFFIX
        if full in SERVICE_PRINCIPALS:
            return full
    found = closest(name, SERVICE_PRINCIPALS, n=1, cutoff=0.8)
    return found[0] if found else None


def check_choice(option: str, value: str, allowed: Iterable[str]) -> str:
    """*value* when it is one of *allowed*, else a usage error (exit 2) naming them.

    Values are matched exactly, as aws-cli and AWS's APIs match enums (``--status
    active`` is refused by IAM); the error suggests the right spelling."""
    allowed = list(allowed)
    if value in allowed:
        return value
    from iamctl.core.errors import UsageError

    hint = did_you_mean(value, allowed, quote="'")
    raise UsageError(f"Invalid value for '{option}': {value!r} is not one of {', '.join(allowed)}.{hint}")
