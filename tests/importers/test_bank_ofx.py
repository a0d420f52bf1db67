"""OFX / QFX statements through ofxparse: OFX 1 SGML, OFX 2 XML, QFX, and the files it must
refuse. The samples are synthetic (made-up accounts, sort codes and shops)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.importers import bank_ofx
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


# ---- large files: read in linear time, as ofxparse reads them (issue 15) ----------------------
# ofxparse closes SGML elements by looking each tag up in a list of every end tag in the file
# (quadratic), then reads the file with BeautifulSoup (slow per tag): a 5 MB, 40,000-line file
# took minutes. The tags are now closed in one pass and the transactions read straight from
# them; ofxparse reads only the rest. These tests hold the quick reading to ofxparse's.

FIELD_TEXT = st.sampled_from(
    ["BRIGHTWATER ENERGY", "CAFÉ ROMA &amp; DELI", "CAF&#201; &#163;5", "", "  spaced  ",
     "A & B", "x &copy; y", "1 < 2", "Tesco\nStores", "SO &lt;RENT&gt;", "&#150; &#13;",
     "&#x2013;", "<B>BOLD</B>", "</STMTRS>"]
)  # fmt: skip
AMOUNT_TEXT = st.sampled_from(
    ["-61.28", "1204.50", "-4.20", "1,204.50", "null", "-0.005", "four", ""]
)
DATE_TEXT = st.sampled_from(
    ["20250613", "20250613000000[+1:BST]", "20250230", "2025061", "00000000", "", "2025-06-13"]
)


@st.composite
def ofx_files(draw) -> str:
    """An OFX 1 (SGML, end tags left out) or OFX 2 (XML) file of a few transactions, with the
    odd things banks write: empty fields, references, a missing field, a nested PAYEE."""
    xml = draw(st.booleans())
    gap = draw(st.sampled_from(["", "\n", "\r\n  "]))

    def field(tag: str, text: str) -> str:
        return f"<{tag}>{text}</{tag}>" if xml else f"<{tag}>{text}"

    transactions = []
    for n in range(draw(st.integers(0, 5))):
        parts = [
            field("TRNTYPE", draw(st.sampled_from(["DEBIT", "POS", "DIRECTDEBIT", ""]))),
            field("DTPOSTED", draw(DATE_TEXT)),
            field("TRNAMT", draw(AMOUNT_TEXT)),
            field("FITID", f"SYN{n}"),
        ]
        name = draw(st.sampled_from(["NAME", "PAYEE", "none"]))
        if name == "NAME":
            parts.append(field("NAME", draw(FIELD_TEXT)))
        elif name == "PAYEE":
            parts.append(f"<PAYEE>{field('NAME', draw(FIELD_TEXT))}</PAYEE>")
        if draw(st.booleans()):
            parts.append(field("MEMO", draw(FIELD_TEXT)))
        keep = draw(st.lists(st.booleans(), min_size=len(parts), max_size=len(parts)))
        parts = [p for p, k in zip(parts, keep, strict=True) if k or draw(st.booleans())]
        transactions.append(f"<STMTTRN>{gap}{gap.join(parts)}{gap}</STMTTRN>")
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n'
        if xml
        else "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n"
    )
    return (
        head
        + "<OFX>\n<BANKMSGSRSV1><STMTTRNRS><STMTRS>"
        + field("CURDEF", "GBP")
        + "<BANKACCTFROM>"
        + field("BANKID", "401162")
        + field("ACCTID", "31926819")
        + "</BANKACCTFROM>\n<BANKTRANLIST>"
        + field("DTSTART", "20250601")
        + field("DTEND", "20250630")
        + "\n"
        + "\n".join(transactions)
        + "\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n"
    )


def _read_or_problem(path: Path):
    try:
        return read_ofx(path)
    except StatementFileError as exc:
        return str(exc)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ofx_files())
def test_the_quick_reading_reads_as_ofxparse_alone(tmp_path, text):
    path = write(tmp_path, "statement.ofx", text)
    quick = _read_or_problem(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bank_ofx, "_transactions", _never_sure)
        whole = _read_or_problem(path)
    assert quick == whole


def _never_sure(text):
    raise bank_ofx._Unsure


@settings(max_examples=300, deadline=None)
@given(ofx_files())
def test_tags_are_closed_as_ofxparse_closes_them(text):
    from ofxparse.ofxparse import OfxPreprocessedFile

    data = text.encode("ascii", "xmlcharrefreplace")
    expected = OfxPreprocessedFile(io.BytesIO(data)).fh.read()
    assert bank_ofx._close_tags(data.decode("ascii")) == expected


def test_ofxparse_reads_only_what_is_not_a_transaction(tmp_path, monkeypatch):
    given_to_ofxparse = []
    parser = bank_ofx._parser()

    class Watched(parser):
        @classmethod
        def parse(cls, file_handle, *args, **kwargs):
            given_to_ofxparse.append(file_handle.getvalue())
            return super().parse(io.BytesIO(given_to_ofxparse[-1]), *args, **kwargs)

    monkeypatch.setattr(bank_ofx, "_parser", lambda: Watched)
    body = "".join(
        f"<STMTTRN><TRNTYPE>POS<DTPOSTED>202506{1 + n % 28:02d}<TRNAMT>-{n}.50<FITID>S{n}"
        f"<NAME>SHOP {n}</STMTTRN>\n"
        for n in range(2000)
    )
    path = write(
        tmp_path,
        "big.ofx",
        SGML.replace(
            SGML[SGML.index(b"<STMTTRN>") : SGML.index(b"</BANKTRANLIST>")], body.encode()
        ),
    )
    statement = read_ofx(path)
    assert len(statement.rows) == 2000
    assert sorted(row.line for row in statement.rows) == list(range(17, 17 + 2000))
    assert len(given_to_ofxparse) == 1 and b"<STMTTRN>" not in given_to_ofxparse[0]
    assert len(given_to_ofxparse[0]) < 2000  # the account, the dates and the bank
