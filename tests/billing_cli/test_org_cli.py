"""billing org / invite / handshake / account / accounts / remove / leave, end to end."""

from __future__ import annotations

import re

from .conftest import DATA, DEV, OPS, PAYER, T0


def test_org_create_get_delete(cli, ok, accounts) -> None:
    created = ok("billing", "org", "create", "--at", T0, "--output", "json").json()["Organization"]
    assert re.fullmatch(r"o-[a-z0-9]{10}", created["Id"])
    assert created["Arn"] == f"arn:aws:organizations::{PAYER}:organization/{created['Id']}"
    assert created["MasterAccountId"] == PAYER and created["FeatureSet"] == "ALL"
    assert ok("billing", "org", "get", "--output", "json").json()["Organization"] == created
    root = ok("billing", "org", "roots", "--output", "json").json()["Roots"][0]
    assert re.fullmatch(r"r-[0-9a-z]{4}", root["Id"]) and root["Name"] == "Root"
    again = cli("billing", "org", "create")
    assert again.code == 3 and again.err.startswith("iamctl: AlreadyInOrganizationException: ")
    deleted = ok("billing", "org", "delete")
    assert deleted.out == "" and f"Deleted organization {created['Id']}." in deleted.err
    gone = cli("billing", "org", "get")
    assert gone.code == 3 and "AWSOrganizationsNotInUseException" in gone.err


def test_org_delete_refused_while_members_remain(cli, org) -> None:
    result = cli("billing", "org", "delete")
    assert result.code == 3
    assert result.err.startswith("iamctl: OrganizationNotEmptyException: ") and DEV in result.err
    assert result.out == ""


def test_invite_accept_and_accounts(ok, org) -> None:
    listed = ok("billing", "accounts", "--output", "json").json()["Accounts"]
    assert [a["Id"] for a in listed] == [PAYER, DEV, OPS, DATA]
    dev = listed[1]
    assert dev == {
        "Id": DEV,
        "Arn": f"arn:aws:organizations::{PAYER}:account/{org}/{DEV}",
        "Name": "Dev",
        "Status": "ACTIVE",
        "JoinedMethod": "INVITED",
        "JoinedTimestamp": "2026-03-01T09:00:00+00:00",
    }
    text = ok("billing", "accounts", "--output", "lines").out.splitlines()
    assert text[1].split("\t")[0] == DEV and len(text) == 4


def test_invite_shape_and_handshake_lists(ok, accounts) -> None:
    ok("billing", "org", "create", "--at", T0)
    h = ok("billing", "invite", DEV, "--notes", "Finance pays", "--at", T0, "--output", "json").json()["Handshake"]
    assert re.fullmatch(r"h-[0-9a-z]{10}", h["Id"])
    assert h["State"] == "OPEN" and h["Action"] == "INVITE"
    assert h["RequestedTimestamp"] == "2026-03-01T09:00:00+00:00"
    assert h["ExpirationTimestamp"] == "2026-03-16T09:00:00+00:00"
    assert {"Value": "Finance pays", "Type": "NOTES"} in h["Resources"]
    assert h["Parties"][1] == {"Id": DEV, "Type": "ACCOUNT"}
    payer_view = ok("billing", "handshake", "list", "--at", T0, "--output", "json").json()["Handshakes"]
    dev_view = ok("--account", DEV, "billing", "handshake", "list", "--at", T0, "--output", "json").json()
    assert [x["Id"] for x in payer_view] == [h["Id"]] == [x["Id"] for x in dev_view["Handshakes"]]
    assert ok("--account", OPS, "billing", "handshake", "list", "--at", T0, "--output", "json").json() == {
        "Handshakes": []
    }


def test_expiry_at_day_15(cli, ok, accounts) -> None:
    ok("billing", "org", "create", "--at", T0)
    h = ok("billing", "invite", DEV, "--at", T0, "--output", "json").json()["Handshake"]["Id"]
    # One second before the 15 days are up it is still open ...
    state = ok("billing", "handshake", "list", "--at", "2026-03-16T08:59:59Z", "--output", "json").json()
    assert state["Handshakes"][0]["State"] == "OPEN"
    # ... at day 15 it has expired and can no longer be accepted.
    late = cli("--account", DEV, "billing", "handshake", "accept", h, "--at", "2026-03-16T09:00:00Z")
    assert late.code == 3 and late.out == ""
    assert late.err.startswith("iamctl: InvalidHandshakeTransitionException: ") and "EXPIRED" in late.err
    listed = ok("billing", "handshake", "list", "--at", "2026-03-16T09:00:00Z", "--output", "json").json()
    assert listed["Handshakes"][0]["State"] == "EXPIRED"
    # The expired invitation no longer blocks a new one.
    again = ok("billing", "invite", DEV, "--at", "2026-03-17T00:00:00Z", "--output", "json").json()
    assert again["Handshake"]["State"] == "OPEN"


def test_expiry_is_written_by_the_next_change(ok, accounts, store_path) -> None:
    ok("billing", "org", "create", "--at", T0)
    ok("billing", "invite", DEV, "--at", T0)
    ok("billing", "invite", OPS, "--at", "2026-03-20T00:00:00Z")
    text = store_path.read_text()
    assert 'state = "EXPIRED"' in text and 'state = "OPEN"' in text


def test_decline(cli, ok, accounts) -> None:
    ok("billing", "org", "create", "--at", T0)
    h = ok("billing", "invite", DEV, "--at", T0, "--output", "json").json()["Handshake"]["Id"]
    # Only the invited account may answer.
    other = cli("--account", OPS, "billing", "handshake", "decline", h, "--at", T0)
    assert other.code == 3 and other.err.startswith("iamctl: AccessDeniedException: ")
    declined = ok("--account", DEV, "billing", "handshake", "decline", h, "--at", T0, "--output", "json").json()
    assert declined["Handshake"]["State"] == "DECLINED"
    accept = cli("--account", DEV, "billing", "handshake", "accept", h, "--at", T0)
    assert accept.code == 3 and "InvalidHandshakeTransitionException" in accept.err
    twice = cli("--account", DEV, "billing", "handshake", "decline", h, "--at", T0)
    assert twice.code == 3 and "HandshakeAlreadyInStateException" in twice.err
    assert ok("billing", "accounts", "--output", "json").json()["Accounts"][-1]["Id"] == PAYER


def test_cancel(cli, ok, accounts) -> None:
    ok("billing", "org", "create", "--at", T0)
    h = ok("billing", "invite", DEV, "--at", T0, "--output", "json").json()["Handshake"]["Id"]
    not_payer = cli("--account", DEV, "billing", "handshake", "cancel", h, "--at", T0)
    assert not_payer.code == 3 and "AccessDeniedException" in not_payer.err
    canceled = ok("billing", "handshake", "cancel", h, "--at", T0, "--output", "json").json()
    assert canceled["Handshake"]["State"] == "CANCELED"
    late = cli("--account", DEV, "billing", "handshake", "accept", h, "--at", T0)
    assert late.code == 3 and "InvalidHandshakeTransitionException" in late.err


def test_invite_errors(cli, ok, org) -> None:
    unknown = cli("billing", "invite", "999999999999")
    assert unknown.code == 3 and unknown.out == ""
    assert unknown.err.startswith("iamctl: AccountNotFoundException: ") and "999999999999" in unknown.err
    member = cli("billing", "invite", DEV)
    assert member.code == 3 and member.err.startswith("iamctl: DuplicateAccountException: ")
    not_payer = cli("--account", DEV, "billing", "invite", OPS)
    assert not_payer.code == 3 and "AccessDeniedException" in not_payer.err
    bad = cli("billing", "invite", "12ab")
    assert bad.code == 3 and "AccountNotFoundException" in bad.err


def test_invite_into_another_organization_is_refused(cli, ok, accounts) -> None:
    ok("billing", "org", "create", "--at", T0)
    ok("--account", OPS, "billing", "org", "create", "--at", T0)
    result = cli("billing", "invite", OPS, "--at", T0)
    assert result.code == 3
    assert result.err.startswith("iamctl: HandshakeConstraintViolationException: ")
    assert "ALREADY_IN_AN_ORGANIZATION" in result.err


def test_account_limit_counts_open_invitations(cli, ok, accounts) -> None:
    ok("billing", "org", "create", "--at", T0)
    for n in range(7):
        ok("account", "create", "--account-id", f"55555555555{n}")
    invited = [DEV, OPS, DATA] + [f"55555555555{n}" for n in range(6)]
    for account_id in invited:  # 1 payer + 9 open invitations = the limit of 10
        ok("billing", "invite", account_id, "--at", T0)
    full = cli("billing", "invite", "555555555556", "--at", T0)
    assert full.code == 3 and "ACCOUNT_NUMBER_LIMIT_EXCEEDED" in full.err
    assert full.err.startswith("iamctl: HandshakeConstraintViolationException: ")


def test_account_create(cli, ok, org, store_path) -> None:
    status = ok(
        "billing", "account", "create", "--name", "Research", "--email", "research@example.com", "--at", T0,
        "--output", "json",
    ).json()["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED" and status["AccountName"] == "Research"
    assert re.fullmatch(r"car-[0-9a-f]{32}", status["Id"])
    new_id = status["AccountId"]
    listed = ok("billing", "accounts", "--output", "json").json()["Accounts"]
    (member,) = [a for a in listed if a["Id"] == new_id]
    assert member["Id"] == new_id and member["JoinedMethod"] == "CREATED"
    assert member["Email"] == "research@example.com" and member["Name"] == "Research"
    assert ok("account", "get", new_id, "--output", "json").json()["Account"]["Email"] == "research@example.com"
    # Created accounts let IAM use billing (AWS's default for CreateAccount).
    access = ok("--account", new_id, "billing", "access", "get", "--output", "json").json()
    assert access["IamUserAccessToBilling"] == "ALLOW"
    dup = cli("billing", "account", "create", "--name", "Again", "--email", "research@example.com")
    assert dup.code == 3 and dup.err.startswith("iamctl: DuplicateAccountException: ")
    bad = cli("billing", "account", "create", "--name", "X", "--email", "nope")
    assert bad.code == 3 and "InvalidInputException" in bad.err
    missing = cli("billing", "account", "create", "--name", "X")
    assert missing.code == 2 and "--email" in missing.err


def test_remove_and_leave(cli, ok, org) -> None:
    removed = ok("billing", "remove", DEV, "--at", "2026-04-10T00:00:00Z")
    assert removed.out == "" and f"Removed account {DEV}" in removed.err
    left = ok("--account", OPS, "billing", "leave", "--at", "2026-04-10T00:00:00Z")
    assert f"Account {OPS} left" in left.err
    ids = [a["Id"] for a in ok("billing", "accounts", "--output", "json").json()["Accounts"]]
    assert ids == [PAYER, DATA]
    payer_leaves = cli("billing", "leave")
    assert payer_leaves.code == 3 and "ACCOUNT_CANNOT_LEAVE_ORGANIZATION" in payer_leaves.err
    not_member = cli("billing", "remove", DEV)
    assert not_member.code == 3 and "AccountNotFoundException" in not_member.err
    outsider = cli("--account", DEV, "billing", "leave")
    assert outsider.code == 3 and "AWSOrganizationsNotInUseException" in outsider.err


def test_member_cannot_list_accounts(cli, org) -> None:
    result = cli("--account", DEV, "billing", "accounts")
    assert result.code == 3 and result.err.startswith("iamctl: AccessDeniedException: ")


def test_deleting_a_member_account_is_refused(cli, ok, org) -> None:
    result = cli("account", "delete", DEV, "--force")
    assert result.code == 3 and result.err.startswith("iamctl: DeleteConflict: ") and org in result.err
    ok("billing", "remove", DEV)
    ok("account", "delete", DEV)


def test_bad_time(cli, accounts) -> None:
    result = cli("billing", "org", "create", "--at", "yesterday")
    assert result.code == 2 and result.err.startswith("iamctl: InvalidTime: ")
