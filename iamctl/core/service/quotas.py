"""AWS's default IAM quotas ("IAM and AWS STS quotas" in the IAM User Guide)."""

USERS_PER_ACCOUNT = 5000
GROUPS_PER_ACCOUNT = 300
GROUPS_PER_USER = 10
CUSTOMER_POLICIES_PER_ACCOUNT = 1500
MANAGED_POLICIES_PER_ENTITY = 10
TAGS_PER_ENTITY = 50
VERSIONS_PER_POLICY = 5

# Policy sizes count characters without whitespace.
MANAGED_POLICY_SIZE = 6144
USER_INLINE_SIZE = 2048  # aggregate of a user's inline policies
GROUP_INLINE_SIZE = 5120  # aggregate of a group's inline policies
ROLE_INLINE_SIZE = 10240  # aggregate of a role's inline policies

TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
