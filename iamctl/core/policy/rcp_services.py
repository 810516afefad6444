"""Which requests resource control policies (RCPs) apply to.

From the AWS Organizations User Guide, "Resource control policies (RCPs)": the section
"List of AWS services that support RCPs" (by service prefix; AWS adds services over time, so
update this set from that page) and "Resources and entities not restricted by RCPs".
"""

from __future__ import annotations

RCP_SERVICES = frozenset({
    "aoss", "appconfig", "appstream", "autoscaling", "autoscaling-plans", "budgets",
    "cloudfront", "clouddirectory", "cloudsearch", "cloudtrail-data", "codeartifact",
    "codebuild", "codecommit", "codepipeline", "cognito-identity", "cognito-idp",
    "comprehend", "comprehendmedical", "compute-optimizer", "cost-optimization-hub", "dax",
    "dsql", "dynamodb", "ecr", "ecr-public", "events", "firehose", "fis", "fms", "gamelift",
    "health", "inspector-scan", "kendra", "kinesisvideo", "kms", "logs", "memorydb",
    "networkmonitor", "notifications", "opensearch", "pca-connector-ad", "personalize",
    "polly", "pricing", "resource-groups", "rolesanywhere", "s3", "secretsmanager",
    "servicediscovery", "signin", "sqs", "sts", "support", "swf", "textract",
    "timestream-influxdb", "transcribe", "transfer", "translate", "wafv2", "workspaces", "xray",
})

# "RCPs do not impact the kms:RetireGrant permission." (lower case: the evaluator's form)
RCP_EXEMPT_ACTIONS = frozenset({"kms:retiregrant"})
