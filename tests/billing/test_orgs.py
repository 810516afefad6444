"""Organizations, invitations and membership, against AWS's documented rules."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from iamctl.core.billing import ids, orgs
from iamctl.core.billing.errors import OrgError
from iamctl.core.model.billing import BillingData

from .conftest import M1, M2, M3, PAYER, T0


def _code(exc: pytest.ExceptionInfo[OrgError]) -> str:
    return exc.value.code


def test_create_org_ids_and_arns(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, rng=rng)
    assert ids.ORG_ID_RE.fullmatch(org.id)
    assert ids.ROOT_ID_RE.fullmatch(org.root_id)
    assert org.arn == f"arn:aws:organizations::{PAYER}:organization/{org.id}"
    assert org.master_account_arn == f"arn:aws:organizations::{PAYER}:account/{org.id}/{PAYER}"
    assert org.root_arn == f"arn:aws:organizations::{PAYER}:root/{org.id}/{org.root_id}"
    assert list(org.accounts) == [PAYER]
    assert org.scps["FullAWSAccess"].targets == [org.root_id, PAYER]


def test_an_account_is_in_one_org(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    with pytest.raises(OrgError) as exc:
        orgs.create_organization(data, PAYER, T0, rng=rng)
    assert _code(exc) == "AlreadyInOrganizationException"


def test_invite_opens_a_handshake(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, notes="join us", rng=rng)
    assert h.state == "OPEN"
    assert ids.HANDSHAKE_ID_RE.fullmatch(h.id)
    assert h.arn == f"arn:aws:organizations::{PAYER}:handshake/{org.id}/invite/{h.id}"
    assert h.expiration == "2026-03-16T09:00:00+00:00"


def test_accept_joins(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    orgs.accept_handshake(data, M1, h.id, T0 + timedelta(days=1), name="dev")
    assert h.state == "ACCEPTED"
    member = org.accounts[M1]
    assert (member.joined_method, member.parent_id, member.name) == ("INVITED", org.root_id, "dev")
    assert M1 in org.scps["FullAWSAccess"].targets


def test_expires_at_day_15(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    just_before = T0 + timedelta(days=14, hours=23, minutes=59)
    assert orgs.effective_state(h, just_before) == "OPEN"
    assert orgs.effective_state(h, T0 + timedelta(days=15)) == "EXPIRED"
    with pytest.raises(OrgError) as exc:
        orgs.accept_handshake(data, M1, h.id, T0 + timedelta(days=15))
    assert _code(exc) == "InvalidHandshakeTransitionException"
    assert h.state == "EXPIRED"


def test_accept_in_the_last_minute(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    orgs.accept_handshake(data, M1, h.id, T0 + timedelta(days=14, hours=23, minutes=59))
    assert h.state == "ACCEPTED"


def test_decline(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    orgs.decline_handshake(data, M1, h.id, T0)
    assert h.state == "DECLINED"
    assert M1 not in org.accounts
    with pytest.raises(OrgError) as exc:
        orgs.accept_handshake(data, M1, h.id, T0)
    assert _code(exc) == "InvalidHandshakeTransitionException"
    with pytest.raises(OrgError) as exc:
        orgs.decline_handshake(data, M1, h.id, T0)
    assert _code(exc) == "HandshakeAlreadyInStateException"
    # A declined invitation no longer blocks a new one.
    assert orgs.invite_account(data, PAYER, M1, T0, rng=rng).state == "OPEN"


def test_accepting_an_accepted_handshake(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    orgs.accept_handshake(data, M1, h.id, T0)
    with pytest.raises(OrgError) as exc:
        orgs.accept_handshake(data, M1, h.id, T0)
    assert _code(exc) == "HandshakeAlreadyInStateException"
    with pytest.raises(OrgError) as exc:
        orgs.cancel_handshake(data, PAYER, h.id, T0)
    assert _code(exc) == "InvalidHandshakeTransitionException"


def test_only_the_invited_account_answers(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    for fn in (orgs.accept_handshake, orgs.decline_handshake):
        with pytest.raises(OrgError) as exc:
            fn(data, M2, h.id, T0)
        assert _code(exc) == "AccessDeniedException"
    with pytest.raises(OrgError) as exc:
        orgs.cancel_handshake(data, M1, h.id, T0)
    assert _code(exc) == "AccessDeniedException"
    orgs.cancel_handshake(data, PAYER, h.id, T0)
    assert h.state == "CANCELED"


def test_only_the_management_account_invites(org_data: BillingData) -> None:
    with pytest.raises(OrgError) as exc:
        orgs.invite_account(org_data, M1, "555555555555", T0)
    assert _code(exc) == "AccessDeniedException"
    with pytest.raises(OrgError) as exc:
        orgs.invite_account(org_data, "555555555555", "666666666666", T0)
    assert _code(exc) == "AWSOrganizationsNotInUseException"


def test_inviting_a_member_is_refused(org_data: BillingData, rng: random.Random) -> None:
    with pytest.raises(OrgError) as exc:
        orgs.invite_account(org_data, PAYER, M1, T0)
    assert _code(exc) == "HandshakeConstraintViolationException"
    assert exc.value.reason == "ALREADY_IN_AN_ORGANIZATION"
    # ... and so is inviting the management account of another organization.
    orgs.create_organization(org_data, "999999999999", T0, rng=rng)
    with pytest.raises(OrgError) as exc:
        orgs.invite_account(org_data, PAYER, "999999999999", T0)
    assert exc.value.reason == "ALREADY_IN_AN_ORGANIZATION"


def test_duplicate_open_invitation(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    with pytest.raises(OrgError) as exc:
        orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    assert _code(exc) == "DuplicateHandshakeException"
    # Once the first one expired, a new invitation may go out.
    assert orgs.invite_account(data, PAYER, M1, T0 + timedelta(days=15), rng=rng).state == "OPEN"


def test_invited_to_two_orgs_accepts_one(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    orgs.create_organization(data, "999999999999", T0, rng=rng)
    a = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    b = orgs.invite_account(data, "999999999999", M1, T0, rng=rng)
    orgs.accept_handshake(data, M1, a.id, T0)
    with pytest.raises(OrgError) as exc:
        orgs.accept_handshake(data, M1, b.id, T0)
    assert exc.value.reason == "ALREADY_IN_AN_ORGANIZATION"


def test_account_limit_counts_open_invitations(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    for n in range(9):  # the management account plus nine invitations reach the default 10
        orgs.invite_account(data, PAYER, f"5000000000{n:02d}", T0, rng=rng)
    with pytest.raises(OrgError) as exc:
        orgs.invite_account(data, PAYER, "600000000000", T0, rng=rng)
    assert _code(exc) == "HandshakeConstraintViolationException"
    assert exc.value.reason == "ACCOUNT_NUMBER_LIMIT_EXCEEDED"
    with pytest.raises(OrgError) as exc:
        orgs.create_account(data, PAYER, "600000000000", T0, name="new", email="new@example.com")
    assert exc.value.reason == "ACCOUNT_NUMBER_LIMIT_EXCEEDED"
    # A canceled invitation gives its place back.
    first = orgs.list_handshakes(data, PAYER, T0)[0]
    orgs.cancel_handshake(data, PAYER, first.id, T0)
    orgs.invite_account(data, PAYER, "600000000000", T0, rng=rng)


def test_create_account(data: BillingData, rng: random.Random) -> None:
    org = orgs.create_organization(data, PAYER, T0, rng=rng)
    m = orgs.create_account(data, PAYER, M1, T0, name="ops", email="ops@example.com")
    assert (m.joined_method, m.email, m.name) == ("CREATED", "ops@example.com", "ops")
    assert [a.account_id for a in orgs.list_accounts(org)] == [PAYER, M1]
    with pytest.raises(OrgError) as exc:
        orgs.create_account(data, PAYER, M2, T0, name="ops2", email="ops@example.com")
    assert _code(exc) == "DuplicateAccountException"


def test_remove_and_leave(org_data: BillingData) -> None:
    org = orgs.require_org(org_data, PAYER)
    orgs.remove_account(org_data, PAYER, M1, T0 + timedelta(days=1))
    orgs.leave_organization(org_data, M2, T0 + timedelta(days=1))
    assert sorted(org.accounts) == [PAYER, M3]
    assert orgs.org_of(org_data, M1) is None
    assert M1 not in org.scps["FullAWSAccess"].targets
    with pytest.raises(OrgError) as exc:
        orgs.leave_organization(org_data, PAYER, T0)
    assert exc.value.reason == "ACCOUNT_CANNOT_LEAVE_ORGANIZATION"
    with pytest.raises(OrgError) as exc:
        orgs.remove_account(org_data, PAYER, PAYER, T0)
    assert exc.value.reason == "ACCOUNT_CANNOT_LEAVE_ORGANIZATION"
    with pytest.raises(OrgError) as exc:
        orgs.remove_account(org_data, M3, PAYER, T0)
    assert _code(exc) == "AccessDeniedException"


def test_delete_org_only_when_alone(org_data: BillingData) -> None:
    with pytest.raises(OrgError) as exc:
        orgs.delete_organization(org_data, PAYER, T0)
    assert _code(exc) == "OrganizationNotEmptyException"
    for m in (M1, M2, M3):
        orgs.remove_account(org_data, PAYER, m, T0)
    pending = orgs.invite_account(org_data, PAYER, M1, T0)
    orgs.delete_organization(org_data, PAYER, T0)
    assert org_data.organizations == {}
    assert pending.state == "CANCELED"
    # Free again: PAYER may found a new organization.
    orgs.create_organization(org_data, PAYER, T0)


def test_list_handshakes(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    h1 = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    h2 = orgs.invite_account(data, PAYER, M2, T0 + timedelta(seconds=1), rng=rng)
    assert [h.id for h in orgs.list_handshakes(data, PAYER, T0)] == [h1.id, h2.id]
    assert [h.id for h in orgs.list_handshakes(data, M1, T0)] == [h1.id]
    orgs.decline_handshake(data, M1, h1.id, T0)
    # Closed handshakes stay listed for 30 days.
    assert [h.id for h in orgs.list_handshakes(data, M1, T0 + timedelta(days=29))] == [h1.id]
    assert orgs.list_handshakes(data, M1, T0 + timedelta(days=30)) == []


def test_expire_handshakes_writes_the_state(data: BillingData, rng: random.Random) -> None:
    orgs.create_organization(data, PAYER, T0, rng=rng)
    h = orgs.invite_account(data, PAYER, M1, T0, rng=rng)
    assert orgs.expire_handshakes(data, T0 + timedelta(days=14)) == []
    assert orgs.expire_handshakes(data, T0 + timedelta(days=15)) == [h]
    assert (h.state, h.closed) == ("EXPIRED", h.expiration)
