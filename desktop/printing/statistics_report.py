"""Statistics for funders and trustees on paper (PDF) and in a spreadsheet (CSV), from the
published counts only (desktop.rules.statistics.Statistics: small counts already shown "<5"
or "[c]"; the true counts behind them are not in it).

    data = statistics_csv(stats, centre="Northside Advice", made_on=today)
    pdf = statistics_pdf(stats, centre="Northside Advice", made_on=today)

CSV: a header block (title, centre, period, date made, the suppression note), then one table
per breakdown with the columns breakdown, value, clients, visits, matters, a blank line
between tables. UTF-8 with a byte-order mark, CRLF, formula injection neutralised as the
board's CSV does (desktop.printing.board_report.csv_cell).

PDF: A4 portrait; a title with the centre and the period; the summary; bar charts
(reportlab.graphics) of visits by month, matters opened by issue and matters closed by
outcome (a suppressed count is drawn as no bar, labelled "<5" or "[c]"); then every
breakdown's table. Nothing identifies a client: no names, dates of birth, references, ids or
hashes are ever given to this module.

Pure: reads only its arguments; write the bytes with `desktop.files.write_atomically`.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.printing.board_report import BOM, csv_cell
from desktop.printing.common import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    INK,
    ZEBRA_FILL,
    document,
    numbered_canvas,
    para_text,
    pdf_text,
    styles,
    table_style_commands,
    uk_date,
)
from desktop.rules.statistics import SUPPRESSION_NOTE, Breakdown, Count, Statistics

TITLE = "Drop-in Desk statistics"
CSV_COLUMNS = ("breakdown", "value", "clients", "visits", "matters")
BAR_FILL = colors.HexColor("#4A6FA5")
#: Bars drawn at most per chart (the rest are in the table).
CHART_BARS = 16


#: The statistics page is counts, not advice: its footer says what it is instead.
FOOTNOTE = "Counts only: no client can be named from them; small counts withheld."


def period_words(stats: Statistics) -> str:
    return f"{uk_date(stats.start)} to {uk_date(stats.end)}"


def heading(centre: str) -> str:
    centre = " ".join((centre or "").split())
    return f"Statistics: {centre}" if centre else "Statistics"


# ---- CSV ---------------------------------------------------------------------------------------


def _summary_rows(stats: Statistics) -> list[list[str]]:
    counts = dict(stats.summary)
    return [
        [
            "Summary",
            "In the period",
            counts["Clients (unique)"].text,
            counts["Visits"].text,
            counts["Matters opened"].text,
        ],
        ["Summary", "Matters closed in the period", "", "", counts["Matters closed"].text],
    ]


def _breakdown_rows(b: Breakdown) -> list[list[str]]:
    return [
        [b.title, r.label, r.clients.text, r.visits.text, r.matters.text]
        for r in (*b.rows, b.total)
    ]


def statistics_csv(stats: Statistics, centre: str, made_on: date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def row(cells) -> None:
        writer.writerow([csv_cell(c) for c in cells])

    row([TITLE])
    row(["Centre", " ".join((centre or "").split())])
    row(["Period", stats.start.isoformat(), stats.end.isoformat()])
    row(["Made on", made_on.isoformat()])
    row(["Note", SUPPRESSION_NOTE])
    tables = [_summary_rows(stats)] + [_breakdown_rows(b) for b in stats.breakdowns]
    for table in tables:
        row([])
        row(CSV_COLUMNS)
        for cells in table:
            row(cells)
    return (BOM + out.getvalue()).encode("utf-8")


# ---- PDF ---------------------------------------------------------------------------------------


def _bar_chart(title: str, labels: list[str], counts: list[Count], horizontal: bool) -> Drawing:
    """A bar chart of published counts: a suppressed one is a missing bar with its symbol."""
    labels, counts = labels[:CHART_BARS], counts[:CHART_BARS]
    values = [c.value or 0 for c in counts]
    texts = [c.text for c in counts]
    width = FRAME_WIDTH
    if horizontal:
        height = 30 + 14 * max(len(labels), 1)
        chart = HorizontalBarChart()
        chart.x, chart.y = 150, 10
        chart.width, chart.height = width - 190, height - 30
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.labels.fontSize = 7.5
        chart.categoryAxis.reverseDirection = True
        label_anchor = "w"
    else:
        height = 150
        chart = VerticalBarChart()
        chart.x, chart.y = 30, 40
        chart.width, chart.height = width - 50, height - 65
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.dx = 4
        chart.categoryAxis.labels.fontSize = 7.5
        label_anchor = "s"
    drawing = Drawing(width, height)
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = [pdf_text(x)[:40] for x in labels] or [""]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*values, 5]) * 1.15
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontName = FONT
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "values"
    chart.barLabelArray = [texts or [""]]
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = label_anchor
    chart.barLabels.dy = 2 if not horizontal else 0
    chart.barLabels.dx = 3 if horizontal else 0
    drawing.add(chart)
    drawing.add(String(0, height - 10, pdf_text(title), fontName=FONT_BOLD, fontSize=10))
    return drawing


def _table(b: Breakdown, st) -> Table:
    """The breakdown's rows and total: label, then the three counts as published."""
    cell, head = st["cell"], st["cell_bold"]
    data: list[list] = [["", "Clients", "Visits", "Matters"]]
    for r in b.rows:
        data.append([Paragraph(para_text(r.label), cell), *(c.text for c in r.cells())])
    data.append([Paragraph("Total", head), *(c.text for c in b.total.cells())])
    commands = table_style_commands()
    commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA_FILL) for i in range(2, len(data) - 1, 2)]
    commands += [
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("FONTNAME", (1, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("FONTNAME", (1, -1), (-1, -1), FONT_BOLD),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
    ]
    table = Table(data, colWidths=[FRAME_WIDTH * 0.55] + [FRAME_WIDTH * 0.15] * 3, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def statistics_pdf(stats: Statistics, centre: str, made_on: date) -> bytes:
    st = styles()
    buffer = io.BytesIO()
    doc = document(buffer, TITLE, "Counts for funders and trustees")
    counts = dict(stats.summary)
    summary = Table(
        [
            [
                Paragraph(w, st["cell_bold"])
                for w in ("Clients", "Visits", "Matters opened", "Matters closed")
            ],
            [
                Paragraph(counts[k].text, st["lead"])
                for k in ("Clients (unique)", "Visits", "Matters opened", "Matters closed")
            ],
        ],
        colWidths=[FRAME_WIDTH / 4] * 4,
    )
    summary.setStyle(TableStyle(table_style_commands()))
    story: list = [
        Paragraph(para_text(heading(centre)), st["title"]),
        Paragraph(para_text(f"{period_words(stats)}. Made on {uk_date(made_on)}."), st["subtitle"]),
        Paragraph(para_text(SUPPRESSION_NOTE), st["small"]),
        Spacer(1, 4 * mm),
        summary,
        Spacer(1, 5 * mm),
    ]
    month = stats.breakdown("month")
    issue = stats.breakdown("issue")
    outcome = stats.breakdown("outcome")
    story.append(
        _bar_chart(
            "Visits by month",
            [r.label for r in month.rows],
            [r.visits for r in month.rows],
            horizontal=False,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        _bar_chart(
            "Matters opened by issue",
            [r.label for r in issue.rows],
            [r.matters for r in issue.rows],
            horizontal=True,
        )
    )
    story.append(Spacer(1, 4 * mm))
    if outcome.rows:
        story.append(
            _bar_chart(
                "Matters closed by outcome",
                [r.label for r in outcome.rows],
                [r.matters for r in outcome.rows],
                horizontal=True,
            )
        )
    else:
        story.append(Paragraph("No matters were closed in the period.", st["body"]))
    for b in stats.breakdowns:
        part = [Paragraph(para_text(b.title), st["h2"])]
        part.append(_table(b, st) if b.rows else Paragraph("None in the period.", st["body"]))
        story.append(KeepTogether(part))
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            "Clients are people with a visit in the period or a matter open at some time in "
            "it, each counted once. Matters are those opened in the period, except under "
            "Outcome: those closed in it. A client can be in more than one row of Month, "
            "Issue, OISC category, Outcome and Centre.",
            st["small"],
        )
    )
    doc.build(story, canvasmaker=numbered_canvas(made_on, footnote=FOOTNOTE))
    return buffer.getvalue()
