"""Naturalisation: BNA 1981 Sch. 1, with the Nationality guidance discretion bands as notes."""

from datetime import timedelta

from tests.rules.helpers import D, history, perm, run, trip


def settled(ilr_from="2020-01-01"):
    day_before = (D(ilr_from) - timedelta(days=1)).isoformat()
    return [perm("skilled_worker", "2014-01-01", day_before), perm("ilr", ilr_from, None)]


def test_s6_1_eligible_after_ilr_held_12_months():
    a = run(history(settled()), "naturalisation_6_1", "2021-06-01")
    assert a.eligible
    assert a.qualifying_from == D("2016-06-02")  # the 5 years ending with the application date
    assert a.earliest_application_date == D("2020-12-31")


def test_s6_1_needs_ilr_for_12_months_but_s6_2_only_on_the_date():
    h = history(settled("2021-01-01"))
    assert not run(h, "naturalisation_6_1", "2021-06-01").eligible
    b = run(h, "naturalisation_6_2", "2021-06-01")
    assert b.eligible
    assert any("civil partner" in m for m in b.missing)


def test_s6_1_450_days_passes_and_451_fails_with_discretion_note():
    def with_total(n):
        return history(
            settled(),
            absences=[trip("2017-01-01", (D("2017-01-01") + timedelta(days=n + 1)).isoformat())],
        )

    assert run(with_total(450), "naturalisation_6_1", "2021-06-01").eligible
    a = run(with_total(451), "naturalisation_6_1", "2021-06-01")
    assert not a.eligible
    assert a.breaches[0].rule == "BNA 1981 Sch. 1 para 1(2)(a)" and a.breaches[0].days == 451
    assert any("480" in n and "not a pass" in n for n in a.notes)


def test_90_days_in_last_12_months_passes_and_91_fails():
    ok = history(settled(), absences=[trip("2021-01-01", "2021-04-01")])  # 89 days
    assert run(ok, "naturalisation_6_1", "2021-06-01").eligible
    over = history(settled(), absences=[trip("2021-01-01", "2021-04-03")])  # 91 days
    a = run(over, "naturalisation_6_1", "2021-06-01")
    assert not a.eligible
    assert a.breaches[0].rule == "BNA 1981 Sch. 1 para 1(2)(b)"
    assert a.earliest_application_date == D("2022-01-02")  # when 2 January 2021 drops out


def test_must_be_in_uk_on_first_day_of_the_period():
    h = history(settled(), absences=[trip("2016-05-20", "2016-06-10")])
    a = run(h, "naturalisation_6_1", "2021-06-01")
    assert not a.eligible
    assert a.continuity_broken
    assert a.earliest_application_date == D("2021-06-09")


def test_breach_of_immigration_laws_in_the_period_fails():
    h = history(
        [
            perm("student", "2014-01-01", "2017-12-31"),
            perm("skilled_worker", "2018-06-01", "2019-12-31"),
            perm("ilr", "2020-01-01", None),
        ]
    )
    a = run(h, "naturalisation_6_1", "2021-06-01")
    assert not a.eligible
    assert any(b.rule.endswith("(d)") for b in a.breaches)
    assert a.earliest_application_date == D("2023-05-31")


def test_s6_2_270_days_over_3_years():
    h = history(settled("2020-01-01"), absences=[trip("2019-01-01", "2019-09-30")])  # 271
    a = run(h, "naturalisation_6_2", "2021-06-01")
    assert not a.eligible
    assert a.breaches[0].days == 271
    assert any("300" in n for n in a.notes)
