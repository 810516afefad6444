"""No secret, password or hash in any output after creation; none in clear in the store;
the store file is 0600; hand edits that break credential rules are caught."""

from __future__ import annotations

import os
import re
import stat

from tests.credentials_cli.conftest import totp

PASSWORD = "Corr3ct-Horse!"
CHANGED = "N3w-Password!!"


def test_no_secret_in_any_output_after_creation(iam, cli, alice, clock, store_path) -> None:
    outputs: list[str] = []

    def run(*argv: str, stdin: str = "", output: str = "json"):
        r = iam(*argv, stdin=stdin, output=output)
        outputs.append(r.out + r.err)
        return r

    created = iam("key", "create", "alice").json()["AccessKey"]  # creation: the one time it shows
    secret, key_id = created["SecretAccessKey"], created["AccessKeyId"]
    generated = iam("user", "password", "set", "alice", "--generate").json()["Password"]
    seed = iam("user", "mfa", "create", "alice").json()["VirtualMFADevice"]["Base32StringSeed"]
    root_secret = iam("account", "root", "key", "create").json()["AccessKey"]["SecretAccessKey"]
    iam("account", "root", "password", "set", "--password-stdin", stdin="R00t-Password!\n")

    run("user", "password", "set", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    run("account", "password-policy", "set", "--allow-users-to-change")
    run("user", "password", "change", "alice", "--password-stdin", stdin=f"{PASSWORD}\n{CHANGED}\n")
    run("user", "mfa", "enable", "alice", "--code1", totp(seed, clock.now), "--code2",
        totp(seed, clock.now, step_offset=1))
    clock.advance(minutes=1)
    run("user", "login", "alice", "--password-stdin", "--mfa-code", totp(seed, clock.now), stdin=CHANGED + "\n")
    run("whoami", "--access-key-id", key_id, "--secret-stdin", stdin=secret + "\n")
    for fmt in ("json", "text", "table"):
        for argv in (("key", "list"), ("key", "last-used", key_id), ("user", "get", "alice"), ("user", "list"),
                     ("user", "password", "get", "alice"), ("user", "mfa", "list"), ("account", "get"),
                     ("account", "root", "key", "list"), ("account", "root", "mfa", "list"),
                     ("account", "summary"), ("account", "status"), ("account", "credential-report"),
                     ("account", "password-policy", "get"), ("account", "list")):
            run(*argv, output=fmt)
    run("user", "delete", "alice", "--force")

    text = store_path.read_text()
    hashes = re.findall(r"scrypt\$[^\"]+", text)
    assert hashes  # the store holds hashes (of the root password, the root key ...)
    everything = "\n".join(outputs)
    for forbidden in [secret, root_secret, generated, PASSWORD, CHANGED, seed, "R00t-Password!", "scrypt$", *hashes]:
        assert forbidden not in everything


def test_store_has_no_plaintext_and_is_0600(iam, alice, clock, store_path) -> None:
    created = iam("key", "create", "alice").json()["AccessKey"]
    generated = iam("user", "password", "set", "alice", "--generate").json()["Password"]
    iam("account", "root", "password", "set", "--password-stdin", stdin="R00t-Password!\n")
    text = store_path.read_text()
    for plain in (created["SecretAccessKey"], generated, "R00t-Password!"):
        assert plain not in text
    assert created["AccessKeyId"] in text
    assert re.search(r"secret_hash = \"scrypt\$16384\$8\$1\$", text)
    assert stat.S_IMODE(os.stat(store_path).st_mode) == 0o600


def test_hand_edited_duplicate_key_id_is_a_store_error(iam, alice, store_path) -> None:
    key_id = iam("key", "create", "alice").json()["AccessKey"]["AccessKeyId"]
    iam("user", "create", "bob")
    text = store_path.read_text()
    block = text[text.index(f"[accounts.123456789012.users.alice.access_keys.{key_id}]"):]
    block = block[: block.index("\n\n") + 1] if "\n\n" in block else block
    store_path.write_text(text + "\n" + block.replace(".alice.", ".bob."))
    r = iam("user", "list")
    assert r.code == 4
    assert f"has access key {key_id}, which user alice (account 123456789012) has too" in r.err


def test_hand_edited_duplicate_alias_is_a_store_error(iam, store_path) -> None:
    iam("account", "create", "--account-id", "210987654321", "--alias", "dev")
    store_path.write_text(store_path.read_text().replace('alias = "dev"', 'alias = "example-corp"'))
    r = iam("account", "list")
    assert r.code == 4 and "alias example-corp" in r.err
