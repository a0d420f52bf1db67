"""Every fee figure is sourced, dated and checked (resources/rules/fees.toml): the instrument that
set it, when and how it was checked, plain client words, and verified only where the figure was
seen in its instrument or an official fees table (issue 18)."""

import tomllib
from datetime import date
from decimal import Decimal

import desktop
from desktop.assess import load_figures
from desktop.rules import wording
from desktop.rules.fees import fee_total, fee_words_for_client, fees_printable, quote_fees
from tests.rules.helpers import history, perm, run

FEES_TOML = desktop.RESOURCES_DIR / "rules" / "fees.toml"
FIGURES = load_figures()


def _fees_doc():
    with FEES_TOML.open("rb") as fh:
        return tomllib.load(fh)


def test_fees_file_says_when_it_was_checked():
    assert _fees_doc()["checked_on"] == date(2026, 12, 6)


def test_every_fee_figure_has_instrument_checked_on_checked_how_and_label():
    keys = {raw["key"] for raw in _fees_doc()["figure"]}
    for key in keys:
        for entry in FIGURES.by_key[key]:
            assert entry.instrument and entry.instrument.strip(), key
            assert isinstance(entry.checked_on, date), key
            assert entry.checked_how and entry.checked_how.strip(), key
            assert entry.label and entry.label.strip(), key


def test_an_unverified_fee_says_what_was_not_checked():
    for raw in _fees_doc()["figure"]:
        if raw.get("verified", True) is False:
            assert raw.get("note", "").strip(), (raw["key"], raw["effective_from"])


def test_new_keys_exist_for_the_checklists():
    for key in (
        "fee.citizenship_ceremony",
        "fee.child_registration",
        "fee.administrative_review",
        "fee.appeal_paper",
        "fee.appeal_hearing",
        "fee.euss",
    ):
        assert FIGURES.by_key[key], key


def test_ilr_steps_in_order_including_april_2022():
    steps = [(e.effective_from, e.value) for e in FIGURES.by_key["fee.ilr"]]
    assert steps[:4] == [
        (date(2018, 4, 6), 2389),
        (date(2022, 4, 6), 2404),
        (date(2023, 10, 4), 2885),
        (date(2025, 4, 9), 3029),
    ]
    assert FIGURES.get("fee.ilr", date(2022, 4, 5)) == 2389
    assert FIGURES.get("fee.ilr", date(2022, 4, 6)) == 2404
    assert FIGURES.get("fee.ilr", date(2023, 10, 3)) == 2404
    for key in ("fee.ilr_discretionary_leave",):
        assert [e.value for e in FIGURES.by_key[key]][:4] == [2389, 2404, 2885, 3029]


def test_flr_partner_family_and_dl_fees_on_the_change_dates():
    for key in ("fee.flr_partner", "fee.flr_family_private_life", "fee.flr_discretionary_leave"):
        assert FIGURES.get(key, date(2022, 4, 5)) == 1033, key
        assert FIGURES.get(key, date(2022, 4, 6)) == 1048, key
        # not £1,258 from 4 October 2023 (the old data): the Appendix FM rise came in 2024
        assert FIGURES.get(key, date(2023, 10, 4)) == 1048, key
        assert FIGURES.get(key, date(2024, 7, 23)) == 1048, key
        assert FIGURES.get(key, date(2024, 7, 24)) == 1258, key
        assert FIGURES.get(key, date(2025, 4, 8)) == 1258, key
        assert FIGURES.get(key, date(2025, 4, 9)) == 1321, key


def test_naturalisation_is_the_application_fee_alone_and_the_ceremony_is_separate():
    def total(day):
        quotes = quote_fees(FIGURES, ["fee.naturalisation", "fee.citizenship_ceremony"], day)
        return [q.amount for q in quotes], fee_total(quotes)

    assert total(date(2024, 6, 1)) == ([Decimal(1500), Decimal(130)], Decimal(1630))
    assert total(date(2025, 6, 1)) == ([Decimal(1605), Decimal(130)], Decimal(1735))
    assert total(date(2023, 12, 1)) == ([Decimal(1500), Decimal(80)], Decimal(1580))
    assert total(date(2019, 1, 1)) == ([Decimal(1250), Decimal(80)], Decimal(1330))
    assert FIGURES.entry("fee.citizenship_ceremony", date(2025, 6, 1)).label == (
        "Citizenship ceremony fee"
    )


def test_unverified_figures_of_today_are_not_printed_to_a_client():
    today = date(2026, 12, 6)
    quotes = quote_fees(FIGURES, ["fee.naturalisation", "fee.citizenship_ceremony"], today)
    assert not fees_printable(quotes)
    assert fee_words_for_client(quotes, today) == (
        "Ask your adviser what the fee is on the day you apply."
    )


def test_verified_figures_were_seen_in_an_instrument_or_an_official_page():
    for key in FIGURES.keys():
        if not key.startswith(("fee.", "ihs.")):
            continue
        for entry in FIGURES.by_key[key]:
            if entry.verified:
                how = entry.checked_how.lower()
                assert "legislation.gov.uk" in how or "gov.uk" in how, (key, entry.value)
                assert "secondary" not in entry.source.lower(), key


def test_the_2024_health_charge_is_verified_from_si_2024_55():
    adult = FIGURES.entry("ihs.adult_per_year", date(2024, 2, 6))
    child = FIGURES.entry("ihs.child_per_year", date(2024, 2, 6))
    assert (adult.value, child.value) == (1035, 776)
    assert adult.verified and child.verified
    assert "SI 2024/55" in adult.instrument and "SI 2024/55" in child.instrument
    assert FIGURES.get("ihs.adult_per_year", date(2024, 2, 5)) == 624


def test_appeal_and_administrative_review_fees():
    day = date(2026, 12, 6)
    quotes = quote_fees(
        FIGURES, ["fee.appeal_paper", "fee.appeal_hearing", "fee.administrative_review"], day
    )
    assert [q.amount for q in quotes] == [Decimal(80), Decimal(140), Decimal(154)]
    assert [q.verified for q in quotes] == [True, True, False]  # the 2026 review fee: see below
    assert fee_words_for_client(quotes[1:2], day) == (
        "Fee on 6 December 2026: £140 appeal fee (with a hearing)."
    )


def test_child_registration_notes_the_fee_waiver():
    entry = FIGURES.entry("fee.child_registration", date(2026, 12, 6))
    assert entry.value == 1214
    assert "waive" in entry.source.lower() and "SI 2022/581" in entry.note


# ---- client-facing fee sentences never state an unverified amount as fact ----------------------

CAUTION = "(not yet verified: check before telling the client"


def test_fee_note_marks_an_unverified_amount_and_keeps_the_source():
    unverified = wording.fee_note(3029, date(2025, 6, 1), date(2025, 4, 9), "SRC", False)
    assert unverified == (
        "Fee on 2025-06-01: £3,029 (not yet verified: check before telling the client; "
        "in force from 2025-04-09; SRC)."
    )
    assert wording.fee_note(3029, date(2025, 6, 1), date(2025, 4, 9), "SRC", True) == (
        "Fee on 2025-06-01: £3,029 (in force from 2025-04-09; SRC)."
    )
    assert CAUTION in wording.fee_note(0, date(2025, 6, 1), date(2018, 4, 6), "SRC", False)


def test_settlement_fee_note_says_the_fee_is_not_yet_verified():
    p = run(
        history([perm("partner_5y", "2019-01-01", "2030-01-01")]),
        "settlement_partner_5y",
        "2025-06-01",
    )
    (fee,) = [n for n in p.notes if n.startswith("Fee on")]
    assert "£3,029" in fee and CAUTION in fee
    assert "Fees) Regulations" in fee  # the source is kept
    old = run(
        history([perm("discretionary_leave", "2010-01-01", "2030-01-01")]),
        "settlement_discretionary_leave",
        "2019-06-01",
    )
    (fee,) = [n for n in old.notes if n.startswith("Fee on")]
    assert "£2,389" in fee and CAUTION not in fee  # seen on GOV.UK (reference 004)


def test_domestic_abuse_fee_sentence_says_the_fee_is_not_yet_verified():
    a = run(
        history([perm("partner_5y", "2022-01-01", "2027-01-01")]),
        "settlement_domestic_abuse",
        "2025-06-01",
    )
    (fee,) = [n for n in a.notes if n.startswith("Fee on")]
    assert "£3,029 unless waived" in fee and CAUTION in fee and "domestic abuse sheet" in fee


def test_protection_route_words_mark_an_unverified_fee():
    from dataclasses import replace

    from desktop.rules.figures import Figures

    words = str(wording.protection_route(FIGURES, date(2025, 6, 1)))
    assert "there is no fee (references 000, 004)" in words  # verified (GOV.UK, reference 004)
    by_key = dict(FIGURES.by_key)
    by_key["fee.ilr_protection"] = tuple(
        replace(f, verified=False) for f in FIGURES.by_key["fee.ilr_protection"]
    )
    words = str(wording.protection_route(Figures(by_key), date(2025, 6, 1)))
    assert "there is no fee (not yet verified: check before telling the client)" in words


def test_administrative_review_fee_of_2018_is_not_printed_as_todays_fee():
    """£80 is verified for 2018 on; a later £154 (April 2026) was reported but not verified, so
    on 6 December 2026 client paper says to ask rather than print £80 as fact."""
    from datetime import date

    from desktop.assess import load_figures
    from desktop.rules.fees import fees_printable, quote_fees

    figures = load_figures()
    assert fees_printable(quote_fees(figures, ["fee.administrative_review"], date(2025, 6, 1)))
    today = quote_fees(figures, ["fee.administrative_review"], date(2026, 12, 6))
    assert not fees_printable(today)
