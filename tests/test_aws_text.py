"""--output text prints what aws-cli's text formatter prints for the same JSON, byte for byte.

The fixtures in tests/output_fixtures were made by scripts/gen_text_fixtures.py: each
NAME.json went through aws-cli's own formatter (awscli.text) into NAME.txt, and the JSON of
the commands came from the committed store.toml, so the commands can be run again here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iamctl.cli import aws_text

FIXTURES = Path(__file__).parent / "output_fixtures"
DOCUMENTS = sorted(p.stem for p in FIXTURES.glob("*.json") if p.with_suffix(".txt").exists())
MANIFEST = json.loads((FIXTURES / "commands.json").read_text())


def _expected(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_same_bytes_as_aws_clis_formatter(name):
    document = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert aws_text.text(document) == _expected(name)


def test_the_fixtures_cover_the_rules():
    assert len(DOCUMENTS) >= 15
    assert "\t\t" in _expected("case_missing_keys")  # a key another element has: an empty field
    assert _expected("case_top_list") == "a\tb\tc\n"
    assert _expected("case_empty") == "m\n"


@pytest.fixture
def fixture_store(store_path):
    shutil.copy(FIXTURES / "store.toml", store_path)
    # The fixture holds secret hashes: as iamctl writes such a store, 0600 (else a warning).
    Path(store_path).chmod(0o600)
    return store_path


@pytest.mark.parametrize("name", sorted(MANIFEST["commands"]))
def test_commands_end_to_end(cli, fixture_store, name):
    argv = MANIFEST["commands"][name]
    as_json = cli(*argv, "--output", "json")
    assert as_json.json() == json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    as_text = cli(*argv, "--output", "text")
    assert as_text.code == as_json.code and as_text.code in (0, 1)  # 1: simulate's "denied"
    assert as_text.out == _expected(name)


@pytest.mark.parametrize("name", sorted(MANIFEST["paged"]))
def test_paginated_text_is_page_by_page_with_a_next_token_row(cli, fixture_store, name):
    result = cli(*MANIFEST["paged"][name], "--output", "text")
    assert (result.code, result.err) == (0, "")
    assert result.out == _expected(name)
    assert result.out.splitlines()[-1].startswith("NEXTTOKEN\t")


def test_random_documents_as_aws_cli_formats_them():
    """400 random nested documents (scripts/gen_text_fixtures.py, seeded) and aws-cli's text."""
    corpus = json.loads((FIXTURES / "random_corpus.json").read_text(encoding="utf-8"))
    assert len(corpus) == 400
    mismatches = [case["json"] for case in corpus if aws_text.text(case["json"]) != case["text"]]
    assert mismatches == []
