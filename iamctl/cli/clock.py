"""The clock commands read: one function, so tests can stand it still or move it on."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
