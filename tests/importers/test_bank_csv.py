"""Bank statement CSV import: every packaged layout on a synthetic file, bad files, custom
column mappings, saved formats and dedupe fingerprints. All people, sort codes and shops are
made up."""

from __future__ import annotations

import contextlib
import os
import random
import re
import stat
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.importers.bank_csv import (
    MAX_STATEMENT_BYTES,
    BankFormat,
    BankFormatError,
    ColumnMap,
    StatementFileError,
    detect_format,
    fingerprints,
    format_to_toml,
    formats_dir,
    load_format,
    load_formats,
    load_formats_reporting,
    parse_date,
    parse_money,
    read_csv,
    read_statement,
    save_user_format,
    sniff_csv,
    to_txns,
    with_header,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "statements"
D = Decimal


def d(text: str) -> date:
    return date.fromisoformat(text)


# What each synthetic file must read as: (date, amount, balance, type code), oldest first.
EXPECTED = {
    "nationwide.csv": dict(
        key="nationwide",
        encoding="cp1252",
        bank="Nationwide",
        sort_code="",
        last_four="5678",
        period=(d("2025-05-02"), d("2025-05-12")),
        rows=[
            ("2025-05-02", "1250.00", "1312.40", "FPI"),
            ("2025-05-03", "-98.00", "1214.40", "DD"),
            ("2025-05-03", "-4.20", "1210.20", "DEB"),
            ("2025-05-03", "-4.20", "1206.00", "DEB"),
            ("2025-05-10", "-20.00", "1186.00", "ATM"),
            ("2025-05-12", "18.37", "1204.37", "BGC"),
        ],
    ),
    "nationwide_midata.csv": dict(
        key="nationwide_midata",
        encoding="cp1252",
        bank="Nationwide",
        sort_code="",
        last_four="5678",
        period=(d("2025-05-23"), d("2025-05-28")),
        rows=[
            ("2025-05-23", "-46.00", "554.00", "DEB"),
            ("2025-05-23", "500.00", "1054.00", "FPI"),
            ("2025-05-26", "-38.00", "1016.00", "DD"),
            ("2025-05-28", "-12.45", "1003.55", "DEB"),
        ],
    ),
    "lloyds.csv": dict(
        key="lloyds",
        encoding="utf-8",
        bank="Lloyds",
        sort_code="40-11-62",
        last_four="6819",
        period=(d("2025-06-02"), d("2025-06-14")),
        rows=[
            ("2025-06-02", "1204.50", "1239.50", "BGC"),
            ("2025-06-05", "-950.00", "289.50", "SO"),
            ("2025-06-10", "-40.00", "249.50", "ATM"),
            ("2025-06-13", "-61.28", "188.22", "DD"),
            ("2025-06-13", "250.00", "438.22", "FPI"),
            ("2025-06-14", "-3.10", "435.12", "DEB"),
        ],
    ),
    "natwest.csv": dict(
        key="natwest",
        encoding="utf-8",
        bank="NatWest",
        sort_code="09-01-28",
        last_four="9364",
        period=(d("2025-06-15"), d("2025-06-20")),
        rows=[
            ("2025-06-15", "-30.00", "677.00", "ATM"),
            ("2025-06-16", "200.00", "877.00", "BGC"),
            ("2025-06-18", "-41.00", "836.00", "DD"),
            ("2025-06-20", "-23.60", "812.40", "DEB"),
        ],
    ),
    "monzo.csv": dict(
        key="monzo",
        encoding="utf-8-sig",
        bank="Monzo",
        sort_code="",
        last_four="",
        period=(d("2025-07-01"), d("2025-07-04")),
        rows=[
            ("2025-07-01", "-8.75", None, "DEB"),
            ("2025-07-01", "150.00", None, "FASTER PAYMENT"),
            ("2025-07-03", "-45.00", None, "DD"),
            ("2025-07-04", "-3.40", None, "DEB"),
        ],
    ),
    "starling.csv": dict(
        key="starling",
        encoding="utf-8",
        bank="Starling",
        sort_code="",
        last_four="",
        period=(d("2025-08-01"), d("2025-08-08")),
        rows=[
            ("2025-08-01", "-725.00", "312.18", "SO"),
            ("2025-08-04", "-2.95", "309.23", "DEB"),
            ("2025-08-08", "120.00", "429.23", "FASTER PAYMENT"),
        ],
    ),
    "barclays.csv": dict(
        key="barclays",
        encoding="utf-8",
        bank="Barclays",
        sort_code="20-45-77",
        last_four="1234",
        period=(d("2025-07-11"), d("2025-07-22")),
        rows=[
            ("2025-07-11", "980.25", None, "BGC"),
            ("2025-07-15", "-60.00", None, "SO"),
            ("2025-07-22", "-12.99", None, "DEBIT"),
        ],
    ),
    "santander.txt": dict(
        key="santander",
        encoding="cp1252",
        bank="Santander",
        sort_code="",
        last_four="7316",
        period=(d("2025-08-01"), d("2025-08-31")),  # the "From: ... to ..." line
        rows=[
            ("2025-08-04", "-112.00", "86.00", "DD"),
            ("2025-08-15", "300.00", "386.00", "FPI"),
            ("2025-08-29", "-14.20", "371.80", "DEB"),
        ],
    ),
    "hsbc.csv": dict(
        key="hsbc",
        encoding="utf-8",
        bank="HSBC",
        sort_code="",
        last_four="",
        period=(d("2025-09-05"), d("2025-09-07")),
        rows=[
            ("2025-09-05", "1100.00", None, ""),
            ("2025-09-07", "-39.50", None, ""),
            ("2025-09-07", "-6.10", None, ""),
        ],
    ),
}


HEADER_LINES = {  # 0: no header row (HSBC) or not CSV (Santander's "Label: value" lines)
    "nationwide.csv": 5,
    "nationwide_midata.csv": 3,
    "santander.txt": 0,
    "hsbc.csv": 0,
}
HEADER_LINES.update({n: 1 for n in EXPECTED if n not in HEADER_LINES})


@pytest.fixture(scope="module")
def formats() -> list[BankFormat]:
    return load_formats()


def by_key(formats, key: str) -> BankFormat:
    return next(f for f in formats if f.key == key)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- every packaged layout ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_synthetic_statement_reads_to_the_exact_amounts_dates_and_balances(name, formats):
    want = EXPECTED[name]
    statement = read_statement(DATA / name, formats)
    assert statement.format_key == want["key"]
    assert statement.bank == want["bank"]
    assert (statement.sort_code, statement.last_four) == (want["sort_code"], want["last_four"])
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
    assert got == want["rows"]  # str() too: pence always written, never 1204.5
    assert all(type(r.amount) is Decimal for r in statement.rows)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_synthetic_statement_is_detected_with_its_encoding(name, formats):
    preview = sniff_csv(DATA / name, formats)
    assert preview.detected is not None and preview.detected.key == EXPECTED[name]["key"]
    assert preview.encoding == EXPECTED[name]["encoding"]
    assert preview.header_line == HEADER_LINES[name]
    assert len(preview.rows) >= len(EXPECTED[name]["rows"])  # summary lines are shown too
    top = min(read_statement(DATA / name).rows, key=lambda r: r.line)  # the file's first line
    assert top.on.strftime(preview.detected.columns.date_formats[0]) in preview.rows[0]


@pytest.mark.parametrize("name", [n for n, w in EXPECTED.items() if w["rows"][0][2] is not None])
def test_running_balances_agree_line_by_line_after_turning_newest_first_files_round(name):
    rows = read_statement(DATA / name).rows
    for before, row in zip(rows, rows[1:], strict=False):
        assert before.balance + row.amount == row.balance, (name, row.line)


def test_descriptions_join_the_description_cells_and_leave_out_masked_and_repeated_parts():
    nationwide = [r.description for r in read_statement(DATA / "nationwide.csv").rows]
    assert nationwide[1] == "Direct debit LEEDSTOWN COUNCIL"  # the payee was in both cells
    assert nationwide[2] == "Visa purchase / CAFÉ ROMA LEEDS"  # é from Windows-1252 byte 0xC9
    midata = [r.description for r in read_statement(DATA / "nationwide_midata.csv").rows]
    assert midata[1] == "Transfer from A YUSUF"  # the masked '*****' cell is left out
    natwest = [r.description for r in read_statement(DATA / "natwest.csv").rows]
    assert natwest[1] == "D MENSAH , GIFT"  # the leading apostrophe is a spreadsheet marker
    barclays = read_statement(DATA / "barclays.csv").rows
    assert barclays[2].description == "STREAMFLIX.COM ON 21 JUL BCC"
    monzo = read_statement(DATA / "monzo.csv").rows
    assert monzo[1].description == "Kofi Mensah / Birthday, from Kofi"


def test_a_newest_first_file_keeps_each_days_lines_in_the_order_of_the_running_balance():
    # lloyds.csv lists dates newest first but the two lines of 13 June oldest first: turning
    # the whole file round would put the £250 in before the direct debit, against the balances.
    rows = read_statement(DATA / "lloyds.csv").rows
    june_13 = [(r.type_code, r.line) for r in rows if r.on == d("2025-06-13")]
    assert june_13 == [("DD", 3), ("FPI", 4)]
    midata = read_statement(DATA / "nationwide_midata.csv").rows  # newest first within the day
    assert [r.line for r in midata] == [7, 6, 5, 4]


# --- detection -------------------------------------------------------------------------------


def test_detect_format_picks_exactly_each_presets_own_header_in_any_order_and_case(formats):
    with_header = [f for f in formats if f.header and f.layout == "csv"]
    assert len(with_header) >= 7
    for fmt in with_header:
        matching = [f for f in formats if detect_format(fmt.header, [f]) is not None]
        assert matching == [fmt], fmt.key
        shuffled = list(fmt.header)
        random.Random(fmt.key).shuffle(shuffled)
        assert detect_format([f"  {h.upper()} " for h in shuffled], formats) is fmt
        assert detect_format([*fmt.header, "Something else"], formats) is fmt
        assert detect_format(fmt.header[:-1], formats) is None, fmt.key


def test_detect_format_returns_none_for_an_unknown_header(formats):
    assert detect_format(["When", "What", "How much"], formats) is None
    assert detect_format([], formats) is None


def test_packaged_formats_load_and_say_where_they_come_from():
    paths = sorted(formats_dir().glob("*.toml"))
    keys = {p.stem for p in paths}
    assert {
        "nationwide",
        "nationwide_midata",
        "lloyds",
        "monzo",
        "starling",
        "barclays",
        "santander",
        "natwest",
        "hsbc",
    } <= keys
    for path in paths:
        fmt = load_format(path)
        assert fmt.key == path.stem
        assert len(fmt.source) > 40, fmt.key
        if not fmt.verified:
            assert fmt.note, fmt.key
    assert not load_format(formats_dir() / "hsbc.toml").verified


# --- bad files -------------------------------------------------------------------------------

LLOYDS_HEADER = (
    "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    "Debit Amount,Credit Amount,Balance\n"
)
LLOYDS_LINE = "13/06/2025,DEB,'40-11-62,31926819,NORTHGATE BAKERY,3.10,,435.12\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE + LLOYDS_LINE.replace("13/06/2025", "31/02/2025"),
            "lloyds.csv, line 3, column 'Transaction Date': '31/02/2025' is not a date "
            "(expected like 13/06/2025)",
            id="date",
        ),
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE.replace("3.10", '"12,3x"'),
            "lloyds.csv, line 2, column 'Debit Amount': '12,3x' is not an amount of money",
            id="amount",
        ),
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE.replace("3.10", "3.105"),
            "lloyds.csv, line 2, column 'Debit Amount': '3.105' is not an amount of money "
            "(more than two decimal places)",
            id="fraction-of-a-penny",
        ),
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE + LLOYDS_LINE.replace("NORTHGATE BAKERY", "NORTH, GATE"),
            "lloyds.csv, line 3: 9 cells where the header (line 1) has 8 (an extra cell after "
            "column 'Balance'",
            id="too-many-cells",
        ),
        pytest.param(
            LLOYDS_HEADER + "13/06/2025,DEB,'40-11-62,31926819\n",
            "lloyds.csv, line 2: 4 cells where the header (line 1) has 8 (nothing under column "
            "'Transaction Description')",
            id="too-few-cells",
        ),
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE.replace("13/06/2025", ""),
            "lloyds.csv, line 2, column 'Transaction Date': no date",
            id="no-date",
        ),
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE.replace(",,435", ",1.00,435"),
            "lloyds.csv, line 2: both 'Credit Amount' and 'Debit Amount' have an amount",
            id="in-and-out",
        ),
        pytest.param(
            LLOYDS_HEADER.encode() + LLOYDS_LINE.replace("BAKERY", "BAK\x81RY").encode("latin-1"),
            "lloyds.csv, line 2: byte 165 (0x81) is not text in UTF-8 or Windows-1252",
            id="encoding",
        ),
        pytest.param(b"", "lloyds.csv: the file is empty", id="empty"),
        pytest.param(b"\r\n  \r\n", "lloyds.csv: the file is empty", id="blank-lines-only"),
        pytest.param(LLOYDS_HEADER, "lloyds.csv: no transactions found under the header on line 1"),
        pytest.param(
            LLOYDS_HEADER.replace(",Balance", "") + LLOYDS_LINE.rsplit(",", 1)[0] + "\n",
            "lloyds.csv: columns not recognised: choose them. It looks like Lloyds, Halifax or "
            "Bank of Scotland CSV, but has no column 'Balance' (columns found: Transaction Date,",
            id="missing-column",
        ),
        pytest.param(
            "When,What,How much\n13/06/2025,Bread,-1.00\n",
            "lloyds.csv: columns not recognised: choose them (first row: When, What, How much)",
            id="unknown-columns",
        ),
        pytest.param(
            b"PK\x03\x04\x14\x00\x06\x00",
            "lloyds.csv, line 1: byte 5 is not text",
            id="spreadsheet",
        ),
        pytest.param(
            LLOYDS_HEADER + LLOYDS_LINE + LLOYDS_LINE.replace("31926819", "31920044"),
            "lloyds.csv: the file has lines for more than one account (••0044, ••6819)",
            id="two-accounts",
        ),
    ],
)
def test_a_bad_file_is_refused_with_the_file_line_and_column(tmp_path, formats, content, expected):
    path = write(tmp_path, "lloyds.csv", content)
    with pytest.raises(StatementFileError) as caught:
        read_csv(path, formats=formats)
    assert str(caught.value).startswith(expected)


def test_a_chosen_layout_whose_column_is_missing_names_the_column_and_those_found(
    tmp_path, formats
):
    path = write(tmp_path, "lloyds.csv", LLOYDS_HEADER.replace(",Balance", "") + "x\n")
    with pytest.raises(StatementFileError) as caught:
        read_csv(path, fmt=by_key(formats, "lloyds"))
    message = str(caught.value)
    assert message.startswith("lloyds.csv: no column 'Balance' (columns found: Transaction Date")
    assert "Credit Amount)" in message


def test_a_bad_line_after_many_good_ones_imports_nothing(tmp_path, formats):
    lines = [LLOYDS_LINE] * 300 + [LLOYDS_LINE.replace("3.10", "three pounds")]
    path = write(tmp_path, "lloyds.csv", LLOYDS_HEADER + "".join(lines))
    with pytest.raises(StatementFileError, match=r"line 302, column 'Debit Amount'"):
        read_csv(path, formats=formats)


def test_a_file_that_is_not_a_statement_is_refused_by_its_extension(tmp_path):
    with pytest.raises(StatementFileError, match=r"^scan\.pdf: a \.pdf file is not a statement"):
        read_statement(write(tmp_path, "scan.pdf", b"%PDF-1.7"))


def test_blank_summary_and_repeated_header_lines_are_skipped_but_a_total_shop_is_kept(tmp_path):
    content = (
        '"Account Name:","FlexAccount ****45678"\n\n'
        '"Date","Transaction type","Description","Paid out","Paid in","Balance"\n'
        '"01 May 2025","Balance brought forward","","","","£100.00"\n'
        '"02 May 2025","Visa purchase","TOTAL PETROL LEEDS","£30.00","","£70.00"\n'
        "\n"
        '"Date","Transaction type","Description","Paid out","Paid in","Balance"\n'
        '"03 May 2025","Bank credit","WAGES","","£5.00","£75.00"\n'
        '"Closing balance","","","","","£75.00"\n'
    )
    rows = read_csv(write(tmp_path, "nw.csv", content)).rows
    assert [(r.line, r.description, r.amount) for r in rows] == [
        (5, "Visa purchase / TOTAL PETROL LEEDS", D("-30.00")),
        (8, "Bank credit / WAGES", D("5.00")),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("£1,234.56", "1234.56"),
        ("-£12.00", "-12.00"),
        ("£-12.00", "-12.00"),
        ("+£5.00", "5.00"),
        ("(12.00)", "-12.00"),
        ("(£1,000.10)", "-1000.10"),
        ("12.00 CR", "12.00"),
        ("12.00DR", "-12.00"),
        ("\u221212.00", "-12.00"),
        ("GBP 7.5", "7.50"),
        ("7.50 GBP", "7.50"),
        ("1234", "1234.00"),
        ("12.500", "12.50"),
        ("-0.00", "0.00"),
        ("'45.10", "45.10"),
    ],
)
def test_parse_money_reads_the_ways_banks_write_pounds(text, value):
    assert str(parse_money(text)) == value


@pytest.mark.parametrize(
    "text", ["12,3x", "1,23.00", "12.3.4", "£", "-", "€5.00", "12.345", "-12.00 DR", "(-5.00)"]
)
def test_parse_money_refuses_what_is_not_money(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_blank_money_is_none_and_blank_paid_in_or_out_is_zero():
    assert parse_money("  ") is None


# --- custom mappings and saved formats -------------------------------------------------------

CUSTOM = (
    "Credit Union of Leedstown - statement\n"
    "Member: P OSEI\n"
    "\n"
    "When,Details,Money in,Money out,Left\n"
    "2025-03-01,OPENING DEPOSIT,50.00,,50.00\n"
    "2025-03-04,GREENLEAF GROCER,,£7.20,42.80\n"
    "2025-03-09,LOAN FROM AUNT,200.00,,242.80\n"
)
CUSTOM_MAP = ColumnMap(
    date="When",
    description=("Details",),
    paid_in="Money in",
    paid_out="Money out",
    balance="Left",
    date_formats=("%Y-%m-%d",),
)


def test_a_custom_column_map_reads_a_file_no_preset_knows(tmp_path, formats):
    path = write(tmp_path, "cu.csv", CUSTOM)
    preview = sniff_csv(path, formats)
    assert preview.detected is None
    assert (preview.header, preview.header_line) == (
        ["When", "Details", "Money in", "Money out", "Left"],
        4,
    )
    statement = read_csv(path, columns=CUSTOM_MAP)
    assert statement.format_key is None
    assert [(r.line, r.on, r.amount, r.balance) for r in statement.rows] == [
        (5, d("2025-03-01"), D("50.00"), D("50.00")),
        (6, d("2025-03-04"), D("-7.20"), D("42.80")),
        (7, d("2025-03-09"), D("200.00"), D("242.80")),
    ]


def test_a_custom_map_for_a_headerless_file_uses_column_numbers_and_negate(tmp_path):
    path = write(tmp_path, "card.csv", "04/03/2025,STREAMFLIX,9.99\n06/03/2025,REFUND,-2.00\n")
    preview = sniff_csv(path, [])
    assert (preview.header, preview.header_line) == (["Column 1", "Column 2", "Column 3"], 0)
    card = ColumnMap(date="Column 1", description=("Column 2",), amount="Column 3", negate=True)
    rows = read_csv(path, columns=card).rows
    assert [(r.line, r.amount) for r in rows] == [(1, D("-9.99")), (2, D("2.00"))]


def test_a_custom_map_that_cannot_work_is_refused_before_reading(tmp_path):
    both = ColumnMap(date="When", description=("Details",), amount="Left", paid_in="Money in")
    with pytest.raises(StatementFileError, match="either one amount column or"):
        read_csv(write(tmp_path, "cu.csv", CUSTOM), columns=both)
    wrong = ColumnMap(date="When", description=("Details",), amount="Amount")
    with pytest.raises(StatementFileError, match=r"cu\.csv: no column 'Amount' \(columns found"):
        read_csv(write(tmp_path, "cu.csv", CUSTOM), columns=wrong)


def test_save_user_format_round_trips_through_load_formats(tmp_path, formats):
    fmt = BankFormat(
        key="leedstown_cu",
        name='Leedstown "Credit" Union \\ £',
        bank="Leedstown Credit Union",
        header=("When", "Details", "Money in", "Money out", "Left"),
        columns=replace(CUSTOM_MAP, type_code="Details"),
        source="Chosen by the adviser in the column dialog",
        verified=False,
        note="Saved from a member's statement",
        type_codes=(("LOAN", "FPI"),),
    )
    path = save_user_format(fmt, tmp_path / "formats")
    assert path == tmp_path / "formats" / "leedstown_cu.toml"
    loaded = load_formats(tmp_path / "formats")
    assert loaded[: len(formats)] == formats  # the packaged layouts first
    assert loaded[-1] == fmt
    assert load_format(path) == fmt and format_to_toml(load_format(path)) == format_to_toml(fmt)
    statement = read_csv(write(tmp_path, "cu.csv", CUSTOM), formats=loaded)
    assert statement.format_key == "leedstown_cu"
    assert statement.rows[-1].type_code == "FPI"


def test_a_saved_format_with_a_packaged_key_replaces_the_packaged_one(tmp_path, formats):
    mine = BankFormat(
        key="monzo",
        name="My Monzo",
        bank="Monzo",
        header=("Date", "Name", "Amount"),
        columns=ColumnMap(date="Date", description=("Name",), amount="Amount"),
    )
    save_user_format(mine, tmp_path)
    loaded = load_formats(tmp_path)
    assert [f.key for f in loaded] == [f.key for f in formats]
    assert by_key(loaded, "monzo").name == "My Monzo"


def test_a_format_file_that_cannot_be_used_names_the_file_and_field(tmp_path):
    good = format_to_toml(
        BankFormat(
            key="x",
            name="X",
            bank="",
            header=("A", "B"),
            columns=ColumnMap(date="A", description=("B",), amount="B"),
        )
    )
    cases = {
        "x.toml": good.replace('amount = "B"', 'amount = "C"'),
        "y.toml": good,
        "z.toml": good.replace("negate = false", "negate = 'no'"),
    }
    expected = {
        "x.toml": "x.toml: columns: 'C' is not in the header",
        "y.toml": "y.toml: key 'x' must be the file name ('y')",
        "z.toml": "z.toml: columns.negate: must be true or false",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(BankFormatError) as caught:
            load_format(tmp_path / name)
        assert str(caught.value) == expected[name]
    with pytest.raises(BankFormatError, match="key: use lower-case letters"):
        save_user_format(
            BankFormat(
                key="../evil",
                name="E",
                bank="",
                header=("A",),
                columns=ColumnMap(date="A", description=("A",), amount="A"),
            ),
            tmp_path,
        )
    assert not (tmp_path.parent / "evil.toml").exists()


# --- dedupe ----------------------------------------------------------------------------------

MONZO_HEADER = (
    "Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,"
    "Local currency,Notes and #tags,Address,Receipt,Description\n"
)


def monzo_file(tmp_path: Path, name: str, first: date, last: date) -> Path:
    """A synthetic Monzo export: a coffee every day (two identical ones on the 10th of each
    month), and rent on the 1st."""
    lines = []
    day = first
    while day <= last:
        stamp = day.strftime("%d/%m/%Y")
        coffees = 2 if day.day == 10 else 1
        for _ in range(coffees):
            lines.append(
                f"tx_{len(lines)},{stamp},08:00:00,Card payment,Northgate Bakery,,Eating out,"
                "-2.95,GBP,-2.95,GBP,,,,NORTHGATE BAKERY\n"
            )
        if day.day == 1:
            lines.append(
                f"tx_{len(lines)},{stamp},09:00:00,Faster payment,Hollybank Lettings,,Bills,"
                "-725.00,GBP,-725.00,GBP,,,,RENT\n"
            )
        day += timedelta(days=1)
    return write(tmp_path, name, MONZO_HEADER + "".join(lines))


def test_an_overlapping_reimport_adds_only_the_new_month(tmp_path):
    first = read_csv(monzo_file(tmp_path, "a.csv", d("2025-04-01"), d("2025-06-30")))
    held = set(fingerprints(first.rows))
    assert len(held) == len(first.rows)  # identical same-day coffees stay distinct
    second = read_csv(monzo_file(tmp_path, "b.csv", d("2025-05-01"), d("2025-07-31")))
    new = [
        r for r, key in zip(second.rows, fingerprints(second.rows), strict=True) if key not in held
    ]
    july = [r for r in second.rows if r.on.month == 7]
    assert new == july and len(july) == 31 + 1 + 1  # a coffee a day, one more on the 10th, rent


def test_identical_lines_on_one_day_get_numbered_keys():
    from desktop.importers.bank_csv import ParsedRow

    coffee = ParsedRow(
        line=2, on=d("2025-05-10"), description="Northgate  BAKERY", amount=D("-2.95"), balance=None
    )
    same = ParsedRow(
        line=3, on=d("2025-05-10"), description="northgate bakery", amount=D("-2.950"), balance=None
    )
    other_day = ParsedRow(
        line=4, on=d("2025-05-11"), description="NORTHGATE BAKERY", amount=D("-2.95"), balance=None
    )
    keys = fingerprints([coffee, same, other_day])
    assert all(re.fullmatch(r"[0-9a-f]{20}#\d+", k) for k in keys)
    assert keys[0].split("#")[0] == keys[1].split("#")[0]
    assert [k.split("#")[1] for k in keys] == ["1", "2", "1"]
    assert keys[2].split("#")[0] != keys[0].split("#")[0]


def test_to_txns_keys_rows_by_account_and_position():
    statement = read_statement(DATA / "lloyds.csv")
    txns = to_txns(statement, "acct7")
    assert [t.key for t in txns] == [f"acct7:{i}" for i in range(1, 7)]
    assert {t.account for t in txns} == {"acct7"}
    assert [(t.on, t.amount, t.balance, t.type_code) for t in txns[:2]] == [
        (d("2025-06-02"), D("1204.50"), D("1239.50"), "BGC"),
        (d("2025-06-05"), D("-950.00"), D("289.50"), "SO"),
    ]


@pytest.mark.parametrize(
    ("text", "codes", "day"),
    [
        ("13 Jun 2025", ("%d %b %Y",), "2025-06-13"),
        ("13 June 2025", ("%d %B %Y",), "2025-06-13"),
        ("13-jun-2025", ("%d-%b-%Y",), "2025-06-13"),
        ("2 Sept 2025", ("%d %b %Y",), "2025-09-02"),
        ("13/06/25", ("%d/%m/%Y", "%d/%m/%y"), "2025-06-13"),
        ("2025-06-13", ("%Y-%m-%d",), "2025-06-13"),
        ("'13/06/2025", ("%d/%m/%Y",), "2025-06-13"),
    ],
)
def test_parse_date_reads_each_way_banks_write_dates(text, codes, day):
    assert parse_date(text, codes) == d(day)


def test_parse_date_refuses_impossible_and_other_layout_dates():
    assert parse_date("31/02/2025", ("%d/%m/%Y",)) is None
    assert parse_date("13/06/2025", ("%d/%m/%y",)) is None  # two-digit year only
    assert parse_date("06/13/2025", ("%d/%m/%Y",)) is None
    assert parse_date("", ("%d/%m/%Y",)) is None


def test_month_names_are_read_in_english_whatever_the_computers_language(monkeypatch):
    # strptime's %b follows the locale (Qt sets it from the desktop); a Welsh desktop's
    # strptime would not know "Jun". parse_date must not leave month names to it.
    import desktop.importers.bank_csv as bank_csv

    class WelshDatetime(datetime):
        @classmethod
        def strptime(cls, text, code):
            if "%b" in code or "%B" in code:
                raise ValueError("not a month in this locale")
            return datetime.strptime(text, code)

    monkeypatch.setattr(bank_csv, "datetime", WelshDatetime)
    rows = read_statement(DATA / "nationwide.csv").rows
    assert [r.on for r in rows][:2] == [d("2025-05-02"), d("2025-05-03")]


def test_a_users_saved_headerless_layout_wins_over_hsbc_for_its_own_files(tmp_path, formats):
    mine = BankFormat(
        key="credit_union_export",
        name="Credit union export (no header)",
        bank="Leedstown Credit Union",
        header=(),
        columns=ColumnMap(
            date="Column 1", description=("Column 2",), amount="Column 3", balance="Column 4"
        ),
    )
    save_user_format(mine, tmp_path / "mine")
    loaded = load_formats(tmp_path / "mine")
    four = write(
        tmp_path, "cu.csv", "01/03/2025,DEPOSIT,50.00,50.00\n04/03/2025,SHOP,-7.20,42.80\n"
    )
    statement = read_csv(four, formats=loaded)
    assert statement.format_key == "credit_union_export"
    assert [r.balance for r in statement.rows] == [D("50.00"), D("42.80")]
    assert read_csv(DATA / "hsbc.csv", formats=loaded).format_key == "hsbc"  # exact width


def test_columns_chosen_on_a_santander_text_file_read_its_label_lines():
    labels = ColumnMap(
        date="Date", description=("Description",), amount="Amount", balance="Balance"
    )
    statement = read_csv(DATA / "santander.txt", columns=labels)
    assert statement.format_key is None and statement.last_four == "7316"
    assert [(r.on, r.amount, r.line) for r in statement.rows] == [
        (d("2025-08-04"), D("-112.00"), 15),
        (d("2025-08-15"), D("300.00"), 10),
        (d("2025-08-29"), D("-14.20"), 5),
    ]


def test_a_bad_amount_in_a_santander_text_file_names_the_line_of_its_label(tmp_path):
    text = (DATA / "santander.txt").read_bytes().replace(b"300.00", b"3OO.00")
    with pytest.raises(StatementFileError) as caught:
        read_statement(write(tmp_path, "santander.txt", text))
    assert str(caught.value) == (
        "santander.txt, line 12, column 'Amount': '3OO.00' is not an amount of money"
    )


def test_a_layout_saved_from_a_header_with_a_trailing_comma_still_detects(tmp_path):
    header = (LLOYDS_HEADER.strip() + ",").split(",")  # as the dialog saves it: "" at the end
    mine = BankFormat(
        key="lloyds_mine",
        name="Lloyds (mine)",
        bank="Lloyds",
        header=tuple(header),
        columns=by_key(load_formats(), "lloyds").columns,
    )
    save_user_format(mine, tmp_path)
    loaded = load_formats(tmp_path)
    assert detect_format(header, loaded).key == "lloyds_mine"  # a tie: the user's one wins
    assert read_csv(DATA / "lloyds.csv", formats=loaded).format_key == "lloyds_mine"


# --- issue 15: nothing dropped, nothing hangs ------------------------------------------------

#: A download with no header row and dates like "12 Jun 25": the first line is the rent.
HEADERLESS = (
    "12 Jun 25,LAMBETH LETTINGS RENT,-650.00,1250.00\n"
    "13 Jun 25,NORTHGATE BAKERY,-3.10,1246.90\n"
    "16 Jun 25,ACME PAYROLL,1500.00,2746.90\n"
)
HEADERLESS_COLUMNS = ColumnMap(
    date="Column 1",
    description=("Column 2",),
    amount="Column 3",
    balance="Column 4",
    date_formats=("%d %b %y",),
)


def test_a_headerless_file_with_two_digit_year_dates_keeps_its_first_line(tmp_path, formats):
    # Every date format the column chooser offers tells data from a header: "12 Jun 25" is a
    # date, so line 1 is a transaction, not the column names.
    path = write(tmp_path, "plain.csv", HEADERLESS)
    preview = sniff_csv(path, formats)
    assert preview.header_line == 0 and preview.first_line == 1
    assert preview.header == ["Column 1", "Column 2", "Column 3", "Column 4"]
    assert preview.rows[0][:3] == ["12 Jun 25", "LAMBETH LETTINGS RENT", "-650.00"]
    assert preview.row_lines == [1, 2, 3]
    statement = read_csv(path, columns=HEADERLESS_COLUMNS, from_line=preview.first_line)
    assert [(r.line, r.on, r.amount) for r in statement.rows] == [
        (1, d("2025-06-12"), D("-650.00")),
        (2, d("2025-06-13"), D("-3.10")),
        (3, d("2025-06-16"), D("1500.00")),
    ]


def test_a_first_line_without_its_last_cell_is_a_transaction_not_a_line_to_skip(tmp_path):
    path = write(tmp_path, "plain.csv", HEADERLESS.replace(",1250.00\n", "\n", 1))
    preview = sniff_csv(path, [])
    assert preview.header_line == 0 and preview.first_line == 1
    assert preview.rows[0] == ["12 Jun 25", "LAMBETH LETTINGS RENT", "-650.00"]


def test_lines_above_a_header_are_said_and_the_reading_starts_at_the_header(tmp_path):
    text = "Harbour Credit Union statement\nWhen,What,Amount\n12 Jun 25,RENT,-650.00\n"
    preview = sniff_csv(write(tmp_path, "cu.csv", text), [])
    assert (preview.header_line, preview.first_line, preview.row_lines) == (2, 2, [3])


def test_the_preview_read_with_or_without_a_header_line(tmp_path):
    names = ["When", "What", "Amount", "Left"]
    with_names = sniff_csv(write(tmp_path, "a.csv", ",".join(names) + "\n" + HEADERLESS), [])
    assert with_names.header == names and with_names.header_line == 1
    plain = with_header(with_names, False)
    assert plain.header_line == 0 and plain.header == [f"Column {n}" for n in (1, 2, 3, 4)]
    assert plain.rows[0] == names and plain.row_lines == [1, 2, 3, 4]
    assert plain.first_line == 1 and plain.detected is None
    assert with_header(plain, True).header == names
    assert with_header(plain, True).row_lines == [2, 3, 4]
    assert with_header(with_names, True) is with_names


def test_a_saved_layout_is_private_whatever_the_umask(tmp_path):
    folder = tmp_path / "data" / "bank_formats"
    fmt = BankFormat(key="mine", name="Mine", bank="", header=(), columns=HEADERLESS_COLUMNS)
    before = os.umask(0)
    try:
        path = save_user_format(fmt, folder)
        path.chmod(0o644)  # a layout saved before, readable by others: saved over, made private
        path = save_user_format(fmt, folder)
    finally:
        os.umask(before)
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["mine.toml"]  # no temporary file left
    assert load_format(path) == fmt


def test_a_layout_that_cannot_be_written_says_so_naming_it(tmp_path):
    blocked = tmp_path / "bank_formats"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    fmt = BankFormat(key="mine", name="Mine", bank="", header=(), columns=HEADERLESS_COLUMNS)
    with pytest.raises(BankFormatError, match=r"^mine\.toml: the layout could not be saved \("):
        save_user_format(fmt, blocked)


def _finishes(work, seconds: float = 10.0):
    """Run `work` in a thread: (finished in time, its result or exception)."""
    box: list = []

    def run():
        try:
            box.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return (not thread.is_alive()), (box[0] if box else None)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["statement.csv", "statement.ofx", "statement.txt"])
def test_a_pipe_named_like_a_statement_is_refused_without_waiting(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    try:
        done, outcome = _finishes(lambda: read_statement(fifo))
    finally:  # a reader stuck on the pipe (the old code) is let go
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert done, "reading a pipe waited for a writer"
    assert isinstance(outcome, StatementFileError)
    assert str(outcome) == (
        f"{name} is not an ordinary file (a device, pipe or socket), so it is not read"
    )


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_is_refused_before_reading(tmp_path):
    device = tmp_path / "statement.csv"
    device.symlink_to("/dev/null")  # /dev/zero would never end: the same check refuses both
    with pytest.raises(StatementFileError, match=r"^statement\.csv is not an ordinary file"):
        read_statement(device)


def test_a_file_too_big_for_a_statement_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "huge.csv"
    with big.open("wb") as fh:
        fh.truncate(MAX_STATEMENT_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(StatementFileError) as caught:
        read_statement(big)
    assert str(caught.value) == (
        "huge.csv is 20 MB, more than the 20 MB a bank statement download can be; it was not read"
    )


def _layout(key: str) -> str:
    return format_to_toml(
        BankFormat(
            key=key,
            name=f"Saved {key}",
            bank="",
            header=("When", "What", "Amount"),
            columns=ColumnMap(date="When", description=("What",), amount="Amount"),
        )
    )


def test_a_bad_saved_layout_is_left_out_with_a_warning_naming_it(tmp_path, formats):
    folder = tmp_path / "bank_formats"
    folder.mkdir()
    (folder / "good.toml").write_text(_layout("good"), encoding="utf-8")
    (folder / "broken.toml").write_text("key = 'broken\n", encoding="utf-8")
    (folder / "other.toml").write_text(_layout("good"), encoding="utf-8")  # key != file name
    (folder / "folder.toml").mkdir()
    loaded, warnings = load_formats_reporting(folder)
    assert [f.key for f in loaded] == [*(f.key for f in formats), "good"]
    assert len(warnings) == 3
    assert warnings[0].startswith("A saved bank layout was left out: broken.toml: not valid TOML")
    assert (
        warnings[1]
        == "A saved bank layout was left out: folder.toml is a folder, not a bank layout"
    )
    assert warnings[2] == (
        "A saved bank layout was left out: other.toml: key 'good' must be the file name ('other')"
    )
    statement = read_csv(write(tmp_path, "x.csv", "When,What,Amount\n13/06/2025,Shop,-1.00\n"),
                         formats=loaded)  # fmt: skip
    assert statement.format_key == "good"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_among_the_saved_layouts_is_left_out_without_waiting(tmp_path, formats):
    folder = tmp_path / "bank_formats"
    folder.mkdir()
    (folder / "good.toml").write_text(_layout("good"), encoding="utf-8")
    os.mkfifo(folder / "stuck.toml")
    try:
        done, outcome = _finishes(lambda: load_formats_reporting(folder))
    finally:
        with contextlib.suppress(OSError):
            os.close(os.open(folder / "stuck.toml", os.O_WRONLY | os.O_NONBLOCK))
    assert done, "reading the saved layouts waited on a pipe"
    loaded, warnings = outcome
    assert loaded[-1].key == "good"
    assert warnings == [
        "A saved bank layout was left out: stuck.toml is not an ordinary file (a device, pipe "
        "or socket), so it is not read"
    ]


def test_a_huge_saved_layout_is_left_out_before_it_is_read(tmp_path):
    folder = tmp_path / "bank_formats"
    folder.mkdir()
    with (folder / "huge.toml").open("wb") as fh:
        fh.truncate(10 * 1024 * 1024)
    _, warnings = load_formats_reporting(folder)
    assert warnings == [
        "A saved bank layout was left out: huge.toml is 10 MB, more than the 256 KB a bank "
        "layout can be; it was not read"
    ]


def test_a_quote_mark_never_closed_is_named_not_swallowed(tmp_path, formats):
    # The quote opened in line 2 runs to the end of line 3: read as it is, the rent on line 3
    # would vanish into line 2's description.
    text = (
        "Date,Description,Amount,Balance\n"
        '01/06/2025,"CARD PAYMENT TO CAFE,-3.20,100.00,\n'
        '02/06/2025,LAMBETH LETTINGS RENT,-650.00,"-550.00\n'
    )
    path = write(tmp_path, "quote.csv", text)
    columns = ColumnMap(date="Date", description=("Description",), amount="Amount")
    with pytest.raises(StatementFileError) as caught:
        read_csv(path, columns=columns)
    assert str(caught.value) == (
        "quote.csv, line 2, column 'Description': a quote mark is never closed, so the lines "
        "after it run into this cell"
    )
