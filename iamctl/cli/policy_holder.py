"""The policy commands users, groups and roles share: attach, detach, inline, boundary.

IAM's API has the same operations for each (AttachUserPolicy, AttachGroupPolicy,
AttachRolePolicy ...); one factory adds them to a noun's app so they cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from iamctl.cli.common import emit, read_account, read_document, write_account
from iamctl.core import shapes
from iamctl.core.model import Account
from iamctl.core.service import policies


@dataclass(frozen=True)
class Holder:
    """What the shared policy commands need to know about users, groups or roles."""

    kind: str  # "user", "group" or "role": the noun, and the word in AWS's messages
    get: Callable[[Account, str], Any]  # the service's lookup (raises NoSuchEntity)
    inline_limit: int  # aggregate size of the entity's inline policies, without whitespace
    example_policy: str  # for the attach-policy example
    boundary: bool  # users and roles have permissions boundaries; groups do not
    example_name: str = "NAME"  # a user, group or role name for the examples


POLICY = typer.Argument(..., metavar="POLICY", help="Managed policy name or ARN (AWS's or your own).")
POLICY_NAME = typer.Argument(..., metavar="POLICY_NAME", help="Inline policy name.")
DOCUMENT = typer.Option(..., "--document", metavar="FILE|-", help="JSON policy document; - reads stdin.")


def add_policy_commands(app: typer.Typer, holder: Holder) -> None:
    kind = holder.kind
    name_arg = typer.Argument(..., metavar=kind.upper(), help=f"{kind.title()} name.")

    def attach_policy(name: str = name_arg, policy: str = POLICY) -> None:
        with write_account() as account:
            policies.attach(account, holder.get(account, name).attached, policy, kind)

    def detach_policy(name: str = name_arg, policy: str = POLICY) -> None:
        with write_account() as account:
            entity = holder.get(account, name)
            policies.detach(account, entity.attached, policy, f"{kind} {entity.name}")

    def put_policy(name: str = name_arg, policy_name: str = POLICY_NAME, document: str = DOCUMENT) -> None:
        text = read_document(document)
        with write_account() as account:
            entity = holder.get(account, name)
            policies.put_inline(entity.inline, policy_name, text, holder.inline_limit, f"{kind} {entity.name}")

    def get_policy(name: str = name_arg, policy_name: str = POLICY_NAME) -> None:
        _, account = read_account()
        entity = holder.get(account, name)
        text = policies.get_inline(entity.inline, policy_name, kind)
        emit({f"{kind.title()}Name": entity.name, "PolicyName": policy_name, "PolicyDocument": json.loads(text)})

    def delete_policy(name: str = name_arg, policy_name: str = POLICY_NAME) -> None:
        with write_account() as account:
            policies.delete_inline(holder.get(account, name).inline, policy_name, kind)

    def list_policies(name: str = name_arg) -> None:
        _, account = read_account()
        entity = holder.get(account, name)
        emit({"PolicyNames": list(entity.inline), "AttachedPolicies": shapes.attached_policies(entity.attached)})

    def set_boundary(name: str = name_arg, policy: str = POLICY) -> None:
        with write_account() as account:
            policies.set_boundary(account, holder.get(account, name), policy)

    def delete_boundary(name: str = name_arg) -> None:
        with write_account() as account:
            policies.delete_boundary(holder.get(account, name), kind)

    noun = f"iamctl {kind}"
    who = holder.example_name
    app.command(
        "attach-policy",
        help=(
            f"Attach a managed policy (at most 10 per {kind}).\n\n"
            f"Example: {noun} attach-policy {who} {holder.example_policy}"
        ),
    )(attach_policy)
    app.command(
        "detach-policy",
        help=f"Detach a managed policy.\n\nExample: {noun} detach-policy {who} {holder.example_policy}",
    )(detach_policy)
    app.command(
        "put-policy",
        help=(
            f"Add or replace an inline policy ({holder.inline_limit:,} characters in all per {kind}, whitespace "
            f"not counted).\n\nExample: {noun} put-policy {who} S3Home --document home.json"
        ),
    )(put_policy)
    app.command(
        "get-policy",
        help=f"Show an inline policy (aws iam get-{kind}-policy).\n\n"
        f"Example: {noun} get-policy {who} S3Home --query PolicyDocument",
    )(get_policy)
    app.command(
        "delete-policy", help=f"Delete an inline policy.\n\nExample: {noun} delete-policy {who} S3Home"
    )(delete_policy)
    app.command(
        "list-policies",
        help=f"A {kind}'s inline policy names and attached managed policies.\n\n"
        f"Example: {noun} list-policies {who} --output json",
    )(list_policies)
    if holder.boundary:
        app.command(
            "set-boundary",
            help=f"Set a managed policy as the {kind}'s permissions boundary.\n\n"
            f"Example: {noun} set-boundary {who} PowerUserAccess",
        )(set_boundary)
        app.command(
            "delete-boundary",
            help=f"Remove the {kind}'s permissions boundary.\n\nExample: {noun} delete-boundary {who}",
        )(delete_boundary)
