"""Credentials found where every AWS tool looks for them, and checked against the store.

Order, as aws-cli's (botocore's) chain: ``--profile NAME`` (a section of the shared
credentials file); else ``AWS_ACCESS_KEY_ID`` with ``AWS_SECRET_ACCESS_KEY`` (and
``AWS_SESSION_TOKEN`` for a session's ASIA... key); else the profile ``AWS_PROFILE`` names,
or ``default``, in the shared credentials file (``AWS_SHARED_CREDENTIALS_FILE``, default
``~/.aws/credentials``: the file ``key create --format credentials-file`` writes to; then
``[profile NAME]`` of ``AWS_CONFIG_FILE``, default ``~/.aws/config``); ``role assume
--output env`` exports the variables. Nothing found is NoCredentials.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from iamctl.core.errors import UsageError

PROFILE = typer.Option(
    None, "--profile", metavar="NAME",
    help="Use this profile's keys from the shared credentials file (env AWS_PROFILE; "
         "file: AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials).",
)


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None
    source: str  # for messages: "environment" or "profile NAME in FILE"


def credentials_file() -> Path:
    return Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser()


def find(profile: str | None = None) -> Credentials:
    """The credentials a command acts as when none are given on its command line."""
    if profile is not None:
        return _from_profile(profile, required=True)
    env = os.environ
    key_id, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if key_id or secret:
        if not (key_id and secret):
            missing = "AWS_SECRET_ACCESS_KEY" if key_id else "AWS_ACCESS_KEY_ID"
            raise UsageError(f"Partial credentials found in env, missing: {missing}", "PartialCredentials")
        return Credentials(key_id, secret, env.get("AWS_SESSION_TOKEN") or None, "environment")
    named = env.get("AWS_PROFILE")
    found = _from_profile(named or "default", required=bool(named))
    if found is None:
        raise UsageError(
            "Unable to locate credentials: give --access-key-id, set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or name a profile of the shared credentials file (--profile, AWS_PROFILE).",
            "NoCredentials",
        )
    return found


def config_file() -> Path:
    return Path(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()


def _from_profile(name: str, *, required: bool) -> Any:
    """The profile's keys: from the credentials file ([NAME]), else, as botocore also reads
    them, from the config file ([profile NAME], or [default])."""
    sources = [(credentials_file(), name), (config_file(), name if name == "default" else f"profile {name}")]
    for path, section_name in sources:
        section = _section(path, section_name)
        if section is not None and ("aws_access_key_id" in section or "aws_secret_access_key" in section):
            return _credentials(section, name, path)
    keyless = next((path for path, section_name in sources if _section(path, section_name) is not None), None)
    if keyless is not None and required:
        # botocore would assume a role or ask SSO here; iamctl has no such chain, so say why.
        raise UsageError(
            f"Unable to locate credentials: profile {name} in {keyless} has no aws_access_key_id; iamctl reads "
            "keys only, not role_arn, credential_process or SSO settings (for a role: eval "
            '"$(iamctl role assume ROLE --session-name NAME --output env)").', "NoCredentials")
    if required:
        raise UsageError(f"The config profile ({name}) could not be found in {sources[0][0]} or {sources[1][0]}",
                         "ProfileNotFound")
    return None


def _section(path: Path, name: str) -> Any:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"Cannot read {path}: {first}", "UnreadableFile") from None
    return parser[name] if parser.has_section(name) else None


def _credentials(section: Any, name: str, path: Path) -> Credentials:
    key_id, secret = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
    if not (key_id and secret):
        missing = "aws_secret_access_key" if key_id else "aws_access_key_id"
        raise UsageError(f"Partial credentials found in profile {name} of {path}, missing: {missing}",
                         "PartialCredentials")
    return Credentials(key_id.strip(), secret.strip(), (section.get("aws_session_token") or "").strip() or None,
                       f"profile {name} in {path}")


def verify(creds: Credentials, now: datetime) -> dict[str, Any]:
    """GetCallerIdentity for *creds*, checked against the store as a signed request would be:
    the key must exist and be active, the secret (and a session's token) must match, a
    session must not have expired. A long-term key's last use is recorded."""
    from iamctl.cli.common import read, write

    if creds.access_key_id.startswith("ASIA"):
        return check(read(), creds, now)
    precheck(creds)
    with write() as data:
        return check(data, creds, now)


def precheck(creds: Credentials) -> None:
    """The scrypt check of a long-term key's secret, made on a read without the store's
    lock and remembered, so that ``check`` under the lock costs no hashing."""
    from iamctl.cli.common import peek

    if creds.access_key_id.startswith("ASIA"):
        return
    from iamctl.core.service import access_keys

    seen = peek()
    if seen is not None:
        access_keys.precheck(seen, creds.access_key_id, creds.secret_access_key)


def check(data: Any, creds: Credentials, now: datetime) -> dict[str, Any]:
    """GetCallerIdentity for *creds* in *data* (see ``verify``); a long-term key's use is
    recorded in *data*, which the caller writes."""
    if creds.access_key_id.startswith("ASIA"):
        from iamctl.core import sts

        identity = sts.get_caller_identity(data, creds.access_key_id, now, session_token=creds.session_token,
                                           secret=creds.secret_access_key)
        return {"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn}
    from iamctl.core.service import access_keys

    return access_keys.caller_identity(data, creds.access_key_id, creds.secret_access_key, now)
