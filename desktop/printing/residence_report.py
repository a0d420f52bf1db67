"""The printed residence report: an A4 PDF for the client's file.

    pdf = build_residence_report(history, timeline, client_name="…", reference="Client 12",
                                 adviser="…", made_on=date.today())

In this order: the header (who, which route, which dates), the verdict in plain words with its
reasons, a year-planner calendar of every day (vector shapes: each status's colour *and*
pattern from `desktop.status_style`, so a greyscale print still tells them apart), the trips
outside the UK, the worst 12 months and every window over a limit, time not counted and
breaches, deadlines, and the notes and what is missing. Every page has the footer "This is not
legal advice; check the current Immigration Rules.", the date made and "Page N of M".

A record that stops before today says so on the first page as loudly as the verdict (a box in
the deadline red under it: the status is unknown, the client may be an overstayer), and every
date that rests on permission having continued after the record says so where it is printed.
The days-abroad figures count planned trips inside the period and say how many days those are.
The calendar's legend has every day status, "waiting for a decision (not counted)" and "status
unknown" included.

Pure: reads only its arguments (no clock unless `made_on` is left out, no files, no Qt), so it
can run on a worker thread or from the command line. The engine's sentences are printed as
they are, each writing its own dates the UK way ("3 March 2021").
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.datetext import MONTH_ABBRS
from desktop.printing.common import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    INK,
    MUTED,
    RULE_GREY,
    ZEBRA_FILL,
    document,
    draw_pattern,
    draw_swatch,
    fill_cells,
    hex_color,
    numbered_canvas,
    para_text,
    pdf_text,
    sentence,
    shorten,
    styles,
    table_style_commands,
    uk_date,
)
from desktop.rules.day_timeline import DayTimeline
from desktop.rules.history import ROUTES, History
from desktop.rules.residence import deciding_reason, verdict_line
from desktop.rules.wording import FEE_NOT_VERIFIED
from desktop.status_style import (
    ASSUMED_ALPHA,
    DEADLINE_MARK,
    NO_RECORD_FILL,
    OVER_LIMIT_OUTLINE,
    PERIOD_MARK,
    STYLES,
    TODAY_MARK,
    WORST_WINDOW_OUTLINE,
    legend,
)

__all__ = ["TITLE", "build_residence_report", "verdict_words", "whole_days"]

TITLE = "Residence report"
#: Longest free text printed: names and references in the header, a trip's reason in its row.
TEXT_LIMIT = 120
REASON_LIMIT = 300
#: A section title needs this much room below it on the page, or it starts the next page.
HEADING_ROOM = 90

_S = styles()


def whole_days(left: date, returned: date) -> int:
    """Whole days outside the UK on a trip: the days of leaving and coming back are not."""
    return max(0, (returned - left).days - 1)


#: The words after a date that rests on permission having continued after the record.
ASSUMED = "only if permission continued after {ends}"
ATTENTION_RED = colors.HexColor(DEADLINE_MARK)
ATTENTION_FILL = colors.HexColor("#FDECEA")


def _assumed(a) -> str:
    return ASSUMED.format(ends=uk_date(a.record_ends)) if a.record_ends is not None else ""


def _dated(a, day: date | None, empty: str = "") -> str:
    """A date of the verdict, saying so when it falls after the end of a record that stops
    before today (it then rests on permission having continued)."""
    if day is None:
        return empty
    if a.record_ends is not None and day > a.record_ends:
        return f"{uk_date(day)} ({_assumed(a)})"
    return uk_date(day)


def days_outside_words(a) -> str:
    """ "N whole days outside the UK, including P on planned trips" (the planned part only when
    there is one)."""
    text = f"{a.absence_days_total} whole days outside the UK"
    planned = getattr(a, "absence_days_planned", 0)
    if planned:
        text += f", including {planned} on planned trips"
    return text


def verdict_words(timeline: DayTimeline) -> str:
    """The verdict in a few words: eligible / not yet (earliest date) / not eligible /
    already settled; a verdict that would rest on permission having continued after the record
    is never "eligible" on its own: it says what it rests on."""
    a = timeline.assessment
    if a.settled_since is not None:
        return f"Already settled (since {uk_date(a.settled_since)})"
    what_if = a.if_permission_continued
    if what_if is not None:
        if what_if.eligible:
            return (
                f"Eligible on {uk_date(a.application_date)} {_assumed(a)}: check the client's "
                "status now"
            )
        if what_if.earliest_application_date is not None:
            return (
                "Not yet: the earliest date to apply would be "
                f"{uk_date(what_if.earliest_application_date)}, {_assumed(a)}"
            )
        return "Not eligible on this history"
    if a.eligible:
        return f"Eligible on {uk_date(a.application_date)}"
    if a.earliest_application_date is not None:
        return f"Not yet: the earliest date to apply is {uk_date(a.earliest_application_date)}"
    return "Not eligible on this history"


def build_residence_report(
    history: History,
    timeline: DayTimeline,
    *,
    client_name: str | None = None,
    reference: str | None = None,
    adviser: str | None = None,
    made_on: date | None = None,
    today: date | None = None,
    route_label: str | None = None,
) -> bytes:
    """The report as PDF bytes.

    `history` is the one the timeline was made from (its trips fill the absences table);
    `client_name` defaults to the history's person name; `reference` is what the file is kept
    under (e.g. "Home Office ref A1234567 · Client 12"); `made_on` (default: the computer's
    date) goes in the header and footer; `today` (default: `made_on`) is marked on the
    calendar; `route_label` defaults to the route's name in `ROUTES`.
    """
    made_on = made_on or date.today()
    today = today or made_on
    name = shorten(client_name if client_name is not None else history.person.name, TEXT_LIMIT)
    reference = shorten(reference, TEXT_LIMIT)
    adviser = shorten(adviser, TEXT_LIMIT)
    label = route_label or ROUTES.get(timeline.route, timeline.route)
    buffer = io.BytesIO()
    doc = document(buffer, TITLE, f"{TITLE}: {pdf_text(label)}")
    running = " · ".join(p for p in (TITLE, name, reference) if p)  # any script: draw_text
    story: list[Flowable] = []
    story += _header(timeline, name, reference, adviser, made_on, label)
    story += _verdict(timeline)
    story += _calendar(timeline, today)
    story += _absences(history, timeline)
    story += _windows(timeline)
    story += _uncounted_and_breaches(timeline)
    story += _deadlines(timeline)
    story += _notes(timeline)
    doc.build(story, canvasmaker=numbered_canvas(made_on, running))
    return buffer.getvalue()


# ---- sections --------------------------------------------------------------------------------


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, _S[style])


def _heading(text: str) -> list[Flowable]:
    """A section title, moved to the next page with its section when too little room is left
    under it (not KeepTogether: a long table would then always start a new page)."""
    return [CondPageBreak(HEADING_ROOM), _p(para_text(text), "h2")]


def _cell(text: str | None, bold: bool = False) -> Paragraph:
    return Paragraph(para_text(text), _S["cell_bold" if bold else "cell"])


def _table(
    rows: list[list], widths: Sequence[float], extra: Iterable[tuple] = (), zebra: bool = True
) -> Table:
    """A table whose header row repeats on every page it runs onto."""
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = table_style_commands()
    if zebra:
        for i in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, i), (-1, i), ZEBRA_FILL))
    commands.extend(extra)
    table.setStyle(TableStyle(commands))
    return table


def _header(timeline, name, reference, adviser, made_on, label) -> list[Flowable]:
    a = timeline.assessment
    facts = [
        ("Client", name or "Not recorded", "Reference", reference or "Not recorded"),
        ("Route asked", label, "Application date", uk_date(a.application_date)),
        ("Report made", uk_date(made_on), "Rules in force", uk_date(a.rules_in_force)),
        (
            "Adviser",
            adviser or "Not recorded",
            "Calendar covers",
            f"{uk_date(timeline.first_day)} to {uk_date(timeline.last_day)}",
        ),
    ]
    rows = [
        [_cell(k1, bold=True), _cell(v1), _cell(k2, bold=True), _cell(v2)]
        for k1, v1, k2, v2 in facts
    ]
    table = Table(rows, colWidths=[62, 205, 78, FRAME_WIDTH - 345], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE_GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [
        _p(TITLE, "title"),
        _p(
            "How the Immigration Rules' residence and absence requirements apply to the "
            "history recorded, for the client's file.",
            "subtitle",
        ),
        table,
    ]


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _box(inner: list[Flowable], ink=INK, fill=None) -> Table:
    box = Table([[inner]], colWidths=[FRAME_WIDTH], hAlign="LEFT")
    commands = [
        ("BOX", (0, 0), (-1, -1), 0.8, ink),
        ("LINEBEFORE", (0, 0), (0, -1), 4, ink),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]
    if fill is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), fill))
    box.setStyle(TableStyle(commands))
    return box


def status_unknown_words(a) -> tuple[str, str] | None:
    """The first page's warning for a record that stops before today: (headline, sentence),
    None when the record does not stop."""
    if a.status_unknown_since is None or a.record_ends is None:
        return None
    ends = uk_date(a.record_ends)
    return (
        f"Status unknown since {uk_date(a.status_unknown_since)}: possible overstayer",
        f"Nothing is recorded after {ends}. Check the client's immigration status now: record "
        "a new permission or a pending application, or that there is no permission. Every "
        f"date in this report after {ends} rests on permission having continued, and says so.",
    )


def _verdict(timeline: DayTimeline) -> list[Flowable]:
    a = timeline.assessment
    line = verdict_line(a)
    resting = a.if_permission_continued is not None
    inner: list[Flowable] = [
        _p(para_text(verdict_words(timeline)), "verdict"),
        _p(para_text(sentence(line)), "lead"),
    ]
    deciding = None if a.eligible else deciding_reason(a)
    if deciding is not None and str(deciding) not in line:
        inner.append(_p(f"<b>What decides it:</b> {para_text(sentence(deciding))}"))
    box = _box(inner, ATTENTION_RED if resting else INK)
    warning: list[Flowable] = []
    unknown = status_unknown_words(a)
    if unknown is not None:
        head, text = unknown
        warning = [
            Spacer(1, 5),
            _box(
                [_p(para_text(head), "verdict"), _p(para_text(text), "lead")],
                ATTENTION_RED,
                ATTENTION_FILL,
            ),
        ]
    period = "Not worked out on this history"
    if a.qualifying_from is not None or a.complete_on is not None:
        period = (
            f"from {uk_date(a.qualifying_from, 'not known')} "
            f"to complete on {_dated(a, a.complete_on, 'not known')}"
        )
    facts = [("Qualifying period", period)]
    if a.counted_back_from is not None and a.counted_back_from != a.qualifying_from:
        facts.append(("Counted back from", uk_date(a.counted_back_from)))
    if a.earliest_application_date is not None:
        facts.append(("Earliest date to apply", _dated(a, a.earliest_application_date)))
    what_if = a.if_permission_continued
    if what_if is not None:
        if what_if.earliest_application_date is not None:
            projected = f"earliest date to apply {uk_date(what_if.earliest_application_date)}"
        else:
            projected = "no date can be given"
        if what_if.complete_on is not None:
            projected += f"; qualifying period complete on {uk_date(what_if.complete_on)}"
        facts.append((f"What if (not the verdict): {_assumed(a)}", projected))
    facts.append(("Continuity broken", _yes_no(a.continuity_broken)))
    facts.append(("Whole days outside the UK in the period", days_outside_words(a)))
    w = a.max_window
    if w.days and w.start is not None and w.end is not None:
        worst = f"{w.days} days ({uk_date(w.start)} to {uk_date(w.end)})"
    else:
        worst = f"{w.days} days"
    facts.append(("Worst 12 months", worst))
    if a.record_ends is not None:
        facts.append(
            (
                "Record ends",
                f"{uk_date(a.record_ends)}: nothing is recorded since, the status is unknown "
                "(later days are projected as if permission continued, not known)",
            )
        )
    rows = [[_cell(k, bold=True), _cell(v)] for k, v in facts]
    table = Table(rows, colWidths=[150, FRAME_WIDTH - 150], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    reasons = [Paragraph(para_text(sentence(r)), _S["bullet"], bulletText="•") for r in a.reasons]
    return [
        *_heading("The verdict"),
        box,
        *warning,
        Spacer(1, 5),
        table,
        Spacer(1, 4),
        _p("<b>Why</b>", "body"),
        *reasons,
    ]


def _absences(history: History, timeline: DayTimeline) -> list[Flowable]:
    out: list[Flowable] = _heading("Trips outside the UK")
    trips = sorted(enumerate(history.absences), key=lambda it: (it[1].left, it[1].returned, it[0]))
    if not trips:
        return [*out, _p("No trips outside the UK are recorded.")]
    rows: list[list] = [
        [
            _cell("No.", True),
            _cell("Left", True),
            _cell("Returned", True),
            _cell("Whole days outside", True),
            _cell("Reason", True),
            _cell("Planned", True),
            _cell("Exceptional", True),
        ]
    ]
    total = 0
    for index, trip in trips:
        days = whole_days(trip.left, trip.returned)
        total += days
        rows.append(
            [
                # The record's number, as the reasons name it ("trip 3"), in date order.
                _cell(str(index + 1)),
                _cell(uk_date(trip.left)),
                _cell(uk_date(trip.returned)),
                _cell(str(days)),
                _cell(shorten(trip.reason, REASON_LIMIT)),
                _cell("Planned" if trip.planned else ""),
                _cell("Exceptional" if trip.exceptional else ""),
            ]
        )
    count = len(trips)
    rows.append(
        [
            _cell(f"Total: {count} trip{'s' if count != 1 else ''}", True),
            "",
            "",
            _cell(str(total), True),
            _cell("whole days outside the UK, all trips"),
            "",
            "",
        ]
    )
    table = _table(
        rows,
        [22, 84, 84, 56, 168, 42, FRAME_WIDTH - 456],
        extra=[
            ("NOSPLIT", (0, -2), (-1, -1)),  # the totals never start a page on their own
            ("SPAN", (0, -1), (2, -1)),
            ("SPAN", (4, -1), (6, -1)),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
            ("BACKGROUND", (0, -1), (-1, -1), colors.white),
        ],
    )
    a = timeline.assessment
    note = (
        "The days of leaving and of coming back are days in the UK: only the whole days in "
        "between are counted. A trip marked exceptional had a serious or compelling reason and "
        "is not counted towards the limit."
    )
    if a.qualifying_from is not None:
        note += (
            f" In the qualifying period ({uk_date(a.qualifying_from)} to "
            f"{_dated(a, a.complete_on or a.application_date)}): {days_outside_words(a)}."
        )
    return [*out, _p(para_text(note), "small"), Spacer(1, 3), table]


def _windows(timeline: DayTimeline) -> list[Flowable]:
    out: list[Flowable] = _heading("The worst 12 months and windows over a limit")
    rows: list[list] = [
        [
            _cell("What", True),
            _cell("From", True),
            _cell("To", True),
            _cell("Days", True),
            _cell("Rule", True),
            _cell("Why", True),
        ]
    ]
    w = timeline.worst_window
    if w.start is not None and w.end is not None:
        rows.append(
            [
                _cell("Worst 12 months in the qualifying period", True),
                _cell(uk_date(w.start)),
                _cell(uk_date(w.end)),
                _cell(str(w.days)),
                _cell(""),
                _cell("The most whole days outside the UK in any 12 months of the period."),
            ]
        )
    for b in timeline.over_limit:
        rows.append(
            [
                _cell("Over a limit"),
                _cell(uk_date(b.start)),
                _cell(uk_date(b.end)),
                _cell(str(b.days)),
                _cell(b.rule),
                _cell(sentence(b.why)),
            ]
        )
    if len(rows) == 1:
        return [*out, _p("There are no trips outside the UK in the qualifying period.")]
    table = _table(
        rows,
        [80, 84, 84, 30, 52, FRAME_WIDTH - 330],
        extra=[("ALIGN", (3, 1), (3, -1), "RIGHT")],
    )
    if not timeline.over_limit:
        return [*out, table, Spacer(1, 3), _p("No 12-month window or block is over its limit.")]
    return [*out, table]


def _uncounted_and_breaches(timeline: DayTimeline) -> list[Flowable]:
    a = timeline.assessment
    out: list[Flowable] = _heading("Time not counted, breaches and risks")
    if a.uncounted_periods:
        rows: list[list] = [
            [_cell("Not counted: from", True), _cell("To", True), _cell("Rule", True)]
            + [_cell("Why", True)]
        ]
        for u in a.uncounted_periods:
            rows.append(
                [
                    _cell(uk_date(u.start)),
                    _cell(uk_date(u.end)),
                    _cell(u.rule),
                    _cell(sentence(u.why)),
                ]
            )
        out.append(_table(rows, [84, 84, 72, FRAME_WIDTH - 240]))
    else:
        out.append(_p("No time in the qualifying period is left out of the count."))
    out.append(Spacer(1, 6))
    for title, items, none in (
        ("Breach: from", a.breaches, "Nothing breaks the qualifying period."),
        ("Risk: from", a.risks, "No risks are flagged."),
    ):
        if not items:
            out.append(_p(none))
            out.append(Spacer(1, 6))
            continue
        rows = [
            [
                _cell(title, True),
                _cell("To", True),
                _cell("Days", True),
                _cell("Rule", True),
                _cell("Why", True),
            ]
        ]
        for b in items:
            rows.append(
                [
                    _cell(uk_date(b.start)),
                    _cell(uk_date(b.end)),
                    _cell(str(b.days)),
                    _cell(b.rule),
                    _cell(sentence(b.why)),
                ]
            )
        out.append(
            _table(
                rows,
                [84, 84, 32, 66, FRAME_WIDTH - 266],
                extra=[("ALIGN", (2, 1), (2, -1), "RIGHT")],
            )
        )
        out.append(Spacer(1, 6))
    return out


def _deadlines(timeline: DayTimeline) -> list[Flowable]:
    a = timeline.assessment
    out: list[Flowable] = _heading("Deadlines")
    if not a.deadlines:
        return [*out, _p("No deadlines follow from this history.")]
    rows: list[list] = [
        [_cell("Date", True), _cell("What", True), _cell("Rule", True), _cell("Status", True)]
    ]
    extra = []
    for d in a.deadlines:
        what = sentence(d)
        if d.next_working_day is not None and d.next_working_day != d.date:
            what += (
                f" (not a working day: in time on the next working day, "
                f"{uk_date(d.next_working_day)})"
            )
        rows.append(
            [
                _cell(uk_date(d.date), bold=d.status in ("upcoming", "attention")),
                _cell(what),
                _cell(d.rule),
                _cell(
                    DEADLINE_STATUS_WORDS.get(d.status, d.status),
                    bold=d.status in ("upcoming", "attention"),
                ),
            ]
        )
        if d.status == "attention":  # never ages out: shaded like the first page's warning
            extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), ATTENTION_FILL))
    return [*out, _table(rows, [80, 292, 84, FRAME_WIDTH - 456], extra=extra)]


#: A deadline's status in the report's Status column.
DEADLINE_STATUS_WORDS = {
    "passed": "Passed",
    "upcoming": "Upcoming",
    "met": "Done in time",
    "attention": "Needs attention now",
}


#: What the paper says instead of a fee the data holds but nobody has verified (issue 18: an
#: unverified figure is never printed on client paper as fact). The screen keeps the figure,
#: marked, for the adviser.
UNVERIFIED_FEE_ON_PAPER = (
    "Fee: the figure we hold has not yet been checked against the law, so it is not printed "
    "here. Ask your adviser what the fee is on the day you apply."
)


def notes_for_paper(notes: Iterable[str]) -> list[str]:
    """The engine's notes as the paper prints them: a note stating an unverified fee
    (desktop.rules.wording.FEE_NOT_VERIFIED) becomes UNVERIFIED_FEE_ON_PAPER, once."""
    out: list[str] = []
    for note in notes:
        if FEE_NOT_VERIFIED in note:
            note = UNVERIFIED_FEE_ON_PAPER
        if note not in out:
            out.append(note)
    return out


def _notes(timeline: DayTimeline) -> list[Flowable]:
    a = timeline.assessment
    out: list[Flowable] = _heading("Notes")
    notes = notes_for_paper(a.notes)
    if notes:
        out += [Paragraph(para_text(sentence(n)), _S["bullet"], bulletText="•") for n in notes]
    else:
        out.append(_p("No notes."))
    out += _heading("What is missing")
    if a.missing:
        out += [Paragraph(para_text(sentence(m)), _S["bullet"], bulletText="•") for m in a.missing]
    else:
        out.append(_p("Nothing the engine needs is missing from the record."))
    return out


# ---- the calendar ----------------------------------------------------------------------------

#: Calendar geometry (points). Two year blocks side by side; one row per month, 31 day columns.
BLOCK_GUTTER = 16.0
MONTH_LABEL_W = 15.0
ROW_H = 6.8
YEAR_TITLE_H = 10.0
DAY_HEADER_H = 6.5
BLOCK_GAP = 8.0
CELL_GAP = 0.7
TITLE_H = 16.0
INTRO_H = 12.0
CALENDAR_INTRO = (
    "One row a month, one square a day. Each status has its own colour, pattern and letter, "
    "so the calendar reads in black and white too."
)
#: A run of at least this many days in a month row shows its status letter on the first day.
MARK_RUN = 3

_MARKERS = ("period", "application", "today", "deadline")


@dataclass
class _Days:
    """What the calendar needs per day, worked out once for the whole report."""

    status: dict[int, tuple[str, bool]]  # ordinal -> (status, assumed)
    over_limit: frozenset[int]
    worst: frozenset[int]
    markers: dict[int, list[str]]
    years: list[int]


def _days(timeline: DayTimeline, today: date) -> _Days:
    status: dict[int, tuple[str, bool]] = {}
    for s in timeline.stretches:
        value = (s.status, s.assumed)
        for o in range(s.start.toordinal(), s.end.toordinal() + 1):
            status[o] = value
    over: set[int] = set()
    for b in timeline.over_limit:
        over.update(range(b.start.toordinal(), b.end.toordinal() + 1))
    w = timeline.worst_window
    worst: frozenset[int] = frozenset()
    if w.days and w.start is not None and w.end is not None:
        worst = frozenset(range(w.start.toordinal(), w.end.toordinal() + 1))
    a = timeline.assessment
    markers: dict[int, list[str]] = {}

    def mark(day: date | None, kind: str) -> None:
        if day is not None and kind not in markers.setdefault(day.toordinal(), []):
            markers[day.toordinal()].append(kind)

    mark(a.qualifying_from, "period")
    mark(a.complete_on, "period")
    mark(a.application_date, "application")
    mark(today, "today")
    for d in a.deadlines:
        mark(d.date, "deadline")
    first = timeline.first_day.year
    last = timeline.last_day.year
    return _Days(status, frozenset(over), worst, markers, list(range(first, last + 1)))


class YearPlanner(Flowable):
    """Some years of the calendar under a title and the key, two year blocks a row.

    Splits between rows of blocks across pages; every part repeats the title ("continued")
    and the key, so a page read on its own still explains its colours and patterns."""

    def __init__(self, days: _Days, years: Sequence[int], continued: bool = False):
        super().__init__()
        self.days = days
        self.years = list(years)
        self.continued = continued
        self.width = FRAME_WIDTH
        self.block_w = (FRAME_WIDTH - BLOCK_GUTTER) / 2
        self.col_w = (self.block_w - MONTH_LABEL_W) / 31
        self.block_h = YEAR_TITLE_H + DAY_HEADER_H + 12 * ROW_H
        self.legend = Legend()
        self._legend_h = self.legend.wrap(FRAME_WIDTH, 1000)[1]

    def _title(self) -> str:
        if self.continued:
            return f"The calendar (continued): {self.years[0]} to {self.years[-1]}"
        return "The calendar"

    def _head_h(self) -> float:
        return TITLE_H + (0 if self.continued else INTRO_H) + self._legend_h + 6

    def _rows(self, years: int) -> int:
        return (years + 1) // 2

    def _height(self, rows: int) -> float:
        return self._head_h() + rows * self.block_h + max(0, rows - 1) * BLOCK_GAP

    # platypus
    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        self.height = self._height(self._rows(len(self.years)))
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        rows = self._rows(len(self.years))
        fit = 0
        while fit < rows and self._height(fit + 1) <= availHeight:
            fit += 1
        if fit == 0:
            return []  # not even one row of years: the whole calendar moves to the next page
        if fit >= rows:
            return [self]
        cut = 2 * fit
        return [
            YearPlanner(self.days, self.years[:cut], self.continued),
            YearPlanner(self.days, self.years[cut:], continued=True),
        ]

    def getSpaceBefore(self):  # noqa: N802
        return 8.0

    # drawing
    def draw(self):
        c = self.canv
        top = self.height
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 12)
        c.drawString(0, top - 12, self._title())
        top -= TITLE_H
        if not self.continued:
            c.setFont(FONT, 8)
            c.setFillColor(MUTED)
            c.drawString(0, top - 8, CALENDAR_INTRO)
            top -= INTRO_H
        self.legend.drawOn(c, 0, top - self._legend_h)
        top -= self._legend_h + 6
        for i, year in enumerate(self.years):
            row, col = divmod(i, 2)
            x = col * (self.block_w + BLOCK_GUTTER)
            y_top = top - row * (self.block_h + BLOCK_GAP)
            self._block(year, x, y_top)

    def _cell_origin(self, x: float, y_top: float, month: int, day: int) -> tuple[float, float]:
        """Bottom-left corner of the cell's pitch (the grid square, gaps included)."""
        cx = x + MONTH_LABEL_W + (day - 1) * self.col_w
        cy = y_top - YEAR_TITLE_H - DAY_HEADER_H - month * ROW_H
        return cx, cy

    def _block(self, year: int, x: float, y_top: float) -> None:
        c = self.canv
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 8.5)
        c.drawString(x, y_top - 8, str(year))
        c.setFont(FONT, 4.8)
        c.setFillColor(MUTED)
        for d in (1, 5, 10, 15, 20, 25, 31):
            cx, _ = self._cell_origin(x, y_top, 1, d)
            c.drawCentredString(
                cx + self.col_w / 2, y_top - YEAR_TITLE_H - DAY_HEADER_H + 1.6, str(d)
            )
        g = CELL_GAP / 2
        w, h = self.col_w - CELL_GAP, ROW_H - CELL_GAP
        status = self.days.status
        letters: list[tuple[float, float, str, str]] = []
        for month in range(1, 13):
            _, cy = self._cell_origin(x, y_top, month, 1)
            c.setFont(FONT, 5.5)
            c.setFillColor(INK)
            c.drawString(x, cy + 1.5, MONTH_ABBRS[month - 1])
            first = date(year, month, 1)
            length = _month_length(year, month)
            runs: list[tuple[tuple[str, bool] | None, list[tuple[float, float, float, float]]]] = []
            base = first.toordinal()
            for day in range(1, length + 1):
                key = status.get(base + day - 1)
                px, _ = self._cell_origin(x, y_top, month, day)
                rect = (px + g, cy + g, w, h)
                if runs and runs[-1][0] == key:
                    runs[-1][1].append(rect)
                else:
                    runs.append((key, [rect]))
            for key, cells in runs:
                if key is None:
                    fill_cells(c, cells, NO_RECORD_FILL)
                    c.setStrokeColor(colors.HexColor("#BBBBBB"))
                    c.setLineWidth(0.3)
                    for cell in cells:
                        c.rect(*cell, stroke=1, fill=0)
                    continue
                st, assumed = key
                style = STYLES[st]
                alpha = ASSUMED_ALPHA if assumed else 1.0
                fill_cells(c, cells, style.fill, alpha)
                draw_pattern(c, style.pattern, style.ink, cells, alpha)
                if st != "counted" and len(cells) >= MARK_RUN:
                    letters.append((cells[0][0], cells[0][1], style.mark, style.ink))
        self._letters(letters)
        self._outline(year, x, y_top, self.days.over_limit, OVER_LIMIT_OUTLINE, 1.8, [2.2, 1.2])
        self._outline(year, x, y_top, self.days.worst, WORST_WINDOW_OUTLINE, 0.9, None)
        self._markers(year, x, y_top)

    def _letters(self, letters: list[tuple[float, float, str, str]]) -> None:
        """The status letter on the first day of a run: tells apart statuses whose pattern
        is the same (outside the UK and custody) in greyscale."""
        c = self.canv
        w, h = self.col_w - CELL_GAP, ROW_H - CELL_GAP
        c.setFont(FONT_BOLD, 5.2)
        for x, y, letter, ink in letters:
            c.setFillColor(colors.white)
            c.rect(x + 0.5, y + 0.4, w - 1.0, h - 0.8, stroke=0, fill=1)
            c.setFillColor(hex_color(ink))
            c.drawCentredString(x + w / 2, y + 1.25, letter)

    def _inside(self, ordinals: frozenset[int], year: int, month: int, day: int) -> bool:
        """Whether the cell (month, day) of this year's block is in `ordinals`. The empty
        cells after a short month's end (30 February) count as inside when the days either
        side of them are, so a window running across months has no notches."""
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return False
        first = date(year, month, 1).toordinal()
        length = _month_length(year, month)
        if day <= length:
            return first + day - 1 in ordinals
        return first + length - 1 in ordinals and first + length in ordinals

    def _outline(self, year, x, y_top, ordinals, colour, width, dash) -> None:
        """The edge of the days in `ordinals` in this year's block (a window across months
        is one shape: edges are drawn where a cell's neighbour is outside)."""
        lo, hi = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        if not ordinals or max(ordinals) < lo or min(ordinals) > hi:
            return
        horizontal: dict[float, list[tuple[float, float]]] = {}
        vertical: dict[float, list[tuple[float, float]]] = {}
        cw = self.col_w
        for month in range(1, 13):
            for day in range(1, 32):
                if not self._inside(ordinals, year, month, day):
                    continue
                px, py = self._cell_origin(x, y_top, month, day)
                if not self._inside(ordinals, year, month, day - 1):
                    vertical.setdefault(round(px, 3), []).append((py, py + ROW_H))
                if not self._inside(ordinals, year, month, day + 1):
                    vertical.setdefault(round(px + cw, 3), []).append((py, py + ROW_H))
                if not self._inside(ordinals, year, month - 1, day):  # the row above
                    horizontal.setdefault(round(py + ROW_H, 3), []).append((px, px + cw))
                if not self._inside(ordinals, year, month + 1, day):  # the row below
                    horizontal.setdefault(round(py, 3), []).append((px, px + cw))
        if not horizontal and not vertical:
            return
        c = self.canv
        c.saveState()
        c.setStrokeColor(hex_color(colour))
        c.setLineWidth(width)
        c.setLineCap(2 if dash is None else 0)
        if dash:
            c.setDash(dash)
        path = c.beginPath()
        for y, spans in horizontal.items():
            for a, b in _merge(spans):
                path.moveTo(a, y)
                path.lineTo(b, y)
        for xx, spans in vertical.items():
            for a, b in _merge(spans):
                path.moveTo(xx, a)
                path.lineTo(xx, b)
        c.drawPath(path, stroke=1, fill=0)
        c.restoreState()

    def _markers(self, year: int, x: float, y_top: float) -> None:
        lo, hi = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        for ordinal, kinds in self.days.markers.items():
            if not lo <= ordinal <= hi:
                continue
            d = date.fromordinal(ordinal)
            px, py = self._cell_origin(x, y_top, d.month, d.day)
            cx, cy = px + self.col_w / 2, py + ROW_H / 2
            for kind in kinds:
                draw_marker(self.canv, kind, cx, cy, min(self.col_w, ROW_H))


def _month_length(year: int, month: int) -> int:
    return (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 0.01:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def draw_marker(c, kind: str, cx: float, cy: float, size: float) -> None:
    """Day marks, told apart by shape as well as colour: a diamond for the qualifying period's
    start and completion, a square for the application date, a ring for today and a triangle
    for a deadline."""
    r = size * 0.5
    c.saveState()
    c.setLineWidth(0.6)
    c.setStrokeColor(colors.white)
    path = c.beginPath()
    if kind == "period":
        c.setFillColor(hex_color(PERIOD_MARK))
        path.moveTo(cx, cy + r * 1.1)
        path.lineTo(cx + r * 0.95, cy)
        path.lineTo(cx, cy - r * 1.1)
        path.lineTo(cx - r * 0.95, cy)
        path.close()
        c.drawPath(path, stroke=1, fill=1)
    elif kind == "application":
        c.setFillColor(colors.black)
        s = r * 0.8
        path.rect(cx - s, cy - s, 2 * s, 2 * s)
        c.drawPath(path, stroke=1, fill=1)
    elif kind == "today":
        # A ring, hollow so a mark on the same day (the application date) shows through;
        # a white halo keeps it visible on dark patterns.
        c.setLineWidth(1.9)
        c.circle(cx, cy, r * 0.85, stroke=1, fill=0)
        c.setStrokeColor(hex_color(TODAY_MARK))
        c.setLineWidth(0.9)
        c.circle(cx, cy, r * 0.85, stroke=1, fill=0)
    elif kind == "deadline":
        c.setFillColor(hex_color(DEADLINE_MARK))
        path.moveTo(cx - r, cy + r * 0.9)
        path.lineTo(cx + r, cy + r * 0.9)
        path.lineTo(cx, cy - r * 0.9)
        path.close()
        c.drawPath(path, stroke=1, fill=1)
    c.restoreState()


class Legend(Flowable):
    """The key: for each status its swatch (colour and pattern), its letter and its label;
    then the projected and unrecorded days, the outlines and the day marks."""

    FONT_SIZE = 7.5
    ITEM_H = 11.0
    SWATCH_W = 14.0
    SWATCH_H = 8.0

    def __init__(self):
        super().__init__()
        self.width = FRAME_WIDTH
        self._items = self._make_items()

    def _make_items(self) -> list[tuple[str, object, str]]:
        items: list[tuple[str, object, str]] = []
        for style in legend():
            items.append(("status", style, style.label))
        items.append(
            ("assumed", STYLES["counted"], "Paler: after the end of the record (projected)")
        )
        items.append(("none", None, "No record"))
        items.append(("worst", None, "Worst 12 months"))
        items.append(("over", None, "Over a limit"))
        items.append(("period", None, "Qualifying period: start and completion"))
        items.append(("application", None, "Application date"))
        items.append(("today", None, "Today"))
        items.append(("deadline", None, "Deadline"))
        return items

    def _item_width(self, kind: str, text: str) -> float:
        lead = self.SWATCH_W + 3
        if kind == "status":
            lead += 8
        return lead + stringWidth(pdf_text(text), FONT, self.FONT_SIZE) + 12

    def _layout(self, width: float) -> list[list[tuple[float, str, object, str]]]:
        lines: list[list[tuple[float, str, object, str]]] = [[]]
        cursor = 0.0
        for kind, style, text in self._items:
            w = self._item_width(kind, text)
            if lines[-1] and cursor + w > width:
                lines.append([])
                cursor = 0.0
            lines[-1].append((cursor, kind, style, text))
            cursor += w
        return lines

    def wrap(self, availWidth, availHeight):  # noqa: N803
        self._lines = self._layout(availWidth)
        self.height = len(self._lines) * self.ITEM_H + 2
        return availWidth, self.height

    def draw(self):
        c = self.canv
        sw, sh = self.SWATCH_W, self.SWATCH_H
        for i, line in enumerate(self._lines):
            y = self.height - (i + 1) * self.ITEM_H + 2
            for x, kind, style, text in line:
                tx = x + sw + 3
                if kind == "status":
                    draw_swatch(c, style, x, y, sw, sh)
                    c.setFont(FONT_BOLD, self.FONT_SIZE)
                    c.setFillColor(hex_color(style.ink))
                    c.drawString(tx, y + 1.2, style.mark)
                    tx += 8
                elif kind == "assumed":
                    draw_swatch(c, style, x, y, sw, sh, alpha=ASSUMED_ALPHA)
                elif kind == "none":
                    c.setFillColor(colors.white)
                    c.setStrokeColor(colors.HexColor("#BBBBBB"))
                    c.setLineWidth(0.4)
                    c.rect(x, y, sw, sh, stroke=1, fill=1)
                elif kind in ("worst", "over"):
                    c.saveState()
                    if kind == "over":
                        c.setStrokeColor(hex_color(OVER_LIMIT_OUTLINE))
                        c.setLineWidth(1.8)
                        c.setDash([2.2, 1.2])
                    else:
                        c.setStrokeColor(hex_color(WORST_WINDOW_OUTLINE))
                        c.setLineWidth(0.9)
                    c.rect(x + 1, y, sw - 2, sh, stroke=1, fill=0)
                    c.restoreState()
                else:
                    c.setFillColor(hex_color(STYLES["counted"].fill))
                    c.rect(x + sw / 2 - 3.5, y, 7, sh, stroke=0, fill=1)
                    draw_marker(c, kind, x + sw / 2, y + sh / 2, 7.0)
                c.setFont(FONT, self.FONT_SIZE)
                c.setFillColor(INK)
                c.drawString(tx, y + 1.2, pdf_text(text))


def _calendar(timeline: DayTimeline, today: date) -> list[Flowable]:
    days = _days(timeline, today)
    return [YearPlanner(days, days.years)]
