"""Input size and cost: documents far beyond IAM's limit are refused before parsing."""

from __future__ import annotations

import json

import pytest

LIMIT = 131_072  # IAM's length constraint on PolicyDocument, in characters (128 KiB)


def too_long(where: str) -> str:
    return (
        "iamctl: ValidationError: 1 validation error detected: Value at 'policyDocument' failed to satisfy "
        f"constraint: Member must have length less than or equal to {LIMIT} ({where} holds more than 131,072 "
        "characters, 128 KiB; nothing was parsed).\n"
    )


def padded(length: int) -> str:
    """A valid policy of exactly *length* characters (the padding is whitespace, which IAM's
    own policy quotas do not count)."""
    doc = json.dumps({"Version": "2012-10-17",
                      "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    return doc + " " * (length - len(doc))


DOCUMENT_OPTIONS = [
    ("policy", "validate", "DOC"),
    ("policy", "create", "P", "--document", "DOC"),
    ("policy", "version", "create", "Base", "--document", "DOC"),
    ("user", "put-policy", "alice", "P", "--document", "DOC"),
    ("group", "put-policy", "devs", "P", "--document", "DOC"),
    ("role", "create", "R2", "--trust", "DOC"),
    ("role", "update-trust", "R", "--trust", "DOC"),
    ("role", "put-policy", "R", "P", "--document", "DOC"),
    ("simulate", "custom", "--policy", "DOC", "--action", "s3:GetObject"),
    ("simulate", "custom", "--policy", "SMALL", "--boundary", "DOC", "--action", "s3:GetObject"),
    ("simulate", "custom", "--policy", "SMALL", "--scp", "DOC", "--action", "s3:GetObject"),
    ("simulate", "custom", "--policy", "SMALL", "--resource-policy", "DOC", "--action", "s3:GetObject"),
    ("simulate", "custom", "--policy", "SMALL", "--session-policy", "DOC", "--action", "s3:GetObject"),
    ("simulate", "principal", "alice", "--action", "s3:GetObject", "--resource-policy", "DOC"),
]


@pytest.fixture
def entities(cli, account, tmp_path):
    small = tmp_path / "small.json"
    small.write_text(padded(200))
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    (tmp_path / "trust.json").write_text(trust)
    for argv in (("user", "create", "alice"), ("group", "create", "devs"),
                 ("policy", "create", "Base", "--document", str(small)),
                 ("role", "create", "R", "--trust", str(tmp_path / "trust.json"))):
        assert cli(*argv).code == 0
    return small


@pytest.mark.parametrize("argv", DOCUMENT_OPTIONS, ids=lambda a: " ".join(a[:2]) + " " + a[-2])
def test_every_document_option_refuses_a_document_beyond_iams_limit(cli, entities, tmp_path, argv):
    big = tmp_path / "big.json"
    big.write_text(padded(LIMIT + 1))
    line = [str(big) if a == "DOC" else str(entities) if a == "SMALL" else a for a in argv]
    before = cli("account", "authorization-details", "--output", "json").out
    result = cli(*line)
    assert (result.code, result.out, result.err) == (3, "", too_long(str(big)))
    assert cli("account", "authorization-details", "--output", "json").out == before


def test_a_document_from_stdin_is_limited_too(cli, entities):
    result = cli("policy", "validate", "-", stdin=padded(14_000_000))
    assert (result.code, result.out, result.err) == (3, "", too_long("stdin"))


def test_a_document_at_the_limit_is_read(cli, entities, tmp_path):
    edge = tmp_path / "edge.json"
    edge.write_text(padded(LIMIT))
    result = cli("policy", "validate", str(edge), "--output", "json")
    assert result.code == 0, result.err
    assert cli("simulate", "custom", "--policy", str(edge), "--action", "s3:GetObject").code == 0


def test_usage_import_and_saml_metadata_are_not_policies(cli, entities, tmp_path):
    # a month of usage can be megabytes of CSV; SAML metadata may be 10,000,000 characters (AWS)
    rows = "".join(f"123456789012,AmazonS3,TimedStorage-ByteHrs,{i},2026-11\n" for i in range(6000))
    csv = tmp_path / "usage.csv"
    csv.write_text("account_id,service,usage_type,quantity,month\n" + rows)
    assert len(csv.read_text()) > LIMIT
    result = cli("billing", "usage", "import", str(csv), "--output", "json", "--query", "length(UsageRecords)")
    assert (result.code, result.out) == (0, "6000\n"), result.err
    metadata = tmp_path / "idp.xml"
    metadata.write_text("<x/>" + " " * LIMIT)
    result = cli("account", "idp", "create-saml", "Idp", "--metadata", str(metadata))
    assert "policyDocument" not in result.err


def test_adding_n_entities_in_one_write_looks_up_each_neighbour_once(cli, account, store_path, tmp_path, monkeypatch):
    """billing usage import adds one block per row: finding where each goes must not scan
    every earlier row (it did: 8,000 rows took 21 s, 100,000 never finished). Counted, not
    timed: the splice asks the text where a block is at most a few times per new block.
    (bench/usage_import_bench.py prints the times.)"""
    from iamctl.core.store import blocks

    calls = {"span": 0}
    original = blocks.SpanFinder.span

    def counting(self, bpath):
        calls["span"] += 1
        return original(self, bpath)

    monkeypatch.setattr(blocks.SpanFinder, "span", counting)
    rows = 3000
    csv = tmp_path / "usage.csv"
    csv.write_text("account_id,service,usage_type,quantity,month\n" + "".join(
        f"123456789012,AmazonS3,TimedStorage-ByteHrs,{i + 1},2026-{1 + i % 12:02d}\n" for i in range(rows)))
    for _ in range(2):  # into an empty collection, then after existing records
        result = cli("billing", "usage", "import", str(csv), "--output", "json", "--query", "length(UsageRecords)")
        assert (result.code, result.out) == (0, f"{rows}\n"), result.err
    assert calls["span"] <= 4 * rows
    import re

    headers = re.findall(r"^\[usage\.(u-\d+)\]$", store_path.read_text(), re.MULTILINE)
    assert headers == [f"u-{n:08d}" for n in range(1, 2 * rows + 1)]  # in the order they were added


def test_a_long_document_of_multibyte_characters_is_too_long_not_undecodable(cli, entities, tmp_path):
    # The file is read only up to 4 bytes a character past the limit; that cut may fall inside
    # a character ("a" then three-byte euro signs), which is no reason to call the file not UTF-8.
    big = tmp_path / "euros.json"
    cut = 4 * (LIMIT + 1)  # bytes read
    for pad in range(3):  # make the cut fall one byte into a euro sign
        statement = {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                     "Condition": {"StringEquals": {"k": "a" * (pad + 1) + "\u20ac" * (2 * LIMIT)}}}
        text = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, ensure_ascii=False)
        if (cut - text.index("\u20ac")) % 3 == 1:
            break
    big.write_bytes(text.encode("utf-8"))
    result = cli("policy", "validate", str(big))
    assert (result.code, result.out, result.err) == (3, "", too_long(str(big)))


def test_a_document_on_stdin_that_is_not_utf_8_is_refused_as_a_file_is(cli, entities, tmp_path):
    # Python keeps stdin's undecodable bytes as lone surrogates; a file with them is refused.
    text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b\udcff"}]}'
    result = cli("policy", "validate", "-", stdin=text)
    assert (result.code, result.out) == (2, "")
    assert result.err == "iamctl: UnreadableFile: Cannot read stdin: not UTF-8 text\n"
