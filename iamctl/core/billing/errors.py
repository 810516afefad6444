"""AWS Organizations' exceptions, some of which carry a Reason code."""

from __future__ import annotations

from iamctl.core.errors import IamError


class OrgError(IamError):
    """An Organizations exception; *reason* is AWS's Reason field where it has one.

    The reason also goes into the message so the one-line error a user sees names it.
    """

    def __init__(self, code: str, message: str, reason: str | None = None) -> None:
        self.reason = reason
        super().__init__(code, f"{message} (Reason: {reason})" if reason else message)


def handshake_constraint(reason: str, message: str) -> OrgError:
    return OrgError("HandshakeConstraintViolationException", message, reason)


def constraint(reason: str, message: str) -> OrgError:
    return OrgError("ConstraintViolationException", message, reason)


def not_in_use(account_id: str) -> OrgError:
    return OrgError(
        "AWSOrganizationsNotInUseException",
        f"Account {account_id} is not a member of an organization.",
    )


def access_denied(message: str) -> OrgError:
    return OrgError("AccessDeniedException", message)
