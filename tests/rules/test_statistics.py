"""Statistics for funders (issue 22): age bands, what is counted, and suppression of small
counts proven by brute force (a reviewer with everything shown cannot pin a suppressed cell)."""

from __future__ import annotations

from datetime import date
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.rules.statistics import (
    AGE_BANDS,
    OTHER_UNDER_FIVE,
    UNDER_FIVE,
    WITHHELD,
    Labels,
    MatterFacts,
    PersonFacts,
    VisitFacts,
    age_band,
    compute,
    suppress,
)

START, END = date(2026, 7, 1), date(2026, 9, 30)


# ---- age bands ------------------------------------------------------------------------------


def test_age_band_is_taken_at_the_end_of_the_period():
    assert age_band(date(2008, 9, 30), END) == "18-25"  # 18 on the last day
    assert age_band(date(2008, 10, 1), END) == "Under 18"  # 18 the day after
    assert age_band(date(2000, 10, 1), END) == "18-25"  # 25
    assert age_band(date(2000, 9, 30), END) == "26-35"  # 26
    assert age_band(date(1990, 10, 1), END) == "26-35"
    assert age_band(date(1990, 9, 30), END) == "36-50"
    assert age_band(date(1975, 9, 30), END) == "51-65"
    assert age_band(date(1960, 10, 1), END) == "51-65"  # 65
    assert age_band(date(1960, 9, 30), END) == "Over 65"  # 66


def test_age_band_unknown_without_a_date_of_birth_or_with_one_after_the_period():
    assert age_band(None, END) == "Unknown"
    assert age_band(date(2027, 1, 1), END) == "Unknown"


def test_a_29_february_birthday_counts_on_1_march():
    assert age_band(date(2008, 2, 29), date(2026, 2, 28)) == "Under 18"
    assert age_band(date(2008, 2, 29), date(2026, 3, 1)) == "18-25"


# ---- what is counted ------------------------------------------------------------------------


def _people(n: int, **kw) -> list[PersonFacts]:
    return [PersonFacts(f"p{i}", **kw) for i in range(n)]


def _cells(stats, key):
    return {r.label: tuple(c.text for c in r.cells()) for r in stats.breakdown(key).rows}


def test_one_person_with_two_records_counts_once():
    # Two records of one person (received twice by referral) share the store's person key.
    people = [PersonFacts("same", nationality="Eritrean"), PersonFacts("same")] + _people(6)
    visits = [VisitFacts("same", date(2026, 7, 2)), VisitFacts("same", date(2026, 7, 3))]
    visits += [VisitFacts(f"p{i}", date(2026, 8, 1)) for i in range(6)]
    stats = compute(people, visits, [], START, END)
    assert dict(stats.summary)["Clients (unique)"].value == 7
    assert dict(stats.summary)["Visits"].value == 8


def test_clients_are_those_with_a_visit_or_a_matter_open_in_the_period():
    people = _people(12)
    visits = [VisitFacts(f"p{i}", date(2026, 7, 5)) for i in range(5)]
    visits.append(VisitFacts("p11", date(2026, 6, 30)))  # before the period: not counted
    matters = [
        MatterFacts(1, "p5", date(2026, 1, 1)),  # open all along
        MatterFacts(2, "p6", date(2026, 1, 1), closed=date(2026, 7, 1)),  # closed on day one
        MatterFacts(3, "p7", date(2026, 1, 1), closed=date(2026, 6, 30)),  # closed before
        MatterFacts(4, "p8", date(2026, 10, 1)),  # opened after
        MatterFacts(5, "p9", date(2026, 9, 30)),  # opened on the last day
    ]
    stats = compute(people, visits, matters, START, END)
    summary = dict(stats.summary)
    assert summary["Clients (unique)"].value == 8  # p0-p4, p5, p6, p9
    assert summary["Matters opened"].text == UNDER_FIVE  # 1
    assert summary["Matters closed"].text == UNDER_FIVE  # 1


def test_months_list_every_month_of_the_period_in_order():
    visits = [VisitFacts(f"p{i}", date(2026, 8, 10)) for i in range(6)]
    stats = compute(_people(6), visits, [], START, END)
    rows = stats.breakdown("month").rows
    assert [r.label for r in rows] == ["July 2026", "August 2026", "September 2026"]
    assert [r.visits.text for r in rows] == ["0", "6", "0"]


def test_matters_by_issue_oisc_category_and_outcome_use_the_labels():
    people = _people(20)
    matters = [
        MatterFacts(i, f"p{i}", date(2026, 7, 1), None, "family", "immigration") for i in range(6)
    ]
    matters += [
        MatterFacts(
            10 + i,
            f"p{10 + i}",
            date(2026, 1, 1),
            date(2026, 8, 1),
            "asylum",
            "asylum_protection",
            "refused",
        )
        for i in range(7)
    ]
    labels = Labels({"family": "Family", "asylum": "Asylum claim"}, {"refused": "Refused"})
    stats = compute(people, [], matters, START, END, labels)
    assert _cells(stats, "issue")["Family"] == ("6", "0", "6")
    assert _cells(stats, "issue")["Asylum claim"] == ("7", "0", "0")  # opened before
    assert _cells(stats, "oisc_category")["Asylum and Protection"] == ("7", "0", "0")
    assert _cells(stats, "outcome")["Refused"] == ("7", "0", "7")


def test_age_bands_are_all_listed_and_counted_at_the_end():
    people = [PersonFacts(f"p{i}", date(2000, 1, 1)) for i in range(6)]
    visits = [VisitFacts(f"p{i}", date(2026, 7, 5)) for i in range(6)]
    stats = compute(people, visits, [], START, END)
    rows = {r.label: r.clients.text for r in stats.breakdown("age_band").rows}
    assert list(rows) == list(AGE_BANDS)
    assert rows["26-35"] == "6"


def test_typed_values_under_five_clients_are_grouped_as_other():
    people = [PersonFacts(f"p{i}", nationality="British") for i in range(6)]
    people += [PersonFacts("q1", nationality="Ruritanian"), PersonFacts("q2", nationality="Zembla")]
    people += [PersonFacts(f"r{i}", referral_source=" gp  surgery") for i in range(3)]
    people += [PersonFacts(f"s{i}", referral_source="GP Surgery") for i in range(3)]
    everyone = [p.person for p in people]
    visits = [VisitFacts(who, date(2026, 7, 5)) for who in everyone]
    stats = compute(people, visits, [], START, END)
    nationality = _cells(stats, "nationality")
    assert "Ruritanian" not in nationality and "Zembla" not in nationality
    assert nationality[OTHER_UNDER_FIVE][0] == UNDER_FIVE
    # Shown by name (6 >= 5); its count withheld: the total less the others would give Other.
    assert nationality["British"][0] == WITHHELD
    # Spelling and spacing differ: one value, its commonest spelling, shown as 6 >= 5.
    assert _cells(stats, "referral_source")["GP Surgery"][0] == "6"


def test_centre_of_a_client_is_the_centre_of_their_visits():
    visits = [VisitFacts(f"p{i}", date(2026, 7, 5), centre="North") for i in range(6)]
    visits += [VisitFacts(f"p{i}", date(2026, 7, 6), centre="South") for i in range(6)]
    stats = compute(_people(6), visits, [], START, END)
    assert _cells(stats, "centre") == {"North": ("6", "6", "0"), "South": ("6", "6", "0")}


def test_a_period_that_ends_before_it_starts_is_refused():
    try:
        compute([], [], [], END, START)
    except ValueError:
        return
    raise AssertionError("no error")


# ---- suppression ----------------------------------------------------------------------------


def test_counts_of_one_to_four_are_shown_under_five_and_zero_as_zero():
    states, total, ok = suppress([0, 1, 4, 5, 20], 30, additive=True)
    assert ok and total == "shown"
    # 1 + 4 = 5 is known from the total, but each alone can be 1-4: no more is withheld.
    assert states == ["shown", "primary", "primary", "shown", "shown"]


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    # 3 + 9 + 20 = 32: with 9 and 20 shown, the 3 would be 32 - 29.
    states, total_state, ok = suppress([3, 9, 20], 32, additive=True)
    assert ok and total_state == "shown"
    assert states == ["primary", "secondary", "shown"]


def test_one_and_five_of_six_cannot_be_protected_without_the_total():
    # 1 and 5 with the total 6: "<5" + "[c]" = 6 forces 1 and 5, so the total goes too.
    states, _t, ok = suppress([1, 5], 6, additive=True)
    assert not ok
    states, t_state, ok = suppress([1, 5], 6, additive=True, total_state="secondary")
    assert ok and t_state == "secondary"


def test_a_withheld_total_is_withheld_in_every_breakdown_and_the_summary():
    # Nationality: 1 Ruritanian-like "Other" and 5 British of 6 clients -> total withheld;
    # the same total in the month breakdown must not then be shown.
    people = [PersonFacts(f"p{i}", nationality="British") for i in range(5)]
    people.append(PersonFacts("x", nationality="Zembla"))
    visits = [VisitFacts(p.person, date(2026, 7, 5)) for p in people]
    stats = compute(people, visits, [], START, END)
    assert dict(stats.summary)["Clients (unique)"].text == WITHHELD
    for b in stats.breakdowns:
        if b.key != "outcome":
            assert b.total.clients.text == WITHHELD, b.key


def test_in_a_multi_valued_breakdown_rows_adding_to_at_least_the_total_give_nothing_away():
    # 9 clients, 5 came in July and "<5" in August: each came at least once, so August >= 4,
    # and "<5" would be 4. July is withheld too.
    states, t_state, ok = suppress([5, 4], 9, additive=False)
    assert ok and t_state == "shown" and states == ["secondary", "primary"]
    _check([5, 4], 9, additive=False)


def _reviewer_values(cells, states, total, t_state, additive):
    """Every value each suppressed count can take given what is shown, by trying every
    combination (independent of the code under test). Withheld counts are tried up to a cap
    above every true count: fewer tries can only make fewer values."""
    cap = max([total, *cells]) + 3
    domains = []
    for value, state in zip(cells, states, strict=True):
        if state == "primary":
            domains.append(range(1, 5))
        elif state == "secondary":
            domains.append(range(5, cap + 1))
        else:
            domains.append((value,))
    if t_state == "primary":
        t_domain = set(range(1, 5))
    elif t_state == "secondary":
        t_domain = set(range(5, cap + 1))
    else:
        t_domain = {total}
    found = [set() for _ in cells]
    totals_found = set()
    for combo in product(*domains):
        if additive:
            possible_totals = {sum(combo)} & t_domain
        else:  # each unit in one row or more: no row above the total, the rows add to at least it
            possible_totals = {t for t in t_domain if max(combo, default=0) <= t <= sum(combo)}
        if possible_totals:
            for i, v in enumerate(combo):
                found[i].add(v)
            totals_found |= possible_totals
    return found, totals_found


def _check(cells, total, additive):
    states, t_state, ok = suppress(cells, total, additive)
    if not ok:
        states, t_state, ok = suppress(cells, total, additive, total_state="secondary")
    assert ok
    found, totals_found = _reviewer_values(cells, states, total, t_state, additive)
    for i, state in enumerate(states):
        assert (state == "shown") == (not 0 < cells[i] < 5 and state == "shown")
        if state != "shown":
            assert len(found[i]) >= 2, (cells, total, states, t_state, i, found[i])
        if 0 < cells[i] < 5:
            assert state == "primary"
    if t_state != "shown":
        assert len(totals_found) >= 2, (cells, total, states, t_state, totals_found)
    assert total not in range(1, 5) or t_state == "primary"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=4))
def test_brute_force_no_suppressed_count_in_an_additive_breakdown_can_be_worked_out(cells):
    _check(cells, sum(cells), additive=True)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda rows: st.lists(
            st.sets(st.integers(0, rows - 1), min_size=1), min_size=1, max_size=12
        ).map(lambda units: (rows, units))
    )
)
def test_brute_force_no_suppressed_count_in_a_multi_valued_breakdown_can_be_worked_out(drawn):
    # Units (clients) each in one row or more (months they came in): the rows overlap.
    rows, units = drawn
    cells = [sum(1 for u in units if r in u) for r in range(rows)]
    _check(cells, len(units), additive=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),  # person
            st.integers(0, 91),  # day of the period
            st.sampled_from(["North", "South", ""]),
            st.sampled_from(["British", "Syrian", "Eritrean", "Zembla", ""]),
        ),
        max_size=40,
    )
)
def test_no_published_cell_or_total_is_a_count_of_one_to_four(raw):
    people = [PersonFacts(f"p{p}", date(1970 + p, 1, 1), nat) for p, _d, _c, nat in raw]
    visits = [
        VisitFacts(f"p{p}", date.fromordinal(START.toordinal() + d), c) for p, d, c, _n in raw
    ]
    stats = compute(people, visits, [], START, END)
    for b in stats.breakdowns:
        for column in range(3):
            shown_cells = [r.cells()[column] for r in b.rows]
            total = b.total.cells()[column]
            for c in [*shown_cells, total]:
                assert c.text in (UNDER_FIVE, WITHHELD) or c.value == 0 or c.value >= 5
