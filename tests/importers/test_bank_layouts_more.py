"""More bank layouts (Revolut, Wise, Chase UK, Metro Bank, Co-operative Bank) on fictional
sample files, and dates written with their time ("2026-06-03 10:44:18") in layouts, in the
header guess and in custom column maps. All people, shops and amounts are made up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.importers.bank_csv import (
    COMMON_DATE_FORMATS,
    BankFormat,
    ColumnMap,
    StatementFileError,
    detect_format,
    format_to_toml,
    formats_dir,
    load_format,
    load_formats,
    parse_date,
    read_csv,
    read_statement,
    save_user_format,
    sniff_csv,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "statements"


def d(text: str) -> date:
    return date.fromisoformat(text)


#: Each sample: the layout it is read with, and every line as (day, amount, balance, type code),
#: oldest first.
EXPECTED = {
    "revolut.csv": dict(
        key="revolut",
        bank="Revolut",
        header_line=1,
        period=(d("2026-06-01"), d("2026-06-06")),
        rows=[
            ("2026-06-01", "250.00", "262.40", "TOPUP"),
            # Started on 2 June, completed "2026-06-03 6:11:59": the day is the completed date.
            ("2026-06-03", "-4.20", "258.20", "DEB"),
            ("2026-06-03", "-40.00", "218.20", "TRANSFER"),
            ("2026-06-06", "-20.00", "198.20", "ATM"),
        ],
    ),
    "wise.csv": dict(  # newest first in the file, CRLF line ends, every cell quoted
        key="wise",
        bank="Wise",
        header_line=1,
        period=(d("2026-06-02"), d("2026-06-12")),
        rows=[
            ("2026-06-02", "600.00", "750.00", ""),
            ("2026-06-08", "-300.00", "450.00", ""),
            ("2026-06-12", "-12.50", "437.50", ""),
        ],
    ),
    "chase_uk.csv": dict(  # a title line above the header
        key="chase_uk",
        bank="Chase",
        header_line=2,
        period=(d("2026-06-02"), d("2026-06-15")),
        rows=[
            ("2026-06-02", "120.00", "320.00", "PAYMENT"),
            ("2026-06-04", "-3.10", "316.90", "PURCHASE"),
            ("2026-06-15", "-98.00", "218.90", "DD"),
        ],
    ),
    "metro.csv": dict(  # "0.00" in the money column a line does not use
        key="metro",
        bank="Metro Bank",
        header_line=1,
        period=(d("2026-06-01"), d("2026-06-09")),
        rows=[
            ("2026-06-01", "120.00", "920.00", "FASTER PAYMENT"),
            ("2026-06-02", "-725.00", "195.00", "SO"),
            ("2026-06-09", "-2.95", "192.05", "CARD PURCHASE"),
        ],
    ),
    "coop.csv": dict(  # an overdrawn balance written "8.00 DR"
        key="coop",
        bank="Co-operative Bank",
        header_line=1,
        period=(d("2026-06-03"), d("2026-06-10")),
        rows=[
            ("2026-06-03", "-98.00", "52.00", ""),
            ("2026-06-05", "640.00", "692.00", ""),
            ("2026-06-10", "-700.00", "-8.00", ""),
        ],
    ),
}
NEW_KEYS = {w["key"] for w in EXPECTED.values()}


@pytest.fixture(scope="module")
def formats() -> list[BankFormat]:
    return load_formats()


# --- the five layouts ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_new_sample_is_recognised_and_read_to_its_dates_amounts_and_balances(name, formats):
    want = EXPECTED[name]
    statement = read_statement(DATA / name, formats)
    assert statement.format_key == want["key"]
    assert statement.bank == want["bank"]
    assert statement.period == want["period"]
    got = [
        (
            r.on.isoformat(),
            str(r.amount),
            None if r.balance is None else str(r.balance),
            r.type_code,
        )
        for r in statement.rows
    ]
    assert got == want["rows"]
    assert all(type(r.amount) is Decimal for r in statement.rows)
    for before, row in zip(statement.rows, statement.rows[1:], strict=False):
        assert before.balance + row.amount == row.balance, (name, row.line)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_new_sample_is_detected_when_sniffed_for_the_column_chooser(name, formats):
    preview = sniff_csv(DATA / name, formats)
    assert preview.detected is not None and preview.detected.key == EXPECTED[name]["key"]
    assert preview.header_line == EXPECTED[name]["header_line"]
    assert preview.encoding == "utf-8"


def test_descriptions_of_the_new_layouts_join_their_cells():
    wise = [r.description for r in read_statement(DATA / "wise.csv").rows]
    assert wise[0] == "Received money from Kofi Example / GIFT"  # with the payment reference
    assert wise[1] == "Sent money to Hollybank Lettings / RENT JUNE"
    revolut = [r.description for r in read_statement(DATA / "revolut.csv").rows]
    assert revolut[0] == "Payment from Elif Fictitious"


def test_each_new_layout_says_where_it_comes_from_and_that_it_is_not_checked(formats):
    for key in sorted(NEW_KEYS):
        fmt = load_format(formats_dir() / f"{key}.toml")
        assert fmt.verified is False, key  # no real download's header was seen
        assert len(fmt.source) > 200, key
        assert "Not checked against" in fmt.note, key
    for key in ("revolut", "wise", "metro"):  # a public repository and file each
        assert "github.com/" in load_format(formats_dir() / f"{key}.toml").source, key
    assert "No public description" in load_format(formats_dir() / "coop.toml").source
    assert "do not agree" in load_format(formats_dir() / "chase_uk.toml").source


def test_each_new_layout_is_the_only_one_its_header_matches(formats):
    for key in sorted(NEW_KEYS):
        fmt = next(f for f in formats if f.key == key)
        assert [f.key for f in formats if detect_format(fmt.header, [f])] == [key]
        assert detect_format(fmt.header[:-1], formats) is None, key
        wider = [*fmt.header, "Category", "Notes"]  # a longer version of the download
        assert detect_format(wider, formats) is fmt, key


def test_a_longer_wise_download_with_card_and_fee_columns_is_still_wise(tmp_path, formats):
    text = (
        '"TransferWise ID","Date","Amount","Currency","Description","Payment Reference",'
        '"Running Balance","Exchange From","Exchange To","Exchange Rate","Payer Name",'
        '"Payee Name","Payee Account Number","Merchant","Card Last Four Digits",'
        '"Card Holder Full Name","Attachment","Note","Total fees","Exchange To Amount"\n'
        '"CARD-9","30-06-2026","-5.00","GBP","Card transaction of 5.00 GBP issued by Bus",'
        '"","95.00","","","","","","","Bus","4821","E Fictitious","","","0.00",""\n'
    )
    path = tmp_path / "wise_long.csv"
    path.write_text(text, encoding="utf-8")
    statement = read_statement(path, formats)
    assert statement.format_key == "wise"
    assert [(r.on, r.amount, r.balance) for r in statement.rows] == [
        (d("2026-06-30"), Decimal("-5.00"), Decimal("95.00"))
    ]


# --- dates with a time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2026-06-03 10:44:18", "2026-06-03T10:44:18", "03/06/2026 10:44", "2026-06-03 6:11:59"],
)
def test_a_date_with_its_time_reads_as_its_day_in_the_common_formats(text):
    assert parse_date(text, COMMON_DATE_FORMATS) == d("2026-06-03")


def test_a_layout_with_a_date_time_format_reads_the_day_and_names_a_bad_one(tmp_path):
    columns = ColumnMap(
        date="Booked",
        description=("Payee",),
        amount="Value",
        date_formats=("%Y-%m-%dT%H:%M:%S",),
    )
    path = tmp_path / "pay.csv"
    path.write_text(
        "Booked,Payee,Value\n"
        "2026-06-03T23:59:59,Night bus,-2.00\n"
        "2026-06-04T00:00:01,Corner shop,-1.10\n",
        encoding="utf-8",
    )
    rows = read_csv(path, columns=columns).rows
    assert [(r.on, r.amount) for r in rows] == [
        (d("2026-06-03"), Decimal("-2.00")),
        (d("2026-06-04"), Decimal("-1.10")),
    ]
    path.write_text("Booked,Payee,Value\n2026-06-31T10:00:00,Night bus,-2.00\n", encoding="utf-8")
    with pytest.raises(StatementFileError) as caught:
        read_csv(path, columns=columns)
    assert str(caught.value) == (
        "pay.csv, line 2, column 'Booked': '2026-06-31T10:00:00' is not a date "
        "(expected like 2025-06-13T10:44:18)"
    )


def test_a_date_time_format_survives_saving_and_loading_a_layout(tmp_path):
    fmt = BankFormat(
        key="night_bank",
        name="Night bank",
        bank="Night bank",
        header=("Booked", "Payee", "Value"),
        columns=ColumnMap(
            date="Booked",
            description=("Payee",),
            amount="Value",
            date_formats=("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"),
        ),
        source="Columns chosen by an adviser",
    )
    path = save_user_format(fmt, tmp_path)
    assert load_format(path).columns.date_formats == ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
    assert 'date_formats = ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"]' in format_to_toml(fmt)


def test_a_file_with_no_header_row_whose_first_cell_is_a_date_time_keeps_its_first_line(
    tmp_path,
):
    # Before, "2026-06-03 10:44:18" did not read as a date, so the first transaction was taken
    # for the column names and dropped from the chooser's lines.
    path = tmp_path / "nohead.csv"
    path.write_text(
        "2026-06-03 10:44:18,Corner shop,-1.10\n2026-06-04 08:00:00,Night bus,-2.00\n",
        encoding="utf-8",
    )
    preview = sniff_csv(path, load_formats())
    assert preview.detected is None
    assert preview.header_line == 0
    assert preview.header[:3] == ["Column 1", "Column 2", "Column 3"]
    assert preview.rows[0][:2] == ["2026-06-03 10:44:18", "Corner shop"]


def test_a_revolut_line_not_completed_refuses_the_file_naming_its_line(tmp_path):
    """A PENDING, DECLINED or REVERTED line is not money that moved: read with the others it
    would put a payment on the sheet that never happened, and left out unseen it would drop a
    line. The file is refused whole, naming the line and column."""
    lines = (DATA / "revolut.csv").read_text("utf-8").splitlines()
    lines[2] = lines[2].replace("COMPLETED", "DECLINED")
    path = tmp_path / "revolut.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(StatementFileError, match=r"line 3, column 'State'.*DECLINED.*COMPLETED"):
        read_statement(path)


def test_only_when_survives_saving_and_loading_a_layout(tmp_path):
    from dataclasses import replace

    from desktop.importers.bank_formats import save_user_format

    (revolut,) = [f for f in load_formats() if f.key == "revolut"]
    assert revolut.only_when == (("State", ("COMPLETED",)),)
    saved = save_user_format(replace(revolut, key="my_revolut"), tmp_path)
    (again,) = [f for f in load_formats(tmp_path) if f.key == "my_revolut"]
    assert again.only_when == revolut.only_when
    assert saved.exists()
