"""Build the fixtures of `iamctl account import` with the real aws-cli against moto.

How the committed files in tests/data/import/ were made: this script starts moto's server
(``python -m moto.server``) on 127.0.0.1 at a free port, creates an account's IAM with the
real aws-cli (``aws --endpoint-url http://127.0.0.1:PORT iam ...``, dummy credentials,
us-east-1), and writes what these commands print:

- ``moto_cli.json``: ``aws iam get-account-authorization-details`` — aws-cli's form, policy
  documents decoded into JSON objects;
- ``moto_cli_page1.json``, ``moto_cli_page2.json``: the same with ``--max-items 3`` and then
  ``--starting-token`` (aws-cli's client-side pages: the file of each page says NextToken);
- ``moto_raw.json``: the raw API answer, documents as URL-encoded JSON strings, as the IAM
  API returns them and as SDKs without aws-cli's decoding hand them over. botocore (which
  aws-cli runs on) always decodes them, so this one is fetched through botocore with that
  one handler (``json_decode_policies``) unregistered, and filtered to the account's own
  entities and policies (AWS managed ones are then only referenced).

moto, boto3 and awscli are in the system python here, not in iamctl's venv: run
``/root/.pyenv/shims/python3 scripts/gen_import_fixture.py [OUTDIR]``. moto's unique IDs are
not AWS-shaped (lowercase, 21 characters), which is exactly what import must adjust; its
CreateDate values carry microseconds. AWS managed policies exist in moto only when it loads
them, so the script sets MOTO_IAM_LOAD_MANAGED_POLICIES=true for the server. moto has no
PutUserPermissionsBoundary, so only the role has a boundary here (the hand-built files in
tests/data/import cover a user's).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "import"
ACCOUNT = "123456789012"  # moto's default account

S3_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]}],
}
S3_READ_V2 = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]}],
}
S3_READ_V3 = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadAll", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
}
BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*", "cloudwatch:*"], "Resource": "*"}],
}
MFA_INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyWithoutMfa", "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                   "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}],
}
DYNAMO_INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "dynamodb:Scan",
                   "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/UsersLeaderboard"}],
}
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
AUDIT_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "audit-4711"}}}],
}


# moto lists every AWS managed policy it loaded (8 MB); AWS lists those the account uses.
IN_USE = ("{UserDetailList: UserDetailList, GroupDetailList: GroupDetailList, RoleDetailList: RoleDetailList, "
          "Policies: Policies[?!starts_with(Arn, 'arn:aws:iam::aws:') || AttachmentCount > `0` "
          "|| PermissionsBoundaryUsageCount > `0`]}")
# The pages leave AWS managed policies out (import resolves them to the shipped set).
LOCAL = ("User", "Group", "Role", "LocalManagedPolicy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port: int) -> subprocess.Popen:
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("moto server did not start")


class Aws:
    """The real aws-cli against the local endpoint, with dummy credentials."""

    def __init__(self, port: int, tmp: Path) -> None:
        self.endpoint = f"http://127.0.0.1:{port}"
        self.tmp = tmp
        self.env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}

    def __call__(self, *args: str) -> dict:
        proc = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json", "iam", *args],
                              env=self.env, capture_output=True, text=True, check=False)
        if proc.returncode:
            raise SystemExit(f"aws iam {' '.join(args)}: {proc.stderr.strip()}")
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    def doc(self, name: str, document: dict) -> str:
        path = self.tmp / f"{name}.json"
        path.write_text(json.dumps(document, indent=4))
        return f"file://{path}"


def build_account(aws: Aws) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy"
    aws("create-policy", "--policy-name", "S3ReadExampleBucket", "--path", "/app/",
        "--description", "Read the example bucket", "--policy-document", aws.doc("s3", S3_READ))
    aws("create-policy-version", "--policy-arn", f"{arn}/app/S3ReadExampleBucket",
        "--policy-document", aws.doc("s3v2", S3_READ_V2), "--set-as-default")
    aws("create-policy-version", "--policy-arn", f"{arn}/app/S3ReadExampleBucket",
        "--policy-document", aws.doc("s3v3", S3_READ_V3))
    aws("create-policy", "--policy-name", "DeveloperBoundary", "--policy-document", aws.doc("boundary", BOUNDARY))

    aws("create-group", "--group-name", "Developers", "--path", "/eng/")
    aws("attach-group-policy", "--group-name", "Developers", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    aws("put-group-policy", "--group-name", "Developers", "--policy-name", "RequireMfa",
        "--policy-document", aws.doc("mfa", MFA_INLINE))
    aws("create-group", "--group-name", "Admins")
    aws("attach-group-policy", "--group-name", "Admins",
        "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")

    aws("create-user", "--user-name", "alice", "--path", "/eng/",
        "--tags", "Key=team,Value=web", "Key=cost-center,Value=4711")
    aws("add-user-to-group", "--user-name", "alice", "--group-name", "Developers")
    aws("attach-user-policy", "--user-name", "alice", "--policy-arn", f"{arn}/app/S3ReadExampleBucket")
    aws("put-user-policy", "--user-name", "alice", "--policy-name", "Leaderboard",
        "--policy-document", aws.doc("dynamo", DYNAMO_INLINE))
    aws("create-user", "--user-name", "bob")
    aws("add-user-to-group", "--user-name", "bob", "--group-name", "Developers")
    aws("add-user-to-group", "--user-name", "bob", "--group-name", "Admins")
    aws("create-user", "--user-name", "carol", "--path", "/contractors/")

    aws("create-role", "--role-name", "ExampleEC2Role", "--assume-role-policy-document", aws.doc("ec2", EC2_TRUST),
        "--description", "Web servers read the leaderboard", "--max-session-duration", "7200",
        "--tags", "Key=app,Value=leaderboard")
    aws("attach-role-policy", "--role-name", "ExampleEC2Role",
        "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    aws("put-role-policy", "--role-name", "ExampleEC2Role", "--policy-name", "Leaderboard",
        "--policy-document", aws.doc("dynamo", DYNAMO_INLINE))
    aws("put-role-permissions-boundary", "--role-name", "ExampleEC2Role",
        "--permissions-boundary", f"{arn}/DeveloperBoundary")
    aws("create-instance-profile", "--instance-profile-name", "ExampleEC2Profile", "--path", "/web/")
    aws("add-role-to-instance-profile", "--instance-profile-name", "ExampleEC2Profile", "--role-name", "ExampleEC2Role")
    aws("create-role", "--role-name", "Auditor", "--path", "/audit/",
        "--assume-role-policy-document", aws.doc("audit", AUDIT_TRUST))
    aws("attach-role-policy", "--role-name", "Auditor", "--policy-arn", "arn:aws:iam::aws:policy/SecurityAudit")


def raw_details(port: int) -> dict:
    """The API's own answer: botocore without the handler that decodes policy documents."""
    import botocore.session
    from botocore.handlers import json_decode_policies

    session = botocore.session.get_session()
    session.unregister("after-call.iam", json_decode_policies)
    client = session.create_client("iam", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
    answer = client.get_account_authorization_details(Filter=list(LOCAL))
    answer.pop("ResponseMetadata", None)
    return answer


def write(path: Path, data: dict) -> None:
    # botocore turns timestamps into datetimes; written back in ISO 8601, as the API sends them
    path.write_text(json.dumps(data, indent=4, default=lambda d: d.isoformat()) + "\n")
    print(f"wrote {path}")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_moto(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            aws = Aws(port, Path(tmp))
            build_account(aws)
            write(out / "moto_cli.json", aws("get-account-authorization-details", "--query", IN_USE))
            pages = ["get-account-authorization-details", "--filter", *LOCAL, "--max-items", "2"]
            page1 = aws(*pages)
            write(out / "moto_cli_page1.json", page1)
            write(out / "moto_cli_page2.json", aws(*pages, "--starting-token", page1["NextToken"]))
            write(out / "moto_raw.json", raw_details(port))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
