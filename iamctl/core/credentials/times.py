"""ISO 8601 times as the store and AWS's CLI write them (UTC, whole seconds, +00:00)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """``2026-11-28T16:04:44+00:00``; a naive datetime is refused, not guessed at."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse(text: str) -> datetime:
    """Parse an ISO 8601 time from the store; a naive one is taken as UTC."""
    moment = datetime.fromisoformat(text)  # 3.11 accepts a trailing Z
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
