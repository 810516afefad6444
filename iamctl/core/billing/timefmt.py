"""ISO 8601 times as the store keeps them. Callers pass *now*; nothing here reads a clock."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """UTC, whole seconds, +00:00 — the form the rest of iamctl writes."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
