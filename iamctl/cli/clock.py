"""The CLI edge's clock: core code never reads the time, commands pass it in."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from iamctl.core.errors import UsageError

AT_HELP = "Pretend it is this time (ISO 8601, e.g. 2024-05-01T12:00:00Z); default: now."
# The --at option every command that reads the clock takes (to try out expiry, key age, MFA codes).
AT = typer.Option(None, "--at", metavar="TIME", help=AT_HELP)


def now(at: str | None = None) -> datetime:
    """*at* parsed as an aware datetime (UTC when no offset is given), or the current time."""
    if at is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise UsageError(f"--at {at!r} is not an ISO 8601 date and time.") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
