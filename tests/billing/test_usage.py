"""Usage records and CSV import (all or nothing, line numbers for every bad row)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from iamctl.core.billing import usage
from iamctl.core.model.billing import BillingData

from .conftest import M1, M2

GOOD = f"""account_id,service,usage_type,quantity,month
{M1},AmazonS3,TimedStorage,30,2026-03
{M2},AmazonS3,TimedStorage,35.5,2026-03
"""


def test_import_good_file(data: BillingData) -> None:
    rows = usage.parse_usage_csv(GOOD)
    added = usage.add_usage(data, rows)
    assert [r.id for r in added] == ["u-00000001", "u-00000002"]
    assert added[1].quantity == Decimal("35.5")
    assert usage.list_usage(data, account_id=M2) == [added[1]]


def test_optional_unit_and_column_order() -> None:
    text = f"month,unit,quantity,usage_type,service,account_id\n2026-03,TB-Mo,1,TimedStorage,AmazonS3,{M1}\n"
    (row,) = usage.parse_usage_csv("\ufeff" + text)
    assert (row.unit, row.quantity, row.account_id) == ("TB-Mo", Decimal(1), M1)


def test_bad_rows_reported_with_line_numbers_and_nothing_imported(data: BillingData) -> None:
    text = (
        GOOD
        + "12345,AmazonS3,TimedStorage,1,2026-03\n"  # line 4
        + "\n"  # line 5: blank, skipped
        + f"{M1},AmazonS3,TimedStorage,-2,2026-13\n"  # line 6: two errors
        + f"{M1},AmazonS3,TimedStorage,1.5\n"  # line 7: short row
        + f'{M1},AmazonS3,"Timed\nStorage",x,2026-03\n'  # lines 8-9: a quoted newline
        + f"{M1},AmazonS3,TimedStorage,1e400000000000,2026-03\n"  # line 10
    )
    with pytest.raises(usage.UsageImportError) as exc:
        usage.add_usage(data, usage.parse_usage_csv(text, "march.csv"))
    lines = [(e.line, e.message) for e in exc.value.errors]
    assert [n for n, _ in lines] == [4, 6, 6, 7, 8, 8, 10]
    assert "is not 12 digits" in lines[0][1]
    assert "must be a finite number, zero or more" in lines[1][1]
    assert "'2026-13' is not YYYY-MM" in lines[2][1]
    assert "4 cells, expected 5" in lines[3][1]
    assert exc.value.message.startswith("march.csv: 7 bad row(s), nothing imported: line 4:")
    assert exc.value.exit_status == 2
    assert data.usage == {}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("account_id,service,usage_type,quantity", "missing column(s): month"),
        ("account_id,service,usage_type,quantity,month,cost", "unknown column(s): cost"),
        ("account_id,service,usage_type,quantity,month,month", "repeated column(s): month"),
    ],
)
def test_header_errors(header: str, message: str) -> None:
    with pytest.raises(usage.UsageImportError) as exc:
        usage.parse_usage_csv(header + "\n")
    assert exc.value.errors[0].line == 1
    assert message in exc.value.errors[0].message


def test_empty_file() -> None:
    with pytest.raises(usage.UsageImportError) as exc:
        usage.parse_usage_csv("")
    assert "empty" in str(exc.value)


def test_known_accounts() -> None:
    with pytest.raises(usage.UsageImportError) as exc:
        usage.parse_usage_csv(GOOD, known_accounts={M1})
    assert [(e.line, e.message) for e in exc.value.errors] == [(3, f"account {M2} is not in the store")]


def test_ids_continue_after_the_highest(data: BillingData) -> None:
    usage.add_usage(data, usage.parse_usage_csv(GOOD))
    del data.usage["u-00000001"]
    (added,) = usage.add_usage(data, usage.parse_usage_csv(GOOD)[:1])
    assert added.id == "u-00000003"
