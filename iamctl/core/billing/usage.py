"""Usage records: adding them, listing them, and importing a CSV file.

CSV columns (a header row is required; column order is free):

    account_id,service,usage_type,quantity,month[,unit]
    222222222222,AmazonS3,TimedStorage-ByteHrs,30720,2026-03,GB-Mo

account_id is 12 digits; quantity a non-negative decimal; month YYYY-MM; unit optional
(when given, the invoice checks it against the price list's unit). Import is all or
nothing: every bad row is reported with its line number and no row is kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from iamctl.core.errors import UsageError
from iamctl.core.model.billing import BillingData, UsageRecord

COLUMNS = ("account_id", "service", "usage_type", "quantity", "month")
OPTIONAL_COLUMNS = ("unit",)
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_ACCOUNT_RE = re.compile(r"\d{12}")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}")  # AWS service codes and usage types
MAX_ERRORS_SHOWN = 20
QUANTITY_MAX = 10**15
QUANTITY_PLACES = 10


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line of the file; the header is line 1
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class UsageImportError(UsageError):
    """A CSV with bad rows; ``errors`` lists every one. Nothing was imported."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:MAX_ERRORS_SHOWN])
        more = f"; and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
        super().__init__(
            f"{source}: {len(errors)} bad row(s), nothing imported: {shown}{more}", code="InvalidUsage"
        )


@dataclass(frozen=True)
class Usage:
    """A usage record before it has an ID in the store."""

    account_id: str
    service: str
    usage_type: str
    quantity: Decimal
    month: str
    unit: str | None = None


def check_month(month: str) -> str | None:
    """An error message, or None if *month* is a valid YYYY-MM."""
    m = _MONTH_RE.fullmatch(month)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        return f"month {month!r} is not YYYY-MM"
    return None


def check_usage(
    account_id: str,
    service: str,
    usage_type: str,
    quantity: str | Decimal,
    month: str,
    unit: str | None = None,
    known_accounts: Collection[str] | None = None,
) -> tuple[Usage | None, list[str]]:
    """Validate one record's fields; return it and no errors, or None and every error."""
    errors = []
    if not _ACCOUNT_RE.fullmatch(account_id):
        errors.append(f"account_id {account_id!r} is not 12 digits")
    elif known_accounts is not None and account_id not in known_accounts:
        errors.append(f"account {account_id} is not in the store")
    for label, value in (("service", service), ("usage_type", usage_type)):
        if not _NAME_RE.fullmatch(value):
            errors.append(f"{label} {value!r} is empty or has characters AWS's codes don't use")
    amount: Decimal | None = None
    try:
        amount = quantity if isinstance(quantity, Decimal) else Decimal(quantity.strip())
    except InvalidOperation:
        errors.append(f"quantity {quantity!r} is not a decimal number")
    if amount is not None and (not amount.is_finite() or amount < 0):
        errors.append(f"quantity {quantity!r} must be a finite number, zero or more")
    elif amount is not None and (amount >= QUANTITY_MAX or -amount.as_tuple().exponent > QUANTITY_PLACES):
        # Bounds keep every later sum and product exact in Decimal's default context.
        errors.append(
            f"quantity {quantity!r} is out of range (below {QUANTITY_MAX:,}, at most {QUANTITY_PLACES} decimals)"
        )
    month_error = check_month(month)
    if month_error:
        errors.append(month_error)
    if unit is not None and not unit.strip():
        unit = None  # an empty optional cell means "no unit"
    if errors or amount is None:
        return None, errors
    return Usage(account_id, service, usage_type, amount, month, unit), []


def parse_usage_csv(
    text: str, source: str = "<csv>", known_accounts: Collection[str] | None = None
) -> list[Usage]:
    """Parse a usage CSV; raise UsageImportError with every bad line, or return all rows."""
    text = text.removeprefix("\ufeff")  # spreadsheets like to start with a BOM
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UsageImportError(source, [RowError(1, "the file is empty; expected a header row")]) from None
    except csv.Error as exc:
        raise UsageImportError(source, [RowError(1, f"not CSV: {exc}")]) from None
    names = [h.strip().lower() for h in header]
    errors: list[RowError] = []
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS + OPTIONAL_COLUMNS]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if missing:
        errors.append(RowError(1, f"missing column(s): {', '.join(missing)}"))
    if unknown:
        errors.append(RowError(1, f"unknown column(s): {', '.join(unknown)}"))
    if dupes:
        errors.append(RowError(1, f"repeated column(s): {', '.join(dupes)}"))
    if errors:
        raise UsageImportError(source, errors)
    index = {n: i for i, n in enumerate(names)}
    out: list[Usage] = []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(reader.line_num, f"not CSV: {exc}"))
            break
        start = line + 1
        line = reader.line_num  # a quoted cell may span lines; report where the row began
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            errors.append(RowError(start, f"{len(row)} cells, expected {len(names)}"))
            continue
        cell = {n: row[i].strip() for n, i in index.items()}
        usage, problems = check_usage(
            cell["account_id"], cell["service"], cell["usage_type"], cell["quantity"], cell["month"],
            cell.get("unit"), known_accounts,
        )
        errors.extend(RowError(start, p) for p in problems)
        if usage is not None:
            out.append(usage)
    if errors:
        raise UsageImportError(source, errors)
    return out


def add_usage(data: BillingData, records: Iterable[Usage]) -> list[UsageRecord]:
    """Store records under new IDs (u-00000001, ...), in order; return them."""
    # IDs count up from the highest in use, so they sort in the order records were added
    # and a deleted record's ID is never handed out again while later ones exist.
    used = [int(k[2:]) for k in data.usage if k.startswith("u-") and k[2:].isdigit()]
    n = max(used, default=0)
    added = []
    for r in records:
        n += 1
        rec = UsageRecord(
            id=f"u-{n:08d}", account_id=r.account_id, service=r.service, usage_type=r.usage_type,
            quantity=r.quantity, month=r.month, unit=r.unit,
        )
        data.usage[rec.id] = rec
        added.append(rec)
    return added


def delete_usage(data: BillingData, record_id: str) -> UsageRecord:
    """Remove one record by its ID (u-...), whichever account it belongs to."""
    record = data.usage.pop(record_id, None)
    if record is None:
        from iamctl.core.errors import IamError

        raise IamError(
            "NoSuchEntity", f"The usage record {record_id} cannot be found ('iamctl billing usage list' shows the IDs)."
        )
    return record


def list_usage(
    data: BillingData, *, month: str | None = None, account_id: str | None = None
) -> list[UsageRecord]:
    """Records in a stable order: month, account, service, usage type, then ID."""
    rows = [
        r
        for r in data.usage.values()
        if (month is None or r.month == month) and (account_id is None or r.account_id == account_id)
    ]
    return sorted(rows, key=lambda r: (r.month, r.account_id, r.service, r.usage_type, r.id))
