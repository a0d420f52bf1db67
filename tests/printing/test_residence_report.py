"""The printed residence report: its facts agree with the engine, the calendar is vector,
long histories run onto numbered pages."""

import ast
import io
import json
import random
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from desktop.assess import assess_history, timeline_for
from desktop.printing import common, residence_report
from desktop.printing.common import DISCLAIMER, pdf_text, sentence, uk_date, written_long
from desktop.printing.residence_report import (
    build_residence_report,
    verdict_words,
    whole_days,
)
from desktop.rules.history import ROUTES, Absence, History, Permission, parse_history
from desktop.status_style import STYLES

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 1, 10)
MADE = date(2025, 1, 12)

RICH = {
    "format": "dropin-desk.history/1",
    "person": {"name": "Łucja Żak-Example"},
    "permissions": [
        {"category": "visitor", "from": "2012-03-01", "to": "2012-08-31"},
        {"category": "student", "from": "2014-09-01", "to": "2016-08-31"},
        {"category": "student", "from": "2016-12-01", "to": "2019-11-19"},
        {"category": "skilled_worker", "from": "2020-02-01", "to": "2025-01-31"},
    ],
    "applications": [
        {"kind": "extension", "made": "2016-08-20", "decided": "2016-12-01", "outcome": "granted"}
    ],
    "absences": [
        {"left": "2015-06-10", "returned": "2015-07-02", "reason": "family visit"},
        {
            "left": "2018-01-05",
            "returned": "2018-08-20",
            "reason": "caring for mother",
            "exceptional": True,
        },
        {"left": "2021-03-01", "returned": "2021-09-15", "reason": "work abroad"},
        {"left": "2023-12-18", "returned": "2024-01-06", "reason": "holiday"},
        {"left": "2025-06-01", "returned": "2025-06-20", "reason": "wedding", "planned": True},
    ],
    "custody": [{"from": "2022-04-01", "to": "2022-05-15"}],
    "question": {"route": "long_residence", "application_date": "2025-03-01"},
}


def example_history() -> History:
    path = ROOT / "tests" / "data" / "cases" / "long_residence_example.json"
    return parse_history(json.loads(path.read_text(encoding="utf-8")))


CASES = {"example": example_history, "rich": lambda: parse_history(RICH)}


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in read(pdf).pages]


def make(history: History, **kw):
    timeline = timeline_for(history, today=TODAY)
    pdf = build_residence_report(
        history,
        timeline,
        reference="Home Office ref A1234567 · Client 12",
        adviser="Sam Adviser",
        made_on=MADE,
        today=TODAY,
        **kw,
    )
    return timeline, pdf


@pytest.fixture(scope="module", params=sorted(CASES))
def report(request):
    history = CASES[request.param]()
    timeline, pdf = make(history)
    return history, timeline, pdf, page_texts(pdf)


def test_the_facts_agree_with_the_engine(report):
    history, timeline, _pdf, pages = report
    text = " ".join(pages)
    a = assess_history(history, today=TODAY)  # the engine on its own, not through the report
    assert a.to_dict() == timeline.assessment.to_dict()
    assert pdf_text(ROUTES[a.route]) in text
    assert f"Application date {uk_date(a.application_date)}" in text
    assert f"Rules in force {uk_date(a.rules_in_force)}" in text
    assert f"Report made {uk_date(MADE)}" in text
    assert "Adviser Sam Adviser" in text
    assert "Home Office ref A1234567 · Client 12" in text
    if a.eligible:
        assert f"Eligible on {uk_date(a.application_date)}" in pages[0]
    else:
        earliest = f"the earliest date to apply is {uk_date(a.earliest_application_date)}"
        assert earliest in pages[0]
    assert (
        f"Qualifying period from {uk_date(a.qualifying_from)} to complete on "
        f"{uk_date(a.complete_on)}"
    ) in pages[0]
    assert f"Continuity broken {'Yes' if a.continuity_broken else 'No'}" in pages[0]
    w = a.max_window
    assert f"Worst 12 months {w.days} days ({uk_date(w.start)} to {uk_date(w.end)})" in pages[0]
    assert (
        f"Worst 12 months in the qualifying period {uk_date(w.start)} {uk_date(w.end)} {w.days}"
    ) in text
    # Every reason is printed, with its dates the UK way.
    for reason in a.reasons:
        assert flat(sentence(reason)) in text, reason
    # Each trip: left, returned and the whole days outside (not the days of travel).
    # Numbered as the reasons name them ("trip 3" is absences[2]).
    trips = history.absences
    for number, trip in enumerate(trips, start=1):
        days = (trip.returned - trip.left).days - 1
        assert f"{number} {uk_date(trip.left)} {uk_date(trip.returned)} {days}" in text
    total = sum((t.returned - t.left).days - 1 for t in trips)
    count = f"{len(trips)} trip" + ("s" if len(trips) != 1 else "")
    assert f"Total: {count} {total} whole days outside the UK" in text
    # Each deadline with its date and its status (passed, upcoming, done in time, attention).
    for d in a.deadlines:
        status = residence_report.DEADLINE_STATUS_WORDS[d.status]
        assert re.search(re.escape(uk_date(d.date)) + r" .{0,400}?" + status, text), d
    for note in residence_report.notes_for_paper(a.notes):  # unverified fees: "ask your adviser"
        assert flat(sentence(note)) in text
    for gap in a.missing:
        assert flat(sentence(gap)) in text


def test_rich_history_shows_breaches_and_windows_over_a_limit():
    history = parse_history(RICH)
    timeline, pdf = make(history)
    text = " ".join(page_texts(pdf))
    assert timeline.over_limit, "the 197-day trip is over the single-absence limit"
    for b in timeline.over_limit:
        assert f"Over a limit {uk_date(b.start)} {uk_date(b.end)} {b.days} {b.rule}" in text
    for b in timeline.assessment.breaches:
        assert f"{uk_date(b.start)} {uk_date(b.end)} {b.days} {b.rule}" in text
    assert "Continuity broken Yes" in text
    # The name outside the built-in fonts' letters is spelled, not printed as boxes.
    assert "Client Lucja Zak-Example" in text
    assert "Exceptional" in text and "Planned" in text


def test_every_page_has_the_footer_and_its_number(report):
    *_, pages = report
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert DISCLAIMER in text
        assert f"Page {number} of {total}" in text
        assert f"Made on {uk_date(MADE)}" in text


def test_sections_come_in_order(report):
    *_, pages = report
    text = " ".join(pages)
    order = [
        "Residence report",
        "The verdict",
        "The calendar",
        "Trips outside the UK",
        "The worst 12 months and windows over a limit",
        "Time not counted, breaches and risks",
        "Deadlines",
        "Notes",
        "What is missing",
    ]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)


def _content(page) -> bytes:
    return page.get_contents().get_data()


def _images(page) -> int:
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    return sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")


def test_the_calendar_is_drawn_with_vector_rectangles(report):
    _history, timeline, pdf, _pages = report
    reader = read(pdf)
    cells = sum(
        (date(y + 1, 1, 1) - date(y, 1, 1)).days
        for y in range(timeline.first_day.year, timeline.last_day.year + 1)
    )
    rectangles = [len(re.findall(rb"\sre\s", _content(p))) for p in reader.pages]
    # One rectangle a day, plus the clip shapes of patterned runs and the tables' shading.
    assert cells <= sum(rectangles) <= 1.6 * cells + 400
    # Two to twelve years of day cells on each calendar page: a page holds at most 12 years.
    calendar_pages = [n for n in rectangles if n > 365]
    assert len(calendar_pages) >= (timeline.last_day.year - timeline.first_day.year + 1) / 12
    assert max(calendar_pages) <= 3 * 12 * 366
    assert all(_images(p) == 0 for p in reader.pages)
    # The patterns are lines, stroked: hatching survives a greyscale print.
    assert sum(len(re.findall(rb"\sl\s", _content(p))) for p in reader.pages) > 100


def test_a_long_history_runs_onto_numbered_pages():
    rnd = random.Random(7)
    start = date(1985, 1, 1)
    perms, cursor = [], start
    while cursor < date(2026, 1, 1):
        end = cursor + timedelta(days=913)
        perms.append(Permission("student" if not perms else "skilled_worker", cursor, end))
        cursor = end + timedelta(days=1)
    absences, day = [], start + timedelta(days=10)
    for _ in range(500):
        length = rnd.randint(1, 12)
        absences.append(Absence(day, day + timedelta(days=length + 1), reason="visit"))
        day += timedelta(days=length + 2 + rnd.randint(4, 40))
    history = History(permissions=tuple(perms), absences=tuple(absences))
    assert day.year - start.year >= 38
    timeline = timeline_for(history, "long_residence", date(2025, 6, 1), today=TODAY)
    pdf = build_residence_report(history, timeline, made_on=MADE, today=TODAY)
    pages = page_texts(pdf)
    total = len(pages)
    assert total >= 8
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        assert DISCLAIMER in text
    text = " ".join(pages)
    for year in range(timeline.first_day.year, timeline.last_day.year + 1):
        assert str(year) in text
    assert "The calendar (continued)" in text
    assert "Total: 500 trips" in text
    # The trips table repeats its header on each page it runs onto.
    assert sum("No. Left Returned Whole days outside" in p for p in pages) >= 3
    assert sum(whole_days(a.left, a.returned) for a in absences) > 0


def test_verdict_in_plain_words():
    history = example_history()
    timeline = timeline_for(history, today=TODAY)
    a = timeline.assessment
    assert verdict_words(timeline) == "Eligible on 1 September 2024"
    not_yet = replace(timeline, assessment=replace(a, eligible=False))
    assert verdict_words(not_yet) == (
        f"Not yet: the earliest date to apply is {uk_date(a.earliest_application_date)}"
    )
    never = replace(timeline, assessment=replace(a, eligible=False, earliest_application_date=None))
    assert verdict_words(never) == "Not eligible on this history"
    settled = replace(timeline, assessment=replace(a, settled_since=date(2022, 2, 20)))
    assert verdict_words(settled) == "Already settled (since 20 February 2022)"


def test_already_settled_report():
    history = parse_history(
        {
            "format": "dropin-desk.history/1",
            "permissions": [
                {"category": "refugee", "from": "2017-03-01", "to": "2022-02-19"},
                {"category": "ilr", "from": "2022-02-20", "to": None},
            ],
            "question": {"route": "settlement_protection", "application_date": "2024-06-01"},
        }
    )
    _timeline, pdf = make(history)
    first = page_texts(pdf)[0]
    assert "Already settled (since 20 February 2022)" in first
    assert "Client Not recorded" in first
    assert "No trips outside the UK are recorded." in " ".join(page_texts(pdf))


def test_metadata_holds_no_client_data_and_output_is_reproducible():
    history = example_history()
    timeline, pdf = make(history)
    meta = read(pdf).metadata
    assert meta.title == "Residence report"
    assert "Example Client" not in " ".join(str(v) for v in meta.values())
    assert "A1234567" not in " ".join(str(v) for v in meta.values())
    again = build_residence_report(
        history,
        timeline,
        reference="Home Office ref A1234567 · Client 12",
        adviser="Sam Adviser",
        made_on=MADE,
        today=TODAY,
    )
    assert again == pdf
    assert read(pdf).pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    assert read(pdf).pages[0].mediabox.height == pytest.approx(841.89, abs=0.1)


def test_long_free_text_is_shortened_not_a_layout_error():
    history = example_history()
    long_reason = "visit " * 3000
    history = replace(history, absences=(replace(history.absences[0], reason=long_reason),))
    timeline = timeline_for(history, today=TODAY)
    pdf = build_residence_report(
        history, timeline, client_name="N" * 5000, reference="R" * 5000, made_on=MADE
    )
    text = " ".join(page_texts(pdf))
    assert "visit visit" in text and "…" in text
    assert "N" * 5000 not in text.replace(" ", "")


def test_dates_and_letters_for_the_page():
    assert uk_date(date(2021, 3, 3)) == "3 March 2021"
    assert (
        written_long("from 2014-09-01 to 2024-11-19.")
        == "from 1 September 2014 to 19 November 2024."
    )
    assert written_long("ref 12014-09-01x") == "ref 12014-09-01x"
    assert pdf_text("Łucja Żak, Ștefan, Zoë £5") == "Lucja Zak, Stefan, Zoë £5"
    assert pdf_text("名前") == "??"
    assert common.plain_records("(Student, permissions[0])") == "(Student, permission 1)"


def test_printing_never_imports_qt_or_the_ui():
    for module in (ROOT / "desktop" / "printing").glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("PySide6", "desktop.ui")), f"{module.name}: {name}"


@pytest.mark.parametrize("status", sorted(STYLES))
def test_every_status_pattern_is_drawn_as_lines(status):
    style = STYLES[status]
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    common.draw_swatch(canvas, style, 10, 10, 40, 20)
    canvas.save()
    content = _content(read(buffer.getvalue()).pages[0])
    strokes = len(re.findall(rb"\sl\s", content))
    if style.pattern == "solid":
        assert strokes == 0
    else:
        assert strokes >= 4, style.pattern
    with pytest.raises(ValueError, match="no drawing"):
        common.draw_pattern(canvas, "zigzag", "#000000", [(0, 0, 5, 5)])


# ---- issue 16: never look safe when it is not ---------------------------------------------------

LAPSED_TODAY = date(2026, 12, 6)
#: Like demo Amara: permission ended on 19 October 2026 and nothing is recorded since; long
#: residence asked about on a date to come, with a trip planned inside the period.
LAPSED = {
    "format": "dropin-desk.history/1",
    "permissions": [
        {"category": "student", "from": "2015-09-01", "to": "2018-10-19"},
        {"category": "skilled_worker", "from": "2018-10-20", "to": "2026-10-19"},
    ],
    "absences": [
        {"left": "2022-07-01", "returned": "2022-08-15", "reason": "wedding"},
        {"left": "2027-01-05", "returned": "2027-01-16", "reason": "visit", "planned": True},
    ],
    "question": {"route": "long_residence", "application_date": "2027-02-01"},
}


def lapsed_report():
    history = parse_history(LAPSED)
    timeline = timeline_for(history, today=LAPSED_TODAY)
    pdf = build_residence_report(
        history, timeline, client_name="Amara Example", made_on=LAPSED_TODAY
    )
    return timeline, page_texts(pdf)


def test_a_record_that_stops_says_so_on_the_first_page_as_loudly_as_the_verdict():
    timeline, pages = lapsed_report()
    a = timeline.assessment
    assert a.status_unknown_since == date(2026, 10, 20) and a.if_permission_continued
    first = pages[0]
    assert "Status unknown since 20 October 2026: possible overstayer" in first
    assert (
        "Nothing is recorded after 19 October 2026. Check the client's immigration status" in first
    )
    # The verdict in a few words is never a plain "Eligible on ...".
    words = verdict_words(timeline)
    assert words == (
        "Eligible on 1 February 2027 only if permission continued after 19 October 2026: check "
        "the client's status now"
    )
    assert words in first
    # Every date after the end of the record that is printed as the verdict's says so.
    assert "What if (not the verdict): only if permission continued after 19 October 2026" in first
    assert "Record ends 19 October 2026: nothing is recorded since" in first
    # The attention item is in the deadlines as such.
    assert "Needs attention now" in " ".join(pages)


def test_the_days_abroad_line_counts_planned_trips_and_says_so():
    timeline, pages = lapsed_report()
    a = timeline.assessment
    assert a.absence_days_planned == 10  # 5 to 16 January 2027: ten whole days
    line = f"{a.absence_days_total} whole days outside the UK, including 10 on planned trips"
    assert f"Whole days outside the UK in the period {line}" in pages[0]
    assert f"{line}." in " ".join(pages)


def test_a_record_that_does_not_stop_has_no_warning_and_no_planned_part():
    timeline, pdf = make(parse_history(RICH))
    a = timeline.assessment
    assert a.status_unknown_since is None and a.absence_days_planned == 0
    text = " ".join(page_texts(pdf))
    assert "Status unknown since" not in text and "only if permission continued" not in text
    assert f"in the period {a.absence_days_total} whole days outside the UK Worst" in text


def test_the_legend_has_waiting_for_a_decision_and_status_unknown():
    from desktop.printing.residence_report import Legend

    labels = [text for kind, _style, text in Legend()._items if kind == "status"]
    assert "Waiting for a decision (not counted)" in labels
    assert "Status unknown (nothing recorded)" in labels
    # Waiting for an asylum decision is drawn in its own style, not the orange gap.
    assert STYLES["awaiting_decision"].fill != STYLES["gap"].fill
    history = parse_history(
        {
            "format": "dropin-desk.history/1",
            "permissions": [{"category": "student", "from": "2015-09-01", "to": "2019-08-31"}],
            "applications": [{"kind": "asylum", "made": "2019-08-01"}],
        }
    )
    timeline = timeline_for(history, "long_residence", today=LAPSED_TODAY)
    assert "awaiting_decision" in {s.status for s in timeline.stretches}
    assert "gap" not in {s.status for s in timeline.stretches}
    pdf = build_residence_report(history, timeline, made_on=LAPSED_TODAY)
    text = " ".join(page_texts(pdf))
    assert "Waiting for a decision (not counted)" in text  # the legend
    assert "Waiting for a decision on the protection claim of 1 August 2019" in text


def test_an_unverified_fee_is_not_printed_as_fact():
    """Issue 18: the settlement fee in force on the application date is unverified in the data
    (fees.toml); the paper says to ask, and never prints the amount."""
    from desktop.assess import load_figures
    from desktop.printing.residence_report import UNVERIFIED_FEE_ON_PAPER, notes_for_paper
    from desktop.rules.wording import FEE_NOT_VERIFIED

    history = parse_history(RICH)
    timeline, pdf = make(history)
    on = history.question.application_date
    fee = load_figures().entry("fee.ilr_long_residence", on)
    assert not fee.verified  # the premise: change the case if the figure is ever verified
    engine_notes = " ".join(timeline.assessment.notes)
    assert FEE_NOT_VERIFIED in engine_notes and f"£{fee.value:,}" in engine_notes
    text = " ".join(page_texts(pdf))
    assert f"£{fee.value:,}" not in text and f"{fee.value:,}" not in text
    assert flat(UNVERIFIED_FEE_ON_PAPER) in text
    # A verified fee note passes through untouched; repeats are printed once.
    assert notes_for_paper(["Fee on 1 May 2025: £3,029.", "x", "x"]) == [
        "Fee on 1 May 2025: £3,029.",
        "x",
    ]
