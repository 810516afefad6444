"""Errors with AWS's error codes, and the exit status each kind maps to.

Core code raises these; the CLI turns them into one line on stderr and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    NO = 1  # a "no" answer: denied, a check failed
    USAGE = 2  # bad option or value
    REFUSED = 3  # refused by IAM's rules (an AWS error code)
    STORE = 4  # store missing, unreadable, corrupt, lock timeout
    OUTPUT_LOST = 74  # stdout closed or failing (EX_IOERR of sysexits.h)
    INTERRUPTED = 130


class IamError(Exception):
    """An error AWS would return, named by its error code (``NoSuchEntity`` ...)."""

    exit_status = ExitStatus.REFUSED

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class StoreError(IamError):
    """The store is missing, unreadable, corrupt, or its lock could not be taken."""

    exit_status = ExitStatus.STORE

    def __init__(self, message: str, code: str = "StoreError") -> None:
        super().__init__(code, message)


class UsageError(IamError):
    """A value the user typed cannot be used (exit 2, like a bad option)."""

    exit_status = ExitStatus.USAGE

    def __init__(self, message: str, code: str = "InvalidArgument") -> None:
        super().__init__(code, message)


# Shorthands for AWS's common codes, so call sites read like the API reference.
def no_such_entity(message: str) -> IamError:
    return IamError("NoSuchEntity", message)


def already_exists(message: str) -> IamError:
    return IamError("EntityAlreadyExists", message)


def delete_conflict(message: str) -> IamError:
    return IamError("DeleteConflict", message)


def limit_exceeded(message: str) -> IamError:
    return IamError("LimitExceeded", message)


def invalid_input(message: str) -> IamError:
    return IamError("InvalidInput", message)


def validation_error(message: str) -> IamError:
    return IamError("ValidationError", message)


def malformed_policy(message: str) -> IamError:
    return IamError("MalformedPolicyDocument", message)
