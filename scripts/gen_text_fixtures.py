"""Make the fixtures that hold iamctl's --output text to aws-cli's text formatter.

    python scripts/gen_text_fixtures.py [--awscli-python PYTHON]

1. Builds a small store (users with tags and groups, a role with a trust policy, a
   customer policy, keys, a paginated listing) through iamctl itself, into
   tests/output_fixtures/store.toml, and records each command's JSON output.
2. Feeds every JSON document (those, and the hand-written edge cases in CASES) to
   aws-cli's own text formatter (awscli.text.format_text, run in PYTHON, a Python where
   awscli is installed: aws-cli v1 and v2 share the formatter) and writes what it prints
   to tests/output_fixtures/NAME.txt; a paginated listing is formatted page by page with
   a NextToken row, as aws-cli's TextFormatter does.
3. Adds random_corpus.json: CORPUS_SIZE random nested documents (seeded) with aws-cli's
   text for each.

tests/test_aws_text.py then checks that iamctl prints the same bytes, both from the JSON
and end to end from the committed store. Run it again after a change to a response shape.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "output_fixtures"
sys.path.insert(0, str(ROOT))

AT = "2026-03-01T09:00:00Z"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]},
    {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}

# Build steps (their output is not kept), then the commands whose JSON becomes fixtures.
SETUP = [
    ["init", "--account-id", "123456789012", "--alias", "example-corp"],
    ["group", "create", "developers"],
    ["group", "create", "admins", "--path", "/ops/"],
    ["user", "create", "alice", "--path", "/engineering/", "--tag", "team=web", "--tag", "cost-center=42"],
    ["user", "create", "bob"],
    ["user", "create", "carol"],
    ["group", "add-user", "developers", "alice"],
    ["group", "add-user", "admins", "alice"],
    ["user", "attach-policy", "alice", "ReadOnlyAccess"],
    ["policy", "create", "ReportsRead", "--document", "{policy}", "--description", "Read the reports bucket"],
    ["user", "attach-policy", "bob", "ReportsRead"],
    ["role", "create", "web-server", "--trust", "{trust}", "--description", "EC2 web tier"],
    ["key", "create", "alice", "--at", AT],
]
COMMANDS = {
    "user_list": ["user", "list"],
    "user_get": ["user", "get", "alice"],
    "group_get": ["group", "get", "developers"],
    "group_list": ["group", "list"],
    "role_get": ["role", "get", "web-server"],
    "policy_get": ["policy", "get", "ReportsRead"],
    "key_list": ["key", "list"],
    "simulate_principal": ["simulate", "principal", "bob", "--action", "s3:GetObject", "--action",
                           "s3:DeleteObject", "--resource", "arn:aws:s3:::reports/q1.csv", "--at", AT],
    "authorization_details": ["account", "authorization-details"],
    "policy_entities": ["policy", "entities", "ReportsRead"],
}
# Paginated: (command, its result key, page size, max items).
PAGED = {"user_list_paged": (["user", "list", "--page-size", "1", "--max-items", "2"], "Users", 1, 2)}

# Shapes no command prints today but the rules must get right.
CASES = {
    "case_missing_keys": {"Items": [{"A": 1, "B": "x"}, {"B": "y", "C": True}, {"A": None}]},
    "case_scalar_lists": {"Names": ["a", "b"], "Nested": {"Values": [1, 2, 3], "Flag": False}},
    "case_list_of_lists": [["alice", "/"], ["bob", "/eng/"], "loose", ["x"]],
    "case_top_scalar": "just a string",
    "case_top_list": ["a", "b", "c"],
    "case_empty": {"Users": [], "Tags": {}, "Marker": "m"},
    "case_unicode": {"User": {"UserName": "zoë", "Tags": [{"Key": "naïve", "Value": "日本"}]}},
    "case_mixed_column": {"Rows": [{"K": "scalar"}, {"K": ["now", "a", "list"]}]},
}

CORPUS_SIZE = 400
CORPUS_SEED = 14

FORMATTER = r"""
import json, sys
from awscli.text import format_text
job = json.load(sys.stdin)
for page in job["pages"]:
    format_text(page, sys.stdout)
if job.get("next_token"):
    format_text({"NextToken": {"NextToken": job["next_token"]}}, sys.stdout)
"""

# Each document formatted on its own; null where aws-cli's formatter raises.
EACH_FORMATTED = r"""
import io, json, sys
from awscli.text import format_text
texts = []
for document in json.load(sys.stdin):
    out = io.StringIO()
    try:
        format_text(document, out)
        texts.append(out.getvalue())
    except Exception:
        texts.append(None)
json.dump(texts, sys.stdout)
"""


def iamctl(args: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run([sys.executable, "-m", "iamctl", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)
    if proc.returncode not in (0, 1):  # 1: a simulated denial, still an answer
        raise SystemExit(f"iamctl {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def aws_text(python: str, pages: list, next_token: str | None = None) -> str:
    job = json.dumps({"pages": pages, "next_token": next_token})
    proc = subprocess.run([python, "-c", FORMATTER], input=job, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{python} could not run aws-cli's formatter (is awscli installed there? "
                         f"see --awscli-python):\n{proc.stderr}")
    return proc.stdout


def random_document(rng: random.Random, depth: int = 0) -> Any:
    """Nested dicts and lists of the kinds responses hold, with keys shared between list items."""
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice([None, True, False, 0, 12, "x", "a b", "zoë", "", 1.5])
    if roll < 0.7:
        keys = ["A", "b", "C", "Tags", "Key", "Value", "Z"]
        return {rng.choice(keys): random_document(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    size = rng.randint(0, 4)
    kind = rng.random()
    if kind < 0.5:
        return [{rng.choice("ABCD"): random_document(rng, depth + 1) for _ in range(rng.randint(0, 3))}
                for _ in range(size)]
    if kind < 0.75:
        return [random_document(rng, depth + 1) for _ in range(size)]
    return [rng.choice(["s", 1, None]) for _ in range(size)]


def corpus(python: str) -> list[dict]:
    """Random documents with aws-cli's text for each (those aws-cli cannot format, a list
    mixing objects and scalars, are left out)."""
    rng = random.Random(CORPUS_SEED)
    documents = [json.loads(json.dumps(random_document(rng))) for _ in range(2 * CORPUS_SIZE)]
    proc = subprocess.run([python, "-c", EACH_FORMATTED], input=json.dumps(documents), capture_output=True,
                          text=True, check=True)
    texts = json.loads(proc.stdout)
    pairs = [{"json": d, "text": t} for d, t in zip(documents, texts, strict=True) if t is not None]
    return pairs[:CORPUS_SIZE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awscli-python", default=shutil.which("python3") or "python3",
                        help="a Python that can import awscli (default: python3 on PATH)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp)
        (files / "trust.json").write_text(json.dumps(TRUST))
        (files / "policy.json").write_text(json.dumps(POLICY))
        store = OUT / "store.toml"
        store.unlink(missing_ok=True)
        env = {**os.environ, "IAMCTL_STORE": str(store), "XDG_CACHE_HOME": str(files / "cache"),
               "PYTHONPATH": str(ROOT), "IAMCTL_OUTPUT": "json"}
        env.pop("IAMCTL_ACCOUNT", None)
        for step in SETUP:
            iamctl([a.format(trust=files / "trust.json", policy=files / "policy.json") for a in step], env)
        documents = {name: json.loads(iamctl(command, env)) for name, command in COMMANDS.items()}
        store.with_name(store.name + ".lock").unlink(missing_ok=True)
    documents.update(CASES)
    for name, document in documents.items():
        (OUT / f"{name}.json").write_text(json.dumps(document, indent=4, ensure_ascii=False) + "\n")
        (OUT / f"{name}.txt").write_text(aws_text(args.awscli_python, [document]))
    for name, (_command, key, size, most) in PAGED.items():
        every = documents["user_list"][key]
        items = every[:most]
        pages = [{key: items[i:i + size]} for i in range(0, len(items), size)]
        # The token is iamctl's own; what aws-cli contributes is where and how it is printed.
        from iamctl.cli.paging import encode_token

        text = aws_text(args.awscli_python, pages, encode_token(key, most) if most < len(every) else None)
        (OUT / f"{name}.txt").write_text(text)
    (OUT / "random_corpus.json").write_text(json.dumps(corpus(args.awscli_python), ensure_ascii=False) + "\n")
    manifest = {"commands": COMMANDS, "paged": {n: c for n, (c, *_rest) in PAGED.items()}}
    (OUT / "commands.json").write_text(json.dumps(manifest, indent=4) + "\n")
    print(f"wrote {len(documents) + len(PAGED)} fixtures to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
