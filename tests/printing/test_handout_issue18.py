"""Issue 18, the handout: "Your dates" in plain words and the handout's language per deadline
kind (two alike dates say which is which), the fee line (an amount only when every figure is
known and verified), and a closed route's box at the top. Fictional people only."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from desktop.assess import handout_phrases
from desktop.printing import client_dates
from desktop.printing import handout as handout_module
from desktop.printing.client_dates import (
    ClientFee,
    client_fee,
    closed_words,
    date_phrase_key,
)
from desktop.printing.handout import HandoutDate, HandoutLine, deadline_dates
from desktop.rules.checklists import PHRASE_KEYS, Checklist, Item
from desktop.rules.deadlines import DEADLINE_KINDS, Deadline
from tests.handout_inputs import build_handout

MADE = date(2026, 3, 2)  # a Monday
SOURCE = "Reference 003: test sheet"
PHRASES = handout_phrases()


def checklist(**kw) -> Checklist:
    base = Checklist(
        id="test_route",
        version=1,
        title="Test route",
        intro="Bring these papers.",
        routes=(),
        circumstances={"fee_waiver": "You are asking for a fee waiver"},
        items=(
            Item("passport", "Your passport.", SOURCE, translations={"ar": "جواز سفرك."}),
            Item("waiver", "Papers for the fee waiver.", SOURCE, when="fee_waiver"),
        ),
        translations={"ar": {"title": "طريق تجريبي"}},
        checked_on=date(2026, 12, 1),
    )
    return replace(base, **kw)


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    raw = " ".join(p.extract_text() for p in pages)
    return " ".join(raw.replace("\u2068", "").replace("\u2069", "").split())


def paragraphs(monkeypatch) -> list[tuple[str, bool | None]]:
    """Every paragraph drawn (not measured), with the direction asked for."""
    drawn: list[tuple[str, bool | None]] = []
    real = handout_module._HandoutPDF.para

    def para(self, text, size, **kw):
        if not kw.get("dry_run"):
            drawn.append((text, kw.get("rtl")))
        return real(self, text, size, **kw)

    monkeypatch.setattr(handout_module._HandoutPDF, "para", para)
    return drawn


# ---- "Your dates" ------------------------------------------------------------------------------


def test_every_date_phrase_is_a_phrase_key_in_every_language():
    keys = set(client_dates.DATE_PHRASES.values()) | {
        "date_become_british",
        "date_late_application",
    }
    assert keys <= set(PHRASE_KEYS)
    assert set(client_dates.DATE_PHRASES) <= set(DEADLINE_KINDS)
    for lang in ("en", "ar", "fa"):
        for key in keys:
            assert "{date}" in PHRASES[lang][key], (lang, key)


def test_two_applications_are_said_apart_in_plain_words_not_engine_sentences():
    # The example: an extension before 25 Dec 2026, settlement from 23 Aug 2027.
    dates = [
        HandoutDate(
            date(2026, 12, 25),
            "Permission ends (Skilled Worker (including Tier 2), permission 2). Apply before...",
            kind="apply_before_expiry",
            record="permissions[1]",
        ),
        HandoutDate(
            date(2027, 8, 23),
            "Earliest date to apply: Long residence (10 years' lawful residence)",
            kind="earliest_application",
            facts=(("route", "long_residence"),),
        ),
        HandoutDate(
            date(2028, 1, 4),
            "Earliest date to apply: Naturalisation",
            kind="earliest_application",
            facts=(("route", "naturalisation_6_1"),),
        ),
    ]
    text = text_of(build_handout(checklist(), made_on=MADE, dates=dates, fee=None))
    assert (
        "Your permission ends on Friday 25 December 2026. Make your next application by the "
        "end of that day." in text
    )
    assert "The earliest you can apply to stay for good: Monday 23 August 2027" in text
    assert "The earliest you can apply to become British: Tuesday 4 January 2028" in text
    assert "Skilled Worker (including Tier 2)" not in text
    assert "permission 2" not in text


def test_the_phrases_follow_the_kind_and_its_facts():
    assert date_phrase_key("appeal") == "date_appeal"
    assert date_phrase_key("administrative_review") == "date_administrative_review"
    assert date_phrase_key("fee_waiver_followup") == "date_fee_waiver_followup"
    assert date_phrase_key("settlement_window", (("route", "settlement_protection"),)) == (
        "date_settle"
    )
    assert date_phrase_key("late_application_window", (("good_reason_needed", True),)) == (
        "date_late_application"
    )
    assert date_phrase_key("criminality") is None
    assert date_phrase_key("other") is None


def test_arabic_dates_are_in_arabic_and_a_kind_without_a_phrase_is_english_left_to_right(
    monkeypatch,
):
    drawn = paragraphs(monkeypatch)
    dates = [
        HandoutDate(date(2026, 3, 16), "Last day to appeal to the First-tier Tribunal", "appeal"),
        HandoutDate(date(2026, 5, 1), "custody[0]: settlement is refused until ...", "criminality"),
    ]
    build_handout(checklist(), lang="ar", made_on=MADE, dates=dates, phrases=PHRASES)
    appeal = PHRASES["ar"]["date_appeal"].replace("{date}", "")
    (arabic,) = [(t, r) for t, r in drawn if appeal.strip(" :") in t]
    assert "16" in arabic[0] and arabic[1] is not False  # right to left, the page's way
    (english,) = [(t, r) for t, r in drawn if "custody[0]" in t]
    assert english[1] is False  # an English sentence on an Arabic page: left to right


def test_two_alike_dates_about_different_decisions_say_which_is_which():
    dates = [
        HandoutDate(
            date(2026, 3, 16),
            "Last day to appeal",
            kind="appeal",
            event_date=date(2026, 3, 2),
            record="applications[0]",
        ),
        HandoutDate(
            date(2026, 3, 20),
            "Last day to appeal",
            kind="appeal",
            event_date=date(2026, 3, 6),
            record="applications[2]",
        ),
    ]
    text = text_of(build_handout(checklist(), made_on=MADE, dates=dates, fee=None))
    assert "Last day to appeal: Monday 16 March 2026" in text
    assert "This is about the decision of Monday 2 March 2026." in text
    assert "This is about the decision of Friday 6 March 2026." in text
    # One date alone needs no "which".
    one = text_of(build_handout(checklist(), made_on=MADE, dates=dates[:1], fee=None))
    assert "This is about the decision" not in one


def test_deadline_dates_keep_the_kind_facts_and_decision_for_the_handout():
    deadlines = [
        Deadline(
            date(2026, 3, 16),
            "Last day to appeal",
            "s82",
            kind="appeal",
            event_date=date(2026, 3, 2),
            record="applications[0]",
            facts=(("outside_uk", False),),
        )
    ]
    (only,) = deadline_dates(deadlines, MADE)
    assert (only.kind, only.event_date, only.record) == (
        "appeal",
        date(2026, 3, 2),
        "applications[0]",
    )
    assert only.facts == (("outside_uk", False),)


# ---- the fee -------------------------------------------------------------------------------------


def quote(amount, verified=True, key="fee.test", label="Application fee"):
    return SimpleNamespace(
        key=key,
        label=label,
        amount=None if amount is None else Decimal(amount),
        verified=verified,
        on=MADE,
    )


def test_a_verified_fee_is_printed_with_the_date_and_an_unverified_one_never():
    shown = text_of(
        build_handout(
            checklist(fee=("fee.test",)),
            made_on=MADE,
            fee=ClientFee((quote("1321"),), True, Decimal("1321")),
        )
    )
    assert "Fee" in shown
    assert "The fee on Monday 2 March 2026 is £1,321. Fees can change" in shown
    hidden = text_of(
        build_handout(
            checklist(fee=("fee.test",)),
            made_on=MADE,
            fee=ClientFee((quote("1258", verified=False),), False, None, "not verified"),
        )
    )
    assert "Ask your adviser what the fee is on the day you apply." in hidden
    assert "1,258" not in hidden and "£" not in hidden
    none = text_of(
        build_handout(
            checklist(fee=("fee.test",)),
            made_on=MADE,
            fee=ClientFee((quote("0"),), True, Decimal(0)),
        )
    )
    assert "There is no fee." in none


def test_client_fee_needs_every_figure_known_and_verified(monkeypatch):
    import desktop.rules.fees as fees

    answers = {
        "fee.a": quote("1605", key="fee.a"),
        "fee.b": quote("130", key="fee.b", label="Citizenship ceremony fee"),
        "fee.c": quote("1258", verified=False, key="fee.c"),
        "fee.d": quote(None, key="fee.d"),
    }
    monkeypatch.setattr(
        fees, "quote_fees", lambda figures, keys, on: tuple(answers[k] for k in keys)
    )
    both = client_fee(checklist(fee=("fee.a", "fee.b")), MADE, figures=None)
    assert both.printable and both.total == Decimal("1735") and not both.problem
    unverified = client_fee(checklist(fee=("fee.a", "fee.c")), MADE, figures=None)
    assert not unverified.printable and unverified.total is None
    assert "fee.c" in unverified.problem and "not verified" in unverified.problem
    unknown = client_fee(checklist(fee=("fee.d",)), MADE, figures=None)
    assert not unknown.printable and "no figure in force" in unknown.problem
    assert client_fee(checklist(), MADE, figures=None) is None  # no fee keys: no fee line


def test_a_fee_waiver_the_client_asks_for_is_said_beside_the_fee_and_kept_to_the_items():
    fee = ClientFee((quote("1321"),), True, Decimal("1321"))
    lines = [
        HandoutLine("Your passport.", section=""),
        HandoutLine("Papers for the fee waiver.", section="", when="fee_waiver"),
    ]
    text = text_of(build_handout(checklist(), made_on=MADE, lines=lines, fee=fee))
    assert "You are asking not to pay the fee (a fee waiver)." in text
    assert "Papers for the fee waiver." in text
    marked = [lines[0], replace(lines[1], not_applicable=True)]
    text = text_of(build_handout(checklist(), made_on=MADE, lines=marked, fee=fee))
    assert "You are asking not to pay the fee" not in text


# ---- a closed route --------------------------------------------------------------------------------


CLOSED = checklist(
    closed_on=datetime(2025, 9, 4, 15, 0),
    closed_note="This route is closed. Ask your adviser what your family can do now.",
    fee=("fee.test",),
)


def test_a_closed_route_says_so_first_in_a_box_with_the_date_and_time(monkeypatch):
    drawn = paragraphs(monkeypatch)
    rects = []
    real_rect = handout_module._HandoutPDF.rect

    def rect(self, x, y, w, h, *a, **k):
        rects.append((self.page_no(), y, h))
        return real_rect(self, x, y, w, h, *a, **k)

    monkeypatch.setattr(handout_module._HandoutPDF, "rect", rect)
    pdf = build_handout(
        CLOSED,
        made_on=MADE,
        centre_name="Riverside Advice Drop-in",
        fee=ClientFee((quote("1321"),), True, Decimal("1321")),
    )
    first, second = drawn[0][0], drawn[1][0]
    assert first == "Closed to new applications since 3pm on Thursday 4 September 2025."
    assert second == CLOSED.closed_note
    assert rects and rects[0][0] == 1 and rects[0][1] < 30  # a box at the top of page 1
    text = text_of(pdf)
    assert text.index("Closed to new applications") < text.index("Riverside Advice Drop-in")
    assert "£1,321" not in text and "Fee" not in text.split("What to bring")[0]


def test_before_it_closed_there_is_no_box_and_the_arabic_note_falls_back_to_english(
    monkeypatch,
):
    open_then = text_of(build_handout(CLOSED, made_on=date(2025, 9, 3), fee=None))
    assert "Closed to new applications" not in open_then
    drawn = paragraphs(monkeypatch)
    build_handout(CLOSED, lang="ar", made_on=MADE, phrases=PHRASES)
    heading = PHRASES["ar"]["closed_since"].split("{")[0].strip()
    assert heading in drawn[0][0] and "15:00" in drawn[0][0]
    assert drawn[1] == (CLOSED.closed_note, False)  # no Arabic closed_note yet: English, LTR


def test_closed_words_for_the_adviser():
    assert closed_words(CLOSED, MADE) == (
        "Closed to new applications since 3pm on 4 September 2025."
    )
    assert closed_words(CLOSED, date(2025, 9, 3)) == ""
    assert closed_words(checklist(), MADE) == ""


@pytest.mark.parametrize("checklist_id", ["refugee_family_reunion"])
def test_the_installed_family_reunion_checklist_prints_as_closed(checklist_id):
    from desktop.assess import load_checklists

    installed = load_checklists()[checklist_id]
    if installed.closed_on is None:
        pytest.skip("the checklist does not record its closure yet")
    text = text_of(build_handout(installed, made_on=date(2026, 12, 6)))
    assert text.startswith("Closed to new applications since 3pm on Thursday 4 September 2025.")
    assert "There is no fee" not in text


def test_criminality_dates_stay_off_the_clients_paper():
    """Dates a sentence stops counting are the adviser's to explain (and a handout may be read
    by others at home): deadline_dates leaves them out; other dates stay."""
    deadlines = [
        Deadline(date(2026, 5, 1), "custody[0]: settlement is refused until ...", "STP 2.1",
                 kind="criminality"),
        Deadline(date(2026, 3, 16), "Last day to appeal", "s82", kind="appeal"),
    ]  # fmt: skip
    assert [d.kind for d in deadline_dates(deadlines, MADE)] == ["appeal"]
