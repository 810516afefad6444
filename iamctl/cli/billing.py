"""iamctl billing ... — consolidated billing the AWS Organizations way.

The acting account is the global --account (or the store's default): the payer
(management) account for org, invite, accounts, remove, scp, ou and move; the invited
account for handshake accept/decline; a member for leave. Service control policies and
organizational units are in billing_scp.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from iamctl.cli import billing_scp, paging
from iamctl.cli.common import emit, emit_file, info, read_account, write_store_account
from iamctl.cli.confirm import YES, confirm
from iamctl.cli.paging import paginated
from iamctl.core.errors import UsageError

app = typer.Typer(no_args_is_help=True)
org_app = typer.Typer(no_args_is_help=True, help="The organization: create, get, roots, delete.")
handshake_app = typer.Typer(no_args_is_help=True, help="Invitations (handshakes): list, accept, decline, cancel.")
account_app = typer.Typer(no_args_is_help=True, help="Create a new member account.")
usage_app = typer.Typer(no_args_is_help=True, help="Usage records: add, list, import a CSV file.")
access_app = typer.Typer(
    no_args_is_help=True, help='"IAM user and role access to billing information": enable, disable, get.'
)

AT = typer.Option(
    None,
    "--at",
    metavar="ISO-TIME",
    help="Act as of this time (ISO 8601, e.g. 2026-03-16T09:00:00Z; UTC when no offset). Default: now.",
)
PRICES = typer.Option(
    None,
    "--prices",
    metavar="FILE",
    help="Use this price list (TOML, see 'iamctl billing prices --help') instead of the built-in one.",
)
HANDSHAKE = typer.Argument(..., metavar="HANDSHAKE_ID", help="h-... (see 'billing handshake list').")
MEMBER = typer.Argument(..., metavar="ACCOUNT_ID", help="12-digit account ID.")

# --prices given before the command (iamctl billing --prices F invoice ...) lands here.
_group_prices: str | None = None


@app.callback()
def billing(prices: str = PRICES) -> None:
    """Consolidated billing: an organization of accounts, link requests (handshakes), usage,
    one invoice with volume tiers, billing access for IAM, and service control policies.

    The acting account is the global --account (default: the store's default account).
    --prices FILE may be given here or on the commands that price (prices, invoice).

    Example: iamctl billing org create && iamctl billing invite 222222222222 --notes "Dev"
    """
    global _group_prices
    _check_prices(prices)
    _group_prices = prices


def _check_prices(path: str | None) -> None:
    """--prices '' is a mistake (an unset variable, say), not a request for the built-in list."""
    if path is not None and not path.strip():
        raise UsageError("--prices needs a price list file (TOML, see 'iamctl billing prices --help'); "
                         "leave it out for the built-in list.", "InvalidPriceList")


def now_from(at: str | None) -> datetime:
    """--at as an aware datetime (UTC when it names no offset), or the clock."""
    if at is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise UsageError(f"--at {at!r} is not an ISO 8601 time such as 2026-03-16T09:00:00Z.", "InvalidTime") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def price_list(path: str | None):
    from iamctl.core.billing import prices

    _check_prices(path)
    chosen = path or _group_prices
    return prices.load_prices(chosen) if chosen else prices.default_prices()


# --- the organization ----------------------------------------------------------------


@org_app.command("create")
def org_create(
    feature_set: str = typer.Option("ALL", "--feature-set", help="ALL (with SCPs) or CONSOLIDATED_BILLING."),
    at: str = AT,
) -> None:
    """Make the acting account the payer (management) account of a new organization.

    Example: iamctl --account 111111111111 billing org create
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    now = now_from(at)
    with write_store_account() as (data, account):
        org = svc.create_organization(data, account, now, feature_set)
        shape = shapes.organization(org)
    emit({"Organization": shape})


@org_app.command("get")
def org_get() -> None:
    """Describe the acting account's organization (any member may ask).

    Example: iamctl billing org get --query Organization.MasterAccountId
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    data, account = read_account()
    emit({"Organization": shapes.organization(svc.describe_organization(data, account))})


@org_app.command("roots")
def org_roots() -> None:
    """The organization's root (its ID is a target for scp attach and ou create --parent).

    Example: iamctl billing org roots --query 'Roots[0].Id' --output text
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    data, account = read_account()
    emit({"Roots": [shapes.root(svc.managed_org(data, account))]})


@org_app.command("graph")
def org_graph(
    fmt: str = typer.Option("mermaid", "--format", metavar="mermaid|dot", help="Mermaid or Graphviz DOT."),
) -> None:
    """The organization as a picture: payer, root, OUs, linked accounts and their SCPs.

    Any member may ask. The order is stable, so a picture diffs cleanly in review.

    Example: iamctl billing org graph --format dot | dot -Tpng > org.png
    """
    from iamctl.cli.common import emit_file
    from iamctl.core.access import graph as gr
    from iamctl.core.errors import UsageError
    from iamctl.core.service import billing as svc

    if fmt not in ("mermaid", "dot"):
        raise UsageError(f"--format takes mermaid or dot, not {fmt!r}.")
    data, account = read_account()
    org = svc.describe_organization(data, account)
    emit_file(gr.render(gr.org_picture(data, org.id), fmt, org.id))


@org_app.command("delete")
def org_delete(at: str = AT) -> None:
    """Delete the organization; only the payer, and only once no member account remains.

    Example: iamctl billing org delete
    """
    from iamctl.core.service import billing as svc

    now = now_from(at)
    with write_store_account() as (data, account):
        org = svc.delete_organization(data, account, now)
    info(f"Deleted organization {org.id}.")


# --- invitations ---------------------------------------------------------------------


@app.command("invite")
def invite(
    account_id: str = MEMBER,
    notes: str = typer.Option(None, "--notes", help="A message for the invited account (at most 1,024 characters)."),
    at: str = AT,
) -> None:
    """Send a link request (an OPEN handshake that expires after 15 days) to an account.

    The invited account must be an account in the store. Open invitations count against
    the organization's limit of 10 accounts.

    Example: iamctl billing invite 222222222222 --notes "Finance pays from March"
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    now = now_from(at)
    with write_store_account() as (data, account):
        h = svc.invite(data, account, account_id, now, notes)
        shape = shapes.handshake(h, now)
    emit({"Handshake": shape})


@handshake_app.command("list")
@paginated("Handshakes", **paging.ORGANIZATIONS)
def handshake_list(at: str = AT) -> None:
    """The acting account's handshakes: the payer sees its organization's, any other
    account those sent to it. Closed ones drop out 30 days after they closed.

    Example: iamctl --account 222222222222 billing handshake list --output text
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    now = now_from(at)
    data, account = read_account()
    emit({"Handshakes": [shapes.handshake(h, now) for h in svc.list_handshakes(data, account, now)]})


def _answer(kind: str, handshake_id: str, at: str | None) -> None:
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    now = now_from(at)
    with write_store_account() as (data, account):
        h = getattr(svc, kind)(data, account, handshake_id, now)
        shape = shapes.handshake(h, now)
    emit({"Handshake": shape})


@handshake_app.command("accept")
def handshake_accept(handshake_id: str = HANDSHAKE, at: str = AT) -> None:
    """Accept an invitation as the invited account: it joins the organization's root.

    Example: iamctl --account 222222222222 billing handshake accept h-abcdefghij
    """
    _answer("accept", handshake_id, at)


@handshake_app.command("decline")
def handshake_decline(handshake_id: str = HANDSHAKE, at: str = AT) -> None:
    """Decline an invitation as the invited account.

    Example: iamctl --account 222222222222 billing handshake decline h-abcdefghij
    """
    _answer("decline", handshake_id, at)


@handshake_app.command("cancel")
def handshake_cancel(handshake_id: str = HANDSHAKE, at: str = AT) -> None:
    """Cancel an invitation the organization sent (payer only).

    Example: iamctl billing handshake cancel h-abcdefghij
    """
    _answer("cancel", handshake_id, at)


# --- membership ----------------------------------------------------------------------


@account_app.command("create")
def account_create(
    name: str = typer.Option(..., "--name", help="Account name (1 to 50 characters)."),
    email: str = typer.Option(..., "--email", help="The new account's root user email (unique)."),
    iam_access: str = typer.Option(
        "ALLOW",
        "--iam-user-access-to-billing",
        metavar="ALLOW|DENY",
        help="Whether the new account's IAM users and roles may use billing (AWS's default: ALLOW).",
    ),
    at: str = AT,
) -> None:
    """Create a new account in the store that joins the organization at once (JoinedMethod
    CREATED).

    Example: iamctl billing account create --name Research --email research@example.com
    """
    from iamctl.core.service import billing as svc

    now = now_from(at)
    with write_store_account() as (data, account):
        made = svc.create_account(data, account, name, email, now, iam_access)
    emit(
        {
            "CreateAccountStatus": {
                "Id": made.request_id,
                "AccountName": name,
                "State": "SUCCEEDED",
                "RequestedTimestamp": made.requested,
                "CompletedTimestamp": made.requested,
                "AccountId": made.member.account_id,
            }
        }
    )


@app.command("accounts")
@paginated("Accounts", **paging.ORGANIZATIONS)
def accounts_list() -> None:
    """The organization's accounts, payer first (payer only; aws organizations list-accounts).

    Example: iamctl billing accounts --output text
    """
    from iamctl.core.billing import shapes
    from iamctl.core.service import billing as svc

    data, account = read_account()
    emit({"Accounts": [shapes.account(m) for m in svc.list_accounts(data, account)]})


@app.command("remove")
def remove(account_id: str = MEMBER, at: str = AT, yes: bool = YES) -> None:
    """Remove a member account (payer only); it pays its own bills again from then on.

    Example: iamctl billing remove 222222222222
    """
    from iamctl.core.service import billing as svc

    confirm(f"Remove account {account_id} from the organization? It pays its own bills from then on.", yes)
    now = now_from(at)
    with write_store_account() as (data, account):
        svc.remove_account(data, account, account_id, now)
    info(f"Removed account {account_id} from the organization.")


@app.command("leave")
def leave(at: str = AT, yes: bool = YES) -> None:
    """Leave the organization as a member account; it pays its own bills from then on.

    Example: iamctl --account 222222222222 billing leave
    """
    from iamctl.core.service import billing as svc

    confirm("Leave the organization? The account pays its own bills from then on.", yes)
    now = now_from(at)
    with write_store_account() as (data, account):
        svc.leave(data, account, now)
        account_id = account.id
    info(f"Account {account_id} left the organization.")


# --- usage ---------------------------------------------------------------------------


def usage_shape(record: Any) -> dict[str, Any]:
    from iamctl.core.billing.money import plain

    out = {
        "Id": record.id,
        "AccountId": record.account_id,
        "Month": record.month,
        "Service": record.service,
        "UsageType": record.usage_type,
        "Quantity": plain(record.quantity),
    }
    if record.unit:
        out["Unit"] = record.unit
    return out


# 100,000 usage rows are about 9 MB; a file this size is no month of usage.
USAGE_FILE_LIMIT = 64 * 2**20


@usage_app.command("add")
def usage_add(
    service: str = typer.Option(..., "--service", help="AWS's service code: AmazonS3, AmazonEC2, AWSDataTransfer ..."),
    usage_type: str = typer.Option(..., "--usage-type", help="As in the price list, e.g. TimedStorage-ByteHrs."),
    quantity: str = typer.Option(..., "--quantity", help="A decimal number, zero or more."),
    month: str = typer.Option(..., "--month", metavar="YYYY-MM", help="The calendar month."),
    unit: str = typer.Option(None, "--unit", help="Optional; checked against the price list's unit."),
    prices: str = PRICES,
) -> None:
    """Record one month of an account's usage. The account is the global --account (ID or
    alias; default: the store's default account).

    The usage type must have a price in the price list (the built-in one, or --prices
    FILE), so that the invoice can charge it; the error names the priced ones.

    Example: iamctl --account 222222222222 billing usage add --service AmazonS3
    --usage-type TimedStorage-ByteHrs --quantity 30720 --month 2026-03

    Example: iamctl billing usage add --service AmazonEC2 --usage-type BoxUsage:t2.micro --quantity 744
    --month 2026-03
    """
    from iamctl.core.billing.prices import require_price
    from iamctl.core.service import billing as svc

    listed = price_list(prices)
    with write_store_account() as (data, account):
        record = svc.check_usage(data, account.id, service, usage_type, quantity, month, unit)
        require_price(listed, service, usage_type)
        (added,) = svc.add_usage(data, [record])
        shape = usage_shape(added)
    emit({"UsageRecord": shape})


@usage_app.command("list")
def usage_list(month: str = typer.Option(None, "--month", metavar="YYYY-MM", help="Only this month.")) -> None:
    """Usage records by month, account, service and type. With the global --account (or
    IAMCTL_ACCOUNT), only that account's; otherwise every account's.

    Example: iamctl billing usage list --month 2026-03 --output text
    """
    from iamctl.cli.env import current
    from iamctl.core.service import billing as svc

    data, account = read_account()
    only = account.id if current().account_selector() else None
    emit({"UsageRecords": [usage_shape(r) for r in svc.list_usage(data, month, only)]})


@usage_app.command("delete")
def usage_delete(
    record_id: str = typer.Argument(..., metavar="ID", help="The record's ID (u-...), from 'billing usage list'."),
) -> None:
    """Delete one usage record (a typo, a month recorded twice).

    Example: iamctl billing usage delete u-00000003
    """
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, _):
        record = svc.delete_usage(data, record_id)
    info(f"Deleted usage record {record.id} ({record.account_id} {record.service} {record.usage_type} {record.month}).")


USAGE_IMPORT_HELP = """Import usage records from a CSV file (- reads stdin): all rows or none.

\b
Columns (a header row first; any order; names case-insensitive):
  account_id   12 digits; an account in the store
  service      AWS's service code, e.g. AmazonS3
  usage_type   as in the price list, e.g. TimedStorage-ByteHrs
  quantity     decimal, zero or more (never read as a float)
  month        YYYY-MM
  unit         optional; when given, must match the price list's unit

\b
Example file:
  account_id,service,usage_type,quantity,month,unit
  222222222222,AmazonS3,TimedStorage-ByteHrs,30720,2026-03,GB-Mo

Every bad row is reported with its line number (the header is line 1) and nothing is
imported; exit status 2.

Example: iamctl billing usage import march.csv
"""


@usage_app.command("import", help=USAGE_IMPORT_HELP)
def usage_import(path: str = typer.Argument(..., metavar="FILE.csv|-", help="The CSV file; - reads stdin.")) -> None:
    from iamctl.cli.common import read_document
    from iamctl.core.errors import IamError, UsageError
    from iamctl.core.service import billing as svc

    try:  # rows, not a policy: a far larger limit, but one (`/dev/zero` must not read forever)
        text = read_document(path, limit=USAGE_FILE_LIMIT)
    except IamError as exc:
        if exc.code != "ValidationError":
            raise
        where = "stdin" if path == "-" else path
        raise UsageError(f"{where} holds more than {USAGE_FILE_LIMIT:,} characters ({USAGE_FILE_LIMIT // 2**20} MiB, "
                         "about 700,000 usage rows); import it in parts.", "UsageFileTooLarge") from None
    with write_store_account() as (data, _):
        added = svc.import_usage(data, text, "<stdin>" if path == "-" else path)
        shapes = [usage_shape(r) for r in added]
    info(f"Imported {len(shapes)} usage record(s).")
    emit({"UsageRecords": shapes})


# --- prices and the invoice ----------------------------------------------------------


PRICES_HELP = """Show the price list: the built-in one, or --prices FILE.

The built-in list (iamctl/data/prices.toml) holds AWS's us-east-1 on-demand list prices
for S3 Standard storage, data transfer out to the internet and a few EC2 instance types;
its source and date are noted in the file.

\b
Format of a price list file (one [[prices]] table per usage type):
  [[prices]]
  service = "AmazonS3"
  usage_type = "TimedStorage"
  unit = "TB-Mo"
  tiers = [{ up_to = 1, usd = "100" }, { up_to = 50, usd = "80" },
           { up_to = 500, usd = "60" }, { usd = "40" }]

up_to is the cumulative quantity where a tier ends (the last tier has none); usd is the
price per unit, best written as a decimal string.

Example: iamctl billing prices --prices my-prices.toml --output json
"""


@app.command("prices", help=PRICES_HELP)
def prices_(prices: str = PRICES) -> None:
    from iamctl.core.billing.money import plain

    listed = price_list(prices)
    shaped = [
        {
            "Service": p.service,
            "UsageType": p.usage_type,
            "Unit": p.unit,
            "Description": p.description or "",
            "Tiers": [
                {**({"UpTo": plain(t.up_to)} if t.up_to is not None else {}), "USD": plain(t.usd)} for t in p.tiers
            ],
        }
        for p in listed
    ]
    readable = [
        {**{k: v for k, v in row.items() if k != "Tiers"}, "Tiers": _tiers_text(row["Tiers"])} for row in shaped
    ]
    emit({"Source": listed.source, "Prices": shaped}, readable)


def _tiers_text(tiers: list[dict[str, str]]) -> str:
    return "; ".join(f"{t['USD']} up to {t['UpTo']}" if "UpTo" in t else f"{t['USD']} above" for t in tiers)


INVOICE_HELP = """The month's invoice, as the acting account sees it.

The payer sees every account billed with it: each account's line items and subtotal,
with volume tiers applied to the organization's combined usage of each usage type and
each account's share at the blended rate; the total; what the same usage would cost
with every account billed alone; and the saving. A member sees only its own charges on
the organization's bill; an account in no organization (or one that left before the
bill closed) its own bill.

Amounts are exact decimals rounded once, half up, to the cent; line items are split
from the total by largest remainder, so they always add up.

\b
Forms: --output json (Month, PayerAccountId, TotalUSD, WithoutConsolidationUSD,
SavingsUSD, Accounts[AccountId, Name, LineItems, SubtotalUSD]); table or --output lines
(one row per line item, subtotal and total, accounts named by alias); --format csv (line
items with RecordType LineItem, then Total, WithoutConsolidation and Savings rows).

Example: iamctl billing invoice --month 2026-03 --output json
"""


@app.command("invoice", help=INVOICE_HELP)
def invoice_(
    month: str = typer.Option(..., "--month", metavar="YYYY-MM", help="The calendar month."),
    fmt: str = typer.Option("output", "--format", metavar="csv", help="csv: line items as CSV instead of --output."),
    prices: str = PRICES,
    at: str = AT,
) -> None:
    from iamctl.core.billing import invoice
    from iamctl.core.service import billing as svc

    if fmt not in ("output", "csv"):
        raise UsageError(f"--format {fmt!r}: the only format is csv (otherwise use --output).", "InvalidArgument")
    listed = price_list(prices)
    now = now_from(at)
    data, account = read_account()
    bill = svc.invoice_for(data, account, month, listed, now)
    aliases = {a.id: a.alias for a in data.accounts.values() if a.alias}
    if fmt == "csv":
        emit_file(invoice.to_csv(bill, aliases))
        return
    emit(invoice.to_json(bill), _readable_invoice(bill, aliases))


def _readable_invoice(bill: Any, aliases: dict[str, str]) -> list[dict[str, str]]:
    """Rows for table and lines output: line items, each account's subtotal, the totals.
    An account is named by its alias (as the console's bill does), else its name."""
    from iamctl.core.billing.money import plain, usd

    def row(account: str = "", name: str = "", service: str = "", **rest: str) -> dict[str, str]:
        keys = ("UsageType", "Quantity", "Unit", "BlendedRateUSD", "USD")
        return {"AccountId": account, "Name": name, "Service": service, **{k: rest.get(k, "") for k in keys}}

    rows = []
    for a in bill.accounts:
        label = aliases.get(a.account_id) or a.name or ""
        for li in a.line_items:
            rows.append(
                row(
                    a.account_id, label, li.service, UsageType=li.usage_type, Quantity=plain(li.quantity),
                    Unit=li.unit, BlendedRateUSD=plain(li.blended_rate), USD=usd(li.usd),
                )
            )
        rows.append(row(a.account_id, label, "Subtotal", USD=usd(a.subtotal)))
    rows.append(row(f"Total {bill.month}", service="Total", USD=usd(bill.total)))
    rows.append(row(f"Total {bill.month}", service="WithoutConsolidation", USD=usd(bill.without_consolidation)))
    rows.append(row(f"Total {bill.month}", service="Savings", USD=usd(bill.savings)))
    return rows


# --- billing access ------------------------------------------------------------------


def _access_shape(account_id: str, enabled: bool) -> dict[str, Any]:
    return {"AccountId": account_id, "IamUserAccessToBilling": "ALLOW" if enabled else "DENY"}


@access_app.command("enable")
def access_enable() -> None:
    """Let the account's IAM users and roles use billing as their policies allow (e.g. the
    managed policies Billing or AWSBillingReadOnlyAccess). Root user only, as in AWS.

    Example: iamctl billing access enable
    """
    _set_access(True)


@access_app.command("disable")
def access_disable() -> None:
    """Deny billing to the account's IAM users and roles whatever their policies say
    (AdministratorAccess included); the root user is not affected.

    Example: iamctl billing access disable
    """
    _set_access(False)


def _set_access(enabled: bool) -> None:
    from iamctl.core.service import billing as svc

    with write_store_account() as (data, account):
        svc.set_access(data, account, enabled)
        account_id = account.id
    emit(_access_shape(account_id, enabled))


@access_app.command("get")
def access_get() -> None:
    """Show the setting: ALLOW (on) or DENY (off, the default).

    Example: iamctl billing access get --output text
    """
    from iamctl.core.service import billing as svc

    data, account = read_account()
    emit(_access_shape(account.id, svc.get_access(data, account)))


app.add_typer(org_app, name="org")
app.add_typer(handshake_app, name="handshake")
app.add_typer(account_app, name="account")
app.add_typer(usage_app, name="usage")
app.add_typer(access_app, name="access")
billing_scp.add_to(app)


def register(parent: typer.Typer, name: str, help: str) -> None:
    parent.add_typer(app, name=name, help=help)
