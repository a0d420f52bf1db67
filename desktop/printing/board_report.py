"""The deadlines board on paper (PDF) and in a spreadsheet (CSV), with only the columns and rows
the adviser chose.

    table = BoardTable(headers, rows, made_on=today, as_of=board_day, personal=False, scope=…)
    pdf = build_board_pdf(table)      # landscape A4, reportlab (an adviser's document)
    data = board_csv(table)           # UTF-8 with a byte-order mark, for Excel

Both take a table of plain strings, made by the board's screen (desktop.ui.board_export_dialog)
from the same cell wording it shows: nothing here knows the board's rules, so printing stays
below the board in the layers.

PDF: a title, the day the board was worked out for and which rows these are, then the table
(its header repeated on every page). The footer says the date it was made and the page; when
client names are included (`personal`) it also says "Contains personal data" in bold. The
document's title is generic (file managers show it without opening the file).

CSV: UTF-8 with a byte-order mark (Excel reads the file as UTF-8 only with it), CRLF line ends,
fields quoted where needed (`csv.QUOTE_MINIMAL`). Formula injection is neutralised: a cell that
starts with "=", "+", "-" or "@" (or a tab or carriage return, which Excel also reads as the
start of a formula) gets a leading apostrophe, so a spreadsheet shows it as text and never runs
it (OWASP "CSV injection").

Pure: reads only its arguments (no clock, no files, no Qt); write the bytes with
`desktop.files.write_atomically`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from desktop.printing.common import (
    FONT,
    FONT_BOLD,
    INK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MUTED,
    RULE_GREY,
    ZEBRA_FILL,
    document,
    numbered_canvas,
    para_text,
    styles,
    table_style_commands,
    uk_date,
)

TITLE = "Deadlines board"
HEADING = "Deadlines across all clients"
PERSONAL_NOTE = "Contains personal data: keep it safe and shred it when it is no longer needed."
#: Cells starting with one of these are read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
#: Rows per table in the PDF: one huge reportlab Table is slow to split across pages.
ROWS_PER_TABLE = 150
#: How wide each column is drawn, relative to the others (unknown headers: 1).
WIDTHS = {
    "Date": 1.25,
    "Status": 1.1,
    "Client no.": 0.6,
    "Client": 1.2,
    "Deadline": 2.6,
    "In full": 3.6,
    "Kind": 0.9,
    "Rule": 1.1,
    "Adviser": 0.9,
}


@dataclass(frozen=True)
class BoardTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    made_on: date
    #: The day the board was worked out for.
    as_of: date
    #: Client names are in it (the footer says "Contains personal data").
    personal: bool
    #: Which rows these are, in words ("The 12 deadlines shown, filtered by adviser").
    scope: str = ""


# ---- CSV ---------------------------------------------------------------------------------------


def csv_cell(text: object) -> str:
    """A cell as text a spreadsheet shows and never runs (see the module's docstring)."""
    value = "" if text is None else str(text)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def board_csv(table: BoardTable) -> bytes:
    """The table as CSV bytes: UTF-8 with a byte-order mark, header row first."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return (BOM + out.getvalue()).encode("utf-8")


# ---- PDF ---------------------------------------------------------------------------------------

PAGE = landscape(A4)


def _board_canvas(made_on: date, personal: bool):
    """The house footer for a landscape page: the date made and the page number, and (names
    included) "Contains personal data"."""
    base = numbered_canvas(made_on)
    made = f"Made on {uk_date(made_on)}"

    class BoardCanvas(base):
        def _furniture(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            y = MARGIN_BOTTOM - 9 * mm
            self.setStrokeColor(RULE_GREY)
            self.setLineWidth(0.5)
            self.line(MARGIN_LEFT, y + 10, width - MARGIN_RIGHT, y + 10)
            self.setFillColor(MUTED)
            self.setFont(FONT, 8)
            self.drawString(MARGIN_LEFT, y, made)
            self.drawRightString(width - MARGIN_RIGHT, y, f"Page {number} of {total}")
            if personal:
                self.setFillColor(INK)
                self.setFont(FONT_BOLD, 8)
                self.drawString(MARGIN_LEFT, y - 10, PERSONAL_NOTE)
            self.restoreState()

    return BoardCanvas


def _widths(headers: Sequence[str], total: float) -> list[float]:
    weights = [WIDTHS.get(h, 1.0) for h in headers]
    scale = total / sum(weights)
    return [w * scale for w in weights]


def build_board_pdf(table: BoardTable) -> bytes:
    """The table as a landscape A4 PDF (bytes)."""
    st = styles()
    cell, head = st["cell"], st["cell_bold"]
    buffer = io.BytesIO()
    doc = document(buffer, TITLE, TITLE, pagesize=PAGE)
    width = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
    story: list = [
        Paragraph(HEADING, st["title"]),
        Paragraph(
            para_text(
                f"As of {uk_date(table.as_of)}" + (f". {table.scope}" if table.scope else "")
            ),
            st["subtitle"],
        ),
    ]
    header = [Paragraph(para_text(h), head) for h in table.headers]
    widths = _widths(table.headers, width)
    if not table.rows:
        story.append(Paragraph("No deadlines to show.", st["body"]))
    for start in range(0, len(table.rows), ROWS_PER_TABLE):
        chunk = table.rows[start : start + ROWS_PER_TABLE]
        data = [header] + [[Paragraph(para_text(c), cell) for c in row] for row in chunk]
        commands = table_style_commands()
        commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA_FILL) for i in range(2, len(data), 2)]
        part = Table(data, colWidths=widths, repeatRows=1)
        part.setStyle(TableStyle(commands))
        story.append(part)
        story.append(Spacer(1, 0))
    doc.build(story, canvasmaker=_board_canvas(table.made_on, table.personal))
    return buffer.getvalue()
