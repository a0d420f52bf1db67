"""The deadlines board on paper and in a spreadsheet (desktop.printing.board_report): content,
the columns chosen, the personal-data footer, and CSV escaping."""

import csv
import io
from datetime import date

from pypdf import PdfReader

from desktop.printing.board_report import (
    PERSONAL_NOTE,
    BoardTable,
    board_csv,
    build_board_pdf,
    csv_cell,
)

MADE = date(2026, 12, 6)


def table(headers=("Date", "Status", "Client no.", "Deadline"), rows=None, personal=False):
    rows = rows or (
        ("Sun 29 Nov 2026", "Overdue: 7 days ago", "12", "Last day to appeal."),
        ("Mon 7 Dec 2026", "In 1 day", "31", "Permission ends."),
    )
    return BoardTable(tuple(headers), tuple(rows), MADE, MADE, personal, "The 2 deadlines shown")


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_the_rows_the_columns_chosen_and_the_date_made():
    text = pdf_text(build_board_pdf(table()))
    for expected in (
        "Deadlines across all clients",
        "As of 6 December 2026",
        "The 2 deadlines shown",
        "Client no.",
        "Last day to appeal.",
        "Overdue: 7 days ago",
        "Made on 6 December 2026",
        "Page 1 of 1",
    ):
        assert expected in text
    assert "Adviser" not in text  # not chosen
    assert "Contains personal data" not in text  # no names


def test_pdf_with_client_names_says_it_contains_personal_data_on_every_page():
    rows = tuple(("Mon 7 Dec 2026", f"Client {i}", "Permission ends.") for i in range(400))
    data = build_board_pdf(table(("Date", "Client", "Deadline"), rows, personal=True))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    for page in reader.pages:
        text = page.extract_text()
        assert PERSONAL_NOTE.split(":")[0] in text
        assert "Date" in text and "Client" in text  # the header on every page
    assert "Client 399" in pdf_text(data)


def test_pdf_of_no_rows_says_so():
    empty = BoardTable(("Date",), (), MADE, MADE, False)
    assert "No deadlines to show." in pdf_text(build_board_pdf(empty))


def test_csv_is_utf8_with_bom_crlf_and_only_the_columns_chosen():
    data = board_csv(table(("Date", "Deadline")[:2], rows=(("Mon 7 Dec 2026", 'Zoë\'s, "a"'),)))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Date", "Deadline"], ["Mon 7 Dec 2026", 'Zoë\'s, "a"']]


def test_csv_neutralises_formula_injection():
    for bad in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(bad) == "'" + bad
    for fine in ("Ali", "2026", "", "a=b", "Permission ends - apply"):
        assert csv_cell(fine) == fine
    data = board_csv(table(("Client",), rows=(("=cmd|' /C calc'!A0",),), personal=True))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0"]
