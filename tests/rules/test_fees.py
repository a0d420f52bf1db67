"""Household fees: the fee in force on the date, the health charge per person and year, fee
waivers (reference 003, fee waiver sheet)."""

import tomllib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

import desktop
from desktop.assess import load_fee_applications, load_figures
from desktop.rules import fees
from desktop.rules.fees import (
    FeeQuote,
    FeesError,
    fee_total,
    fee_words_for_client,
    fees_printable,
    health_charge_years,
    leave_words,
    parse_applications,
    pounds,
    quote_fees,
)
from desktop.rules.figures import Figures

FIGURES = load_figures()
NOW = date(2025, 6, 1)
#: The applications, from resources/rules/fee_applications.toml as the app loads them.
APPLICATIONS = load_fee_applications()
household_fees = partial(fees.household_fees, applications=APPLICATIONS)


def _lines(total, person):
    return [line for line in total.lines if line.person == person]


def test_every_application_has_a_fee_figure_and_a_waiver_source():
    for key, app in APPLICATIONS.items():
        assert app.key == key
        assert FIGURES.by_key[app.fee_key], key
        assert app.waiver_source.startswith("Reference"), key
        if app.health_charge:
            assert app.leave_months_key in FIGURES.by_key, key


def test_partner_extension_one_adult_matches_reference_003_total():
    # 003 (fee waiver sheet: The charges): £1321 plus £1035 a year, "£2587.50 in total for
    # those applying for 2 1/2 years status" ... "The current total is £3908.50 per adult".
    total = household_fees("private_life_extension", NOW, 1, 0, FIGURES)
    assert total.total == Decimal("3908.50")
    fee, ihs = total.lines
    assert fee.amount == 1321 and fee.effective_from == date(2025, 4, 9)
    assert not fee.verified  # reference 003 is an advice sheet: the instrument's row was not seen
    assert ihs.amount == Decimal("2587.50") and ihs.effective_from == date(2024, 2, 6)
    assert "£1035 a year for adults" in ihs.source
    assert ihs.what == "Immigration Health Charge: 2.5 years at £1,035 a year (adult rate)"
    assert total.leave_months == 30 and total.ihs_years == Decimal("2.5")


def test_child_pays_the_reduced_health_charge_matching_reference_003():
    # 003: "The IHS is £776 a year for children (£1940 ...). ... £3261 for a child."
    total = household_fees("private_life_extension", NOW, 0, 1, FIGURES)
    assert total.total == Decimal("3261")
    ihs = total.lines[1]
    assert ihs.person == "Child 1" and ihs.amount == Decimal("1940")
    assert "child rate, under 18" in ihs.what


def test_a_household_has_a_line_per_person_and_the_total_adds_up():
    total = household_fees("partner_extension", NOW, 2, 3, FIGURES)
    people = [p for p, _ in total.per_person()]
    assert people == ["Adult 1", "Adult 2", "Child 1", "Child 2", "Child 3"]
    assert len(total.lines) == 10
    assert total.total == sum(line.amount for line in total.lines)
    assert dict(total.per_person())["Adult 2"] == Decimal("1321") + Decimal("2587.50")
    assert dict(total.per_person())["Child 3"] == Decimal("1321") + Decimal("1940")
    assert total.total == 2 * Decimal("3908.50") + 3 * Decimal("3261")


def test_the_fee_in_force_on_the_date_is_used_either_side_of_a_change():
    before = household_fees("private_life_extension", date(2025, 4, 8), 1, 0, FIGURES)
    on = household_fees("private_life_extension", date(2025, 4, 9), 1, 0, FIGURES)
    assert before.lines[0].amount == 1258 and before.lines[0].effective_from == date(2024, 7, 24)
    assert not before.lines[0].verified  # not seen in the instrument
    assert on.lines[0].amount == 1321
    assert on.total - before.total == 1321 - 1258
    # The health charge changed on 6 February 2024.
    old_ihs = household_fees("private_life_extension", date(2024, 2, 5), 1, 1, FIGURES)
    new_ihs = household_fees("private_life_extension", date(2024, 2, 6), 1, 1, FIGURES)
    assert [line.amount for line in old_ihs.lines] == [1048, Decimal("1560"), 1048, 1175]
    assert [line.amount for line in new_ihs.lines] == [
        1048,
        Decimal("2587.50"),
        1048,
        Decimal("1940"),
    ]


def test_settlement_fee_either_side_of_the_april_2025_change():
    assert household_fees("settlement", date(2025, 4, 8), 1, 0, FIGURES).total == 2885
    assert household_fees("settlement", date(2025, 4, 9), 1, 0, FIGURES).total == 3029


def test_partner_visa_from_abroad_charges_3_years_for_33_months():
    total = household_fees("partner_entry_clearance", NOW, 1, 0, FIGURES)
    assert total.leave_months == 33 and total.ihs_years == 3
    assert total.lines[1].amount == 3 * 1035
    assert total.lines[0].amount == 1938 and not total.lines[0].verified
    assert "2 years 9 months of leave: 3 years charged" in total.notes[0]


@pytest.mark.parametrize(
    ("months", "years"),
    [(1, "0.5"), (6, "0.5"), (7, "1"), (12, "1"), (18, "1.5"), (30, "2.5"), (33, "3"), (60, "5")],
)
def test_health_charge_years_half_for_a_part_year_up_to_6_months(months, years):
    assert health_charge_years(months, FIGURES, NOW) == Decimal(years)


def test_health_charge_for_given_months_or_years():
    by_months = household_fees("dl_extension", NOW, 1, 0, FIGURES, months=6)
    assert by_months.lines[1].amount == Decimal("517.50")
    by_years = household_fees("dl_extension", NOW, 1, 0, FIGURES, ihs_years=2)
    assert by_years.lines[1].amount == 2070 and by_years.leave_months is None
    with pytest.raises(FeesError, match="not both") as err:
        household_fees("dl_extension", NOW, 1, 0, FIGURES, months=6, ihs_years=1)
    assert err.value.field == "months"


def test_before_october_2020_children_paid_the_full_health_charge():
    total = household_fees("private_life_extension", date(2020, 10, 26), 0, 1, FIGURES)
    assert total.lines[1].amount == Decimal("2.5") * 400
    assert "full rate" in total.lines[1].what
    assert any("children paid the full health charge" in n for n in total.notes)
    after = household_fees("private_life_extension", date(2020, 10, 27), 0, 1, FIGURES)
    assert after.lines[1].amount == Decimal("2.5") * 470


@pytest.mark.parametrize(
    "application",
    ["settlement", "settlement_dl", "settlement_long_residence", "naturalisation"],
)
def test_settlement_and_naturalisation_pay_no_health_charge(application):
    total = household_fees(application, NOW, 1, 0, FIGURES)
    extra = ["Citizenship ceremony fee"] if application == "naturalisation" else []
    assert [line.what for line in total.lines] == ["Application fee", *extra]
    assert total.ihs_years is None
    assert any("No Immigration Health Charge" in n for n in total.notes)
    with pytest.raises(FeesError, match="no health charge") as err:
        household_fees(application, NOW, 1, 0, FIGURES, months=30)
    assert err.value.field == "months"


def test_protection_settlement_is_free_for_the_whole_family():
    total = household_fees("settlement_protection", NOW, 2, 2, FIGURES)
    assert total.total == 0 and len(total.lines) == 4
    assert all(line.amount == 0 for line in total.lines)
    assert "References 000 and 004" in total.lines[0].source
    assert total.fee_waiver.status == "no_fee" and total.fee_waiver.possible is False
    assert "there is no fee" in total.fee_waiver.sentence


def test_naturalisation_takes_adults_only():
    # The application fee and the £130 ceremony fee, for each adult (RULE-NOTES: naturalisation fee)
    assert household_fees("naturalisation", NOW, 2, 0, FIGURES).total == 2 * (1605 + 130)
    assert household_fees("naturalisation", date(2025, 4, 8), 1, 0, FIGURES).total == 1500 + 130
    with pytest.raises(FeesError, match="a child is registered") as err:
        household_fees("naturalisation", NOW, 1, 1, FIGURES)
    assert err.value.field == "children"


def test_fee_waiver_yes_for_10_year_routes_and_dl():
    for application in ("private_life_extension", "dl_extension"):
        waiver = household_fees(application, NOW, 1, 0, FIGURES).fee_waiver
        assert waiver.status == "yes" and waiver.possible is True
        assert waiver.sentence.startswith("Yes, if the fee cannot be afforded")
        assert "health charge alone to be waived" in waiver.sentence
        assert "within 10 working days (paragraph 34G(4))" in waiver.sentence
        assert "Reference 003, fee waiver sheet: The Home Office policy" in waiver.source
    dl = household_fees("dl_extension", NOW, 1, 0, FIGURES).fee_waiver
    assert "Reference 002" in dl.source and "discretionary leave" in dl.sentence


def test_fee_waiver_for_the_5_year_partner_route_only_with_a_disability_benefit():
    waiver = household_fees("partner_extension", NOW, 1, 0, FIGURES).fee_waiver
    assert waiver.status == "only_if" and waiver.possible is None
    assert waiver.sentence.startswith("Only if the sponsor gets a disability benefit")
    abroad = household_fees("partner_entry_clearance", NOW, 1, 0, FIGURES).fee_waiver
    assert abroad.status == "only_if" and "human rights" in abroad.sentence
    assert "34G" not in abroad.sentence  # an application from outside the UK


@pytest.mark.parametrize(
    ("application", "cited"),
    [
        ("settlement", "fee waiver sheet"),
        ("settlement_dl", "fee waiver sheet"),
        ("settlement_long_residence", "long residence sheet"),
        ("naturalisation", "fee waiver sheet"),
    ],
)
def test_no_fee_waiver_for_settlement_or_naturalisation(application, cited):
    waiver = household_fees(application, NOW, 1, 0, FIGURES).fee_waiver
    assert waiver.status == "no" and waiver.possible is False
    assert waiver.sentence.startswith("No:")
    assert cited in waiver.source


def test_domestic_abuse_settlement_fee_can_be_waived():
    total = household_fees("settlement_domestic_abuse", NOW, 1, 1, FIGURES)
    assert total.total == 2 * 3029
    assert total.fee_waiver.status == "yes"
    assert "refuge" in total.fee_waiver.sentence and "Universal Credit" in total.fee_waiver.sentence
    assert total.fee_waiver.source == "Reference 003, domestic abuse sheet: Fee and fee waiver"


def test_fee_waiver_request_is_free_and_names_the_follow_up_period_from_the_figures():
    total = household_fees("fee_waiver_request", NOW, 1, 2, FIGURES)
    assert total.total == 0
    assert "within 10 working days" in total.fee_waiver.sentence
    by_key = dict(FIGURES.by_key)
    key = "fee_waiver.full_application_working_days"
    by_key[key] = tuple(replace(f, value=12) for f in FIGURES.by_key[key])
    changed = household_fees("fee_waiver_request", NOW, 1, 0, Figures(by_key))
    assert "within 12 working days" in changed.fee_waiver.sentence


def test_bad_questions_name_the_input():
    cases = [
        ({"application": "visit"}, "application", "Unknown application"),
        ({"adults": 0, "children": 0}, "adults", "at least one person"),
        ({"adults": -1}, "adults", "cannot be negative"),
        ({"children": -2}, "children", "cannot be negative"),
        ({"on": date(2017, 1, 1)}, "on", "first one for this fee takes effect on 6 April 2018"),
    ]
    for changes, field, message in cases:
        args = {"application": "partner_extension", "on": NOW, "adults": 1, "children": 0}
        args |= changes
        with pytest.raises(FeesError, match=message) as err:
            household_fees(figures=FIGURES, **args)
        assert err.value.field == field
    with pytest.raises(FeesError, match="at least one month") as err:
        household_fees("partner_extension", NOW, 1, 0, FIGURES, months=0)
    assert err.value.field == "months"


def test_text_has_every_line_the_total_and_the_waiver():
    total = household_fees("partner_extension", NOW, 1, 1, FIGURES)
    text = total.text()
    assert text.splitlines()[0] == (
        "Partner extension in the UK, 5-year route (FLR(M)): application on 1 June 2025"
    )
    assert "Child 1: Immigration Health Charge: 2.5 years at £776 a year" in text
    assert "in force from 6 February 2024" in text
    assert "Total: £7,169.50" in text
    assert "[not yet verified: check before telling the client]" in text  # FLR(M): row not seen
    assert text.count("Fee waiver: Only if the sponsor gets a disability benefit") == 1


def test_money_words():
    assert pounds(Decimal("2587.5")) == "£2,587.50"
    assert pounds(Decimal("3029.00")) == "£3,029"
    assert pounds(0) == "£0"
    assert leave_words(33) == "2 years 9 months"
    assert leave_words(12) == "1 year"


@given(
    st.sampled_from(sorted(k for k, a in APPLICATIONS.items() if a.health_charge)),
    st.integers(0, 4),
    st.integers(0, 4),
    st.integers(1, 72),
)
def test_total_is_fee_plus_health_charge_per_person(application, adults, children, months):
    if adults + children == 0:
        return
    total = household_fees(application, NOW, adults, children, FIGURES, months=months)
    fee = FIGURES.get(APPLICATIONS[application].fee_key, NOW)
    years = Decimal(months // 12) + (
        0 if months % 12 == 0 else Decimal("0.5") if months % 12 <= 6 else 1
    )
    assert total.total == (adults + children) * fee + years * (1035 * adults + 776 * children)
    assert all(isinstance(line.amount, Decimal) for line in total.lines)


# ---- quotes for paper (quote_fees, fee_total, fees_printable, fee_words_for_client) -----------


def _figures(*rows):
    """Figures from (key, value, effective_from, verified, label) rows."""
    return Figures.from_tables(
        [
            {
                "figure": [
                    {
                        "key": key,
                        "value": value,
                        "effective_from": eff,
                        "source": f"source of {key}",
                        "instrument": f"SI 2099/1 for {key}",
                        "checked_on": date(2026, 12, 6),
                        "checked_how": "read",
                        "label": label,
                        "verified": verified,
                    }
                    for key, value, eff, verified, label in rows
                ]
            }
        ]
    )


MATRIX = _figures(
    ("fee.app", 1605, date(2025, 4, 9), True, "Application fee"),
    ("fee.ceremony", 130, date(2024, 4, 10), True, "Citizenship ceremony fee"),
    ("fee.unchecked", 1407, date(2025, 4, 9), False, "Application fee"),
    ("fee.later", 99, date(2030, 1, 1), True, "Application fee"),
    ("fee.none", 0, date(2019, 3, 30), True, "Application fee"),
    ("fee.none_unchecked", 0, date(2019, 3, 30), False, "Application fee"),
)
DAY = date(2026, 12, 6)


def test_quote_carries_the_figure_s_label_source_instrument_and_check():
    (quote,) = quote_fees(MATRIX, ["fee.app"], DAY)
    assert quote == FeeQuote(
        key="fee.app",
        label="Application fee",
        amount=Decimal("1605"),
        on=DAY,
        effective_from=date(2025, 4, 9),
        verified=True,
        source="source of fee.app",
        instrument="SI 2099/1 for fee.app",
        checked_on=date(2026, 12, 6),
    )


@pytest.mark.parametrize(
    ("keys", "total", "printable", "words"),
    [
        # verified
        (
            ["fee.app", "fee.ceremony"],
            Decimal("1735"),
            True,
            "Fee on 6 December 2026: £1,605 application fee + £130 citizenship ceremony fee "
            "= £1,735 in total.",
        ),
        (["fee.app"], Decimal("1605"), True, "Fee on 6 December 2026: £1,605 application fee."),
        (["fee.none"], Decimal("0"), True, "There is no fee."),
        # unverified: the amount is known but never printed as fact
        (
            ["fee.app", "fee.unchecked"],
            Decimal("3012"),
            False,
            "Ask your adviser what the fee is on the day you apply.",
        ),
        (
            ["fee.none_unchecked"],
            Decimal("0"),
            False,
            "Ask your adviser what the fee is on the day you apply.",
        ),
        # missing: no figure in force on the day
        (
            ["fee.app", "fee.later"],
            None,
            False,
            "Ask your adviser what the fee is on the day you apply.",
        ),
        ([], Decimal("0"), False, "Ask your adviser what the fee is on the day you apply."),
    ],
)
def test_verified_unverified_missing_matrix(keys, total, printable, words):
    quotes = quote_fees(MATRIX, keys, DAY)
    assert fee_total(quotes) == total
    assert fees_printable(quotes) is printable
    assert fee_words_for_client(quotes, DAY) == words
    if not printable:
        assert "£" not in fee_words_for_client(quotes, DAY)


def test_a_fee_not_yet_in_force_has_no_amount():
    (quote,) = quote_fees(MATRIX, ["fee.later"], DAY)
    assert quote.amount is None and quote.effective_from is None and not quote.verified
    assert quote.label == "Application fee"


def test_a_nought_among_real_fees_is_left_out_of_the_words():
    quotes = quote_fees(MATRIX, ["fee.none", "fee.app"], DAY)
    assert fee_words_for_client(quotes, DAY) == "Fee on 6 December 2026: £1,605 application fee."


def test_unknown_fee_key_names_the_key():
    with pytest.raises(FeesError, match="fee.nope") as err:
        quote_fees(MATRIX, ["fee.app", "fee.nope"], DAY)
    assert err.value.field == "keys"


def test_fee_words_write_the_date_without_the_locale():
    quotes = quote_fees(MATRIX, ["fee.app"], date(2026, 3, 1))
    assert fee_words_for_client(quotes, date(2026, 3, 1)).startswith("Fee on 1 March 2026:")


def test_naturalisation_household_adds_the_ceremony_fee_for_each_adult():
    total = household_fees("naturalisation", NOW, 2, 0, FIGURES)
    assert [line.what for line in _lines(total, "Adult 1")] == [
        "Application fee",
        "Citizenship ceremony fee",
    ]
    assert total.total == 2 * 1735
    assert household_fees("naturalisation", date(2024, 6, 1), 1, 0, FIGURES).total == 1630


def test_whole_pound_amounts_stay_whole_so_they_format_without_pence():
    quotes = quote_fees(MATRIX, ["fee.app", "fee.ceremony"], DAY)
    assert [f"£{q.amount:,}" for q in quotes] == ["£1,605", "£130"]
    assert f"£{fee_total(quotes):,}" == "£1,735"


# ---- the applications are data (issue 19): resources/rules/fee_applications.toml ---------------

APPLICATIONS_FILE = desktop.RESOURCES_DIR / "rules" / "fee_applications.toml"


def test_the_applications_and_their_legal_prose_are_data_not_python():
    assert not hasattr(fees, "APPLICATIONS")
    doc = tomllib.loads(APPLICATIONS_FILE.read_text(encoding="utf-8"))
    assert [a["key"] for a in doc["application"]] == list(APPLICATIONS)
    for raw in doc["application"]:
        app = APPLICATIONS[raw["key"]]
        # Each entry carries its prose and the source of it.
        assert app.waiver_reason == raw["waiver_reason"] and raw["source"].strip()
        assert app.waiver_source == raw["source"]
    # What the calculator answers comes from the file: change a sentence there and it changes.
    doc["application"][2]["waiver_reason"] = "Changed in the data file."
    changed = parse_applications(doc, name="fee_applications.toml")
    waiver = fees.household_fees(
        "private_life_extension", NOW, 1, 0, FIGURES, applications=changed
    ).fee_waiver
    assert waiver.sentence.startswith("Changed in the data file.")
    # An Application can be passed itself.
    app = APPLICATIONS["settlement"]
    assert (
        fees.household_fees(app, NOW, 1, 0, FIGURES).total
        == household_fees("settlement", NOW, 1, 0, FIGURES).total
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"waiver": "maybe"}, "waiver must be one of yes, only_if, no, no_fee"),
        ({"source": ""}, "source must be text"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"health_charge": "yes"}, "health_charge must be true or false"),
        ({"leave_months_key": ""}, "a health charge needs leave_months_key"),
    ],
)
def test_a_wrong_application_entry_is_named_with_its_file_and_key(change, message):
    doc = tomllib.loads(APPLICATIONS_FILE.read_text(encoding="utf-8"))
    doc["application"][0] |= change
    with pytest.raises(FeesError, match=message) as err:
        parse_applications(doc, name="resources/rules/fee_applications.toml")
    assert str(err.value).startswith(
        "resources/rules/fee_applications.toml: application 'partner_entry_clearance': "
    )
    assert err.value.field == "applications"
    doc["application"].append(dict(doc["application"][1]))
    doc["application"][0] = tomllib.loads(APPLICATIONS_FILE.read_text("utf-8"))["application"][0]
    with pytest.raises(FeesError, match="used twice"):
        parse_applications(doc, name="x")


def test_a_missing_applications_file_is_a_message_not_a_traceback(tmp_path):
    with pytest.raises(FeesError, match="fee_applications.toml cannot be read"):
        load_fee_applications(str(tmp_path))
    (tmp_path / "fee_applications.toml").write_text("[[application]]\nkey = 1\n", "utf-8")
    with pytest.raises(FeesError, match="application 1: key must be text"):
        load_fee_applications(str(tmp_path))
