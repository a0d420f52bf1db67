"""OFX / QFX statements through ofxparse: OFX 1 SGML, OFX 2 XML, QFX, and the files it must
refuse. The samples are synthetic (made-up accounts, sort codes and shops)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.importers.bank_csv import StatementFileError, fingerprints, read_statement
from desktop.importers.bank_ofx import read_ofx

DATA = Path(__file__).resolve().parent.parent / "data" / "statements"
D = Decimal


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_ofx1_sgml_reads_amounts_exactly_and_keeps_the_banks_calendar_day():
    statement = read_ofx(DATA / "ofx1_sgml.ofx")
    assert statement.source == "ofx1_sgml.ofx"
    assert statement.format_key is None
    assert statement.bank == "Fictional Building Society"
    assert (statement.sort_code, statement.last_four) == ("40-11-62", "6819")  # BANKID, ACCTID
    # DTSTART/DTEND are "...[+1:BST]": ofxparse alone would move them to 31 May and 29 June.
    assert statement.period == (date(2025, 6, 1), date(2025, 6, 30))
    got = [(r.on, r.amount, r.description, r.type_code, r.line) for r in statement.rows]
    assert got == [  # the file lists newest first; rows come back oldest first
        (date(2025, 6, 2), D("1204.50"), "DWP UC", "CREDIT", 19),
        (date(2025, 6, 10), D("-4.20"), "CAFÉ ROMA & DELI / CARD 4412", "DEB", 18),
        (date(2025, 6, 13), D("-61.28"), "BRIGHTWATER ENERGY", "DD", 17),
    ]
    assert all(type(r.amount) is Decimal and r.balance is None for r in statement.rows)
    assert [str(r.amount) for r in statement.rows] == ["1204.50", "-4.20", "-61.28"]


def test_ofx2_xml_credit_card_with_utf8_text():
    statement = read_ofx(DATA / "ofx2_xml.ofx")
    assert statement.last_four == "4321" and statement.sort_code == ""
    assert statement.period == (date(2025, 7, 1), date(2025, 7, 31))
    assert [(r.on, r.amount, r.description, r.type_code) for r in statement.rows] == [
        (date(2025, 7, 3), D("-18.99"), "Café Lumière – Leeds", "DEBIT"),
        (date(2025, 7, 20), D("50.00"), "PAYMENT RECEIVED / THANK YOU", "PAYMENT"),
    ]


def test_qfx_takes_the_sort_code_from_an_acctid_of_sort_code_and_account_number():
    statement = read_statement(DATA / "sample.qfx")  # BANKID is 000000: no sort code there
    assert (statement.sort_code, statement.last_four) == ("09-01-28", "1234")
    assert [(r.on, r.amount, r.type_code) for r in statement.rows] == [
        (date(2025, 8, 12), D("-20.00"), "ATM"),
        (date(2025, 8, 31), D("0.42"), "INT"),
    ]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # ofxparse calls bs4's old findAll
def test_ofxparse_itself_gives_decimal_amounts_from_the_text():
    # The library decision rests on this: TRNAMT is Decimal("-4.20"), never a float.
    from ofxparse import OfxParser

    ofx = OfxParser.parse(io.BytesIO((DATA / "sample.qfx").read_bytes()))
    amounts = [t.amount for t in ofx.account.statement.transactions]
    assert amounts == [D("-20.00"), D("0.42")] and all(type(a) is Decimal for a in amounts)


def test_an_ofx_file_named_csv_is_read_as_ofx(tmp_path):
    path = write(tmp_path, "download.csv", (DATA / "sample.qfx").read_bytes())
    assert read_statement(path).last_four == "1234"


def test_fingerprints_of_an_ofx_reimport_match():
    first = fingerprints(read_ofx(DATA / "ofx1_sgml.ofx").rows)
    assert first == fingerprints(read_ofx(DATA / "ofx1_sgml.ofx").rows)
    assert len(set(first)) == 3


SGML = (DATA / "ofx1_sgml.ofx").read_bytes()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "bad.ofx: the file is empty", id="empty"),
        pytest.param(b"Date,Amount\n", "bad.ofx: no <OFX> section", id="not-ofx"),
        pytest.param(
            SGML.replace(b"-61.28", b"-61.285"),
            "bad.ofx, line 17, TRNAMT: '-61.285' is not an amount of money (more than two "
            "decimal places)",
            id="fraction-of-a-penny",
        ),
        pytest.param(
            SGML.replace(b"<TRNAMT>-4.20", b"<TRNAMT>four pounds"),
            "bad.ofx: not a readable OFX file (Invalid Transaction Amount: 'four pounds')",
            id="amount",
        ),
        pytest.param(
            SGML.replace(b"<CURDEF>GBP", b"<CURDEF>EUR"),
            "bad.ofx: the statement is in EUR, not pounds",
            id="currency",
        ),
        pytest.param(
            SGML.replace(
                b"</STMTTRNRS>",
                b"</STMTTRNRS>"
                + SGML[SGML.index(b"<STMTTRNRS>") :].split(b"</STMTTRNRS>")[0]
                + b"</STMTTRNRS>",
            ),
            "bad.ofx: the file holds statements for 2 accounts",
            id="two-accounts",
        ),
        pytest.param(
            b"OFXHEADER:100\r\n\r\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>",
            "bad.ofx: no bank or credit card statement in the file",
            id="no-statement",
        ),
    ],
)
def test_a_bad_ofx_file_is_refused_naming_the_file(tmp_path, content, expected):
    with pytest.raises(StatementFileError) as caught:
        read_ofx(write(tmp_path, "bad.ofx", content))
    assert str(caught.value).startswith(expected)


def test_an_sgml_file_that_says_windows_1252_but_holds_utf8_keeps_its_accents(tmp_path):
    text = SGML.decode("cp1252").encode("utf-8")  # "CAFÉ" as two UTF-8 bytes
    statement = read_ofx(write(tmp_path, "utf8.ofx", text))
    assert statement.rows[1].description == "CAFÉ ROMA & DELI / CARD 4412"
