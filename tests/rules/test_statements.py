"""Bank statements for a fee waiver (reference 003: fee waiver, NRPF and domestic abuse sheets).

Fictional people, fictional sort codes (40-11-62, 09-01-28, 20-30-40), made-up shops.
The application date is 3 June 2026 unless a test says otherwise: the statements must cover
3 December 2025 to 2 June 2026, and the latest must end on or after 6 May 2026.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures, statement_vocabulary
from desktop.rules import statements as S
from desktop.rules.figures import Figures
from desktop.rules.statement_types import Account, Explanation, FlagKind, Txn
from desktop.rules.statements import (
    RULE_DOMESTIC_ABUSE,
    RULE_FEE_WAIVER,
    RULE_NRPF,
    VocabularyError,
    balance_mismatch,
    category_of,
    merge_periods,
    normalise_payee,
    review,
    statement_window,
    thresholds,
    vocabulary_from_toml,
)

D = date.fromisoformat
M = Decimal
FIGURES = load_figures()
WORDS = statement_vocabulary()
APP = D("2026-06-03")
FROM, TO = D("2025-12-03"), D("2026-06-02")
FULL = ((FROM, TO),)


def acct(key="a", *, holder="Amina Yusuf", bank="Monzo", kind="current", sort_code="40-11-62",
         last_four="1234", status="open", closed_on=None, periods=FULL) -> Account:  # fmt: skip
    return Account(key, holder, bank, kind, sort_code, last_four, status, closed_on, periods)


SAVINGS = dict(bank="Halifax", kind="savings", sort_code="09-01-28", last_four="5678")
OTHER = dict(bank="Starling", sort_code="20-30-40", last_four="9012")
_count = itertools.count()


def t(account, on, description, amount, type_code="", balance=None, key=None) -> Txn:
    return Txn(
        key or f"{account}:{next(_count)}",
        account,
        D(on) if isinstance(on, str) else on,
        description,
        M(amount),
        M(balance) if balance is not None else None,
        type_code,
    )


def run(accounts, txns, on=APP, **kw):
    return review(accounts, txns, on, FIGURES, WORDS, **kw)


def flag_of(result, key):
    found = [f for f in result.flags if f.txn.key == key]
    return found[0] if found else None


def kinds(result, key):
    f = flag_of(result, key)
    return set() if f is None else set(f.kinds)


def figures_with(**values) -> Figures:
    by_key = dict(FIGURES.by_key)
    for name, value in values.items():
        key = "statements." + name
        by_key[key] = tuple(replace(e, value=value) for e in by_key[key])
    return Figures(by_key)


# ---- the window --------------------------------------------------------------------------------


def test_window_is_six_months_to_the_day_before_with_the_latest_ending_28_days_before():
    assert statement_window(APP, FIGURES) == (FROM, TO, D("2026-05-06"))


def test_31_august_application_clamps_to_the_end_of_february():
    assert statement_window(D("2026-08-31"), FIGURES)[0] == D("2026-02-28")
    assert statement_window(D("2028-08-31"), FIGURES)[0] == D("2028-02-29")
    cover = run([acct(periods=((D("2026-03-01"), D("2026-08-30")),))], [], D("2026-08-31"))
    assert cover.coverage[0].required_from == D("2026-02-28")
    assert cover.coverage[0].missing == ((D("2026-02-28"), D("2026-02-28")),)
    assert cover.coverage[0].missing_days == 1


def test_thresholds_are_250_and_50_as_decimals():
    assert thresholds(FIGURES, APP) == {"standard": M("250.00"), "cautious": M("50.00")}
    assert isinstance(thresholds(FIGURES, APP)["standard"], Decimal)


# ---- coverage ----------------------------------------------------------------------------------


def test_full_coverage_is_ok():
    cover = run([acct()], []).coverage[0]
    assert cover.ok and cover.missing == () and cover.missing_days == 0
    assert cover.covered == FULL and cover.ends_on == TO
    assert "3 December 2025 to 2 June 2026" in cover.sentences[0]


def test_statements_running_past_the_window_are_clipped():
    cover = run([acct(periods=((D("2025-10-01"), D("2026-06-30")),))], []).coverage[0]
    assert cover.ok and cover.covered == FULL and cover.ends_on == D("2026-06-30")


def test_gap_in_the_middle_is_missing_and_named_in_words():
    periods = ((FROM, D("2026-02-28")), (D("2026-03-15"), TO))
    cover = run([acct(periods=periods)], []).coverage[0]
    assert not cover.ok
    assert cover.missing == ((D("2026-03-01"), D("2026-03-14")),)
    assert cover.missing_days == 14
    assert "1 March 2026 to 14 March 2026 (14 days)" in cover.sentences[0]
    assert "Monzo current ••1234 (Amina Yusuf)" in cover.sentences[0]


def test_touching_and_overlapping_periods_merge():
    assert merge_periods(
        [(D("2026-03-01"), D("2026-03-31")), (D("2026-01-01"), D("2026-02-28"))]
    ) == [(D("2026-01-01"), D("2026-03-31"))]
    cover = run([acct(periods=((FROM, D("2026-03-10")), (D("2026-03-01"), TO)))], [])
    assert cover.coverage[0].ok


def test_latest_statement_ending_too_early_must_run_to_28_days_before():
    cover = run([acct(periods=((FROM, D("2026-05-02")),))], []).coverage[0]
    assert cover.missing == ((D("2026-05-03"), D("2026-05-06")),)
    assert cover.missing_days == 4 and cover.ends_on == D("2026-05-02")
    assert (
        "the latest statement ends on 2 May 2026; statements must run to at least 6 May 2026"
        in cover.sentences[0]
    )


def test_latest_statement_ending_within_the_allowance_is_enough():
    cover = run([acct(periods=((FROM, D("2026-05-06")),))], []).coverage[0]
    assert cover.ok and cover.missing == ()


def test_start_too_late_is_missing_from_six_months_before():
    cover = run([acct(periods=((D("2026-01-01"), TO),))], []).coverage[0]
    assert cover.missing == ((FROM, D("2025-12-31")),)


def test_account_with_no_statements_misses_the_whole_window():
    result = run([acct(periods=())], [])
    cover = result.coverage[0]
    assert cover.missing == ((FROM, TO),) and cover.missing_days == 182
    assert cover.ends_on is None and not cover.ok
    assert cover.sentences[0].startswith("No statements for Monzo current ••1234 (Amina Yusuf)")
    assert any("no statements yet" in w for w in result.warnings)


def test_dormant_and_child_accounts_still_need_statements():
    dormant = run([acct(status="dormant", periods=())], []).coverage[0]
    child = run([acct(kind="child", holder="Zara Yusuf", periods=())], []).coverage[0]
    assert dormant.missing_days == 182 and child.missing_days == 182
    assert any("is a dormant account: it still needs statements" in s for s in dormant.sentences)
    assert any("is a child's account: it still needs statements" in s for s in child.sentences)


def test_closed_account_needs_statements_only_to_its_closing_date_and_must_be_declared():
    closed = acct(status="closed", closed_on=D("2026-03-10"), periods=((FROM, D("2026-03-10")),))
    result = run([closed], [])
    cover = result.coverage[0]
    assert cover.ok and cover.required_to == TO  # the household's window, for every account
    assert cover.covered == ((FROM, D("2026-03-10")),)
    assert any("closed on 10 March 2026" in s for s in cover.sentences)
    assert any("declare it on the form" in w for w in result.warnings)
    short = run([replace(closed, periods=((FROM, D("2026-02-28")),))], []).coverage[0]
    assert short.missing == ((D("2026-03-01"), D("2026-03-10")),)


def test_account_closed_before_the_window_needs_no_statements_but_a_declaration():
    result = run([acct(status="closed", closed_on=D("2025-09-30"), periods=())], [])
    cover = result.coverage[0]
    assert cover.ok and cover.missing == () and cover.missing_days == 0
    assert "no statements are needed, but the account must still be declared" in cover.sentences[0]
    assert any("declare it on the form" in w for w in result.warnings)
    assert not any("no statements yet" in w for w in result.warnings)


def test_period_ending_before_it_starts_is_an_error_naming_the_account():
    with pytest.raises(ValueError, match=r"account a: statement period 1 ends"):
        run([acct(periods=((D("2026-03-01"), D("2026-02-01")),))], [])


def test_coverage_figures_come_from_the_data():
    changed = figures_with(latest_end_days=14)
    result = review([acct(periods=((FROM, D("2026-05-10")),))], [], APP, changed, WORDS)
    assert result.coverage[0].missing == ((D("2026-05-11"), D("2026-05-20")),)
    assert "at least 20 May 2026" in result.coverage[0].sentences[0]


def _brute_force_missing(periods, on, closed_on):
    """Day by day: a day is missing when no period holds it and it is before the latest
    statement ends (or before the day the latest must reach); a closed account needs days only
    up to its closing."""
    required_from, required_to, end_no_earlier_than = statement_window(on, FIGURES)
    if closed_on is not None and closed_on < required_to:
        required_to = closed_on
        end_no_earlier_than = min(end_no_earlier_than, closed_on)
    latest = max((b for _, b in periods), default=None)
    count = 0
    day = required_from
    while day <= required_to:
        held = any(a <= day <= b for a, b in periods)
        if not held and (latest is None or day <= max(latest, end_no_earlier_than)):
            count += 1
        day += timedelta(days=1)
    return count


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(st.integers(-260, 40), st.integers(0, 120)).map(
            lambda p: (APP + timedelta(days=p[0]), APP + timedelta(days=p[0] + p[1]))
        ),
        max_size=5,
    ),
    st.sampled_from([APP, D("2026-08-31"), D("2028-03-30"), D("2026-01-01")]),
    st.one_of(st.none(), st.integers(-250, 10).map(lambda n: APP + timedelta(days=n))),
)
def test_missing_days_equal_brute_force_day_counting(periods, on, closed_on):
    account = acct(periods=tuple(periods), closed_on=closed_on)
    cover = review([account], [], on, FIGURES, WORDS).coverage[0]
    assert cover.missing_days == _brute_force_missing(periods, on, closed_on)
    assert cover.missing_days == sum((b - a).days + 1 for a, b in cover.missing)
    assert cover.ok == (cover.missing_days == 0)
    for (_, b1), (a2, _) in itertools.pairwise(cover.missing):
        assert b1 < a2


# ---- own-account transfers ---------------------------------------------------------------------


def two_accounts(**b):
    return [acct("a"), acct("b", **(SAVINGS | b))]


# Issue 17: a pair is an own transfer only when both lines look like transfers; the plain
# "Payment" lines these tests used before now stay ordinary lines (see test_statements_trust.py).
XFER_OUT, XFER_IN = "Transfer to savings", "Transfer from current"


def test_transfer_two_days_apart_matches_and_explains_itself():
    out = t("a", "2026-03-01", XFER_OUT, "-120.00", key="out")
    inn = t("b", "2026-03-03", XFER_IN, "120.00", key="in")
    result = run(two_accounts(), [out, inn])
    (match,) = result.transfers
    assert (match.out_key, match.in_key, match.amount, match.days_apart) == ("out", "in", M(120), 2)
    assert match.by == "amount_and_date"
    f = flag_of(result, "out")
    assert f.kinds == {FlagKind.OWN_TRANSFER} and f.match == "in"
    assert f.suggested == Explanation(
        "Transfer to my Halifax savings ••5678 (Amina Yusuf)", category="own_transfer", auto=True
    )
    assert (
        flag_of(result, "in").suggested.text
        == "Transfer from my Monzo current ••1234 (Amina Yusuf)"
    )
    assert f.reasons[0].rule == RULE_FEE_WAIVER
    assert "arrives there on 3 March 2026" in f.reasons[0].sentence


def test_transfer_three_days_apart_does_not_match():
    out = t("a", "2026-03-01", "Transfer to savings", "-120.00", key="out")
    inn = t("b", "2026-03-04", "Transfer in", "120.00", key="in")
    result = run(two_accounts(), [out, inn])
    assert result.transfers == ()
    assert kinds(result, "out") == {FlagKind.UNMATCHED_TRANSFER}
    assert kinds(result, "in") == {FlagKind.UNMATCHED_TRANSFER}


def test_transfer_window_comes_from_the_figures():
    out = t("a", "2026-03-01", XFER_OUT, "-120.00")
    inn = t("b", "2026-03-04", XFER_IN, "120.00")
    changed = figures_with(transfer_window_days=3)
    assert len(review(two_accounts(), [out, inn], APP, changed, WORDS).transfers) == 1


def test_transfer_needs_the_same_amount_and_another_account():
    lines = [
        t("a", "2026-03-01", "Payment", "-120.00"),
        t("b", "2026-03-01", "Payment", "119.99"),
        t("a", "2026-03-01", "Payment", "120.00"),  # same account: not a transfer
    ]
    assert run(two_accounts(), lines).transfers == ()


def test_reference_to_the_sort_code_picks_the_right_account():
    accounts = [acct("a"), acct("b", **SAVINGS), acct("c", **OTHER)]
    out = t("a", "2026-03-01", "FPO A YUSUF 203040 REF 77", "-80.00", "FPO", key="out")
    in_b = t("b", "2026-03-01", "Payment", "80.00", key="in_b")
    in_c = t("c", "2026-03-01", "Payment", "80.00", key="in_c")
    result = run(accounts, [out, in_b, in_c])
    (match,) = result.transfers
    assert match.in_key == "in_c" and match.by == "reference"
    assert kinds(result, "in_b") == set()  # left over: not flagged (neither large nor odd)


def test_reference_to_sort_code_with_dashes_or_last_four_next_to_an_account_word():
    accounts = [acct("a"), acct("b", **SAVINGS), acct("c", **OTHER)]
    for description, expected in (
        ("To 20-30-40 savings", "in_c"),
        ("Transfer to a/c 9012", "in_c"),
        ("Transfer to account ending 5678", "in_b"),
    ):
        out = t("a", "2026-03-01", description, "-80.00", key="out")
        in_b = t("b", "2026-03-01", "Payment", "80.00", key="in_b")
        in_c = t("c", "2026-03-01", "Payment", "80.00", key="in_c")
        (match,) = run(accounts, [out, in_b, in_c]).transfers
        assert (match.in_key, match.by) == (expected, "reference"), description


def test_last_four_without_an_account_word_is_not_a_reference():
    accounts = [acct("a"), acct("b", **SAVINGS), acct("c", **OTHER)]
    out = t("a", "2026-03-01", "Shop 9012", "-80.00", key="out")
    in_b = t("b", "2026-03-01", "Payment", "80.00", key="in_b")
    in_c = t("c", "2026-03-01", "Payment", "80.00", key="in_c")
    # Issue 17: before, "Shop 9012" matched "Payment" by amount and date; neither looks like a
    # transfer, so now nothing matches.
    assert run(accounts, [out, in_b, in_c]).transfers == ()
    out = t("a", "2026-03-01", "Transfer 9012", "-80.00", key="out")
    in_b = t("b", "2026-03-01", "Transfer in", "80.00", key="in_b")
    in_c = t("c", "2026-03-01", "Transfer in", "80.00", key="in_c")
    (match,) = run(accounts, [out, in_b, in_c]).transfers
    assert match.by == "amount_and_date" and match.in_key == "in_b"  # statement order


def test_matching_is_one_to_one_and_closest_date_first():
    near = t("b", "2026-03-02", XFER_IN, "50.00", key="near")
    far = t("b", "2026-03-03", XFER_IN, "50.00", key="far")
    first = t("a", "2026-03-01", XFER_OUT, "-50.00", key="first")
    second = t("a", "2026-03-02", XFER_OUT, "-50.00", key="second")
    result = run(two_accounts(), [far, near, first, second])
    pairs = {(m.out_key, m.in_key) for m in result.transfers}
    assert pairs == {("second", "near"), ("first", "far")}


def test_unmatched_transfer_is_flagged_as_a_possible_undeclared_account():
    line = t("a", "2026-03-01", "TFR TO 55-66-77 12345678", "-40.00", key="x")
    result = run([acct("a")], [line])
    f = flag_of(result, "x")
    assert f.kinds == {FlagKind.UNMATCHED_TRANSFER}
    assert f.reasons[0].sentence == (
        "Money moved to an account not on this list: possibly an undeclared account. "
        "Add the account's statements or explain."
    )
    assert f.suggested is None


def test_faster_payment_with_an_account_number_looks_like_a_transfer_without_one_not():
    with_number = t("a", "2026-03-01", "J MENSAH 12345678", "-40.00", "FPO", key="n")
    without = t("a", "2026-03-01", "J MENSAH", "-40.00", "FPO", key="w")
    result = run([acct("a")], [with_number, without])
    assert kinds(result, "n") == {FlagKind.UNMATCHED_TRANSFER}
    assert kinds(result, "w") == set()
    dated = t("a", "2026-03-01", "CARD PAYMENT TO GREENLEAF GROCER ON 28-02-26", "-4.00", key="d")
    assert kinds(run([acct("a")], [dated]), "d") == set()  # a date, not a sort code


def test_transfer_naming_a_household_account_that_shows_nothing_says_so():
    line = t("a", "2026-03-01", "Transfer to a/c 5678", "-40.00", key="x")
    result = run(two_accounts(), [line])
    sentence = flag_of(result, "x").reasons[0].sentence
    assert "Money moved to Halifax savings ••5678 (Amina Yusuf)" in sentence
    assert "within 2 days" in sentence


def test_progress_counts_own_transfers_as_explained_by_the_app():
    lines = [
        t("a", "2026-03-01", XFER_OUT, "-120.00", key="out"),
        t("b", "2026-03-01", XFER_IN, "120.00", key="in"),
        t("a", "2026-03-05", "ATM", "-20.00", "ATM", key="cash"),
    ]
    result = run(two_accounts(), lines)
    assert result.progress({}) == (2, 3)
    assert not result.is_final({})
    assert not result.is_final({"cash": Explanation("  ")})
    done = {"cash": Explanation("Food shopping at the market")}
    assert result.progress(done) == (3, 3) and result.is_final(done)


def _brute_force_max_matching(lines, window=2):
    outs = [x for x in lines if x.amount < 0]
    ins = [x for x in lines if x.amount > 0]

    def ok(o, i):
        return (
            o.account != i.account and -o.amount == i.amount and abs((o.on - i.on).days) <= window
        )

    def best(k, used):
        if k == len(outs):
            return 0
        result = best(k + 1, used)
        for j, i in enumerate(ins):
            if j not in used and ok(outs[k], i):
                result = max(result, 1 + best(k + 1, used | {j}))
        return result

    return best(0, frozenset()), ok


def _lines(draw_list):
    return [
        Txn(f"{acc}:{n}", "abc"[acc], APP - timedelta(days=20 + day), "Transfer", M(sign * amount))
        for n, (acc, day, amount, sign) in enumerate(draw_list)
    ]


LINE = st.tuples(
    st.integers(0, 2), st.integers(0, 6), st.sampled_from([10, 20, 30]), st.sampled_from([1, -1])
)
THREE = [acct("a"), acct("b", **SAVINGS), acct("c", **OTHER)]


def _check_matches(result, lines):
    by_key = {x.key: x for x in lines}
    used = [k for m in result.transfers for k in (m.out_key, m.in_key)]
    assert len(used) == len(set(used))  # no line used twice
    _, ok = _brute_force_max_matching(lines)
    for m in result.transfers:
        assert ok(by_key[m.out_key], by_key[m.in_key])
    return set(used), ok


@settings(max_examples=200)
@given(st.lists(LINE, max_size=10, unique_by=lambda x: (x[2], x[3])))
def test_matches_equal_the_maximum_matching_when_amounts_are_unique(drawn):
    lines = _lines(drawn)
    result = review(THREE, lines, APP, FIGURES, WORDS)
    _check_matches(result, lines)
    assert len(result.transfers) == _brute_force_max_matching(lines)[0]


@settings(max_examples=200)
@given(st.lists(LINE, max_size=9))
def test_matching_is_one_to_one_valid_and_leaves_no_matchable_pair(drawn):
    lines = _lines(drawn)
    result = review(THREE, lines, APP, FIGURES, WORDS)
    used, ok = _check_matches(result, lines)
    free = [x for x in lines if x.key not in used]
    assert not any(ok(o, i) for o in free for i in free if o.amount < 0 < i.amount)
    best, _ = _brute_force_max_matching(lines)
    assert 2 * len(result.transfers) >= best  # a maximal matching is at least half the maximum
    assert review(THREE, lines, APP, FIGURES, WORDS).transfers == result.transfers


# ---- recurrences -------------------------------------------------------------------------------


def series_of(result):
    return {r.key: r for r in result.recurrences}


def test_weekly_payments_are_a_regular_series():
    start = D("2026-03-02")
    lines = [
        t("a", start + timedelta(days=7 * k + (k % 2)), "PUREGYM 0042 CARD 4455", "-15.00", "DEB")
        for k in range(6)
    ]
    result = run([acct()], lines)
    (rec,) = result.recurrences
    assert (rec.cadence, rec.payee) == ("weekly", "puregym card")
    assert rec.typical_amount == M("-15.00") and len(rec.txn_keys) == 6
    for line in lines:
        f = flag_of(result, line.key)
        assert f.kinds == {FlagKind.REGULAR} and f.series == rec.key
    assert flag_of(result, lines[0].key).reasons[0].rule == RULE_DOMESTIC_ABUSE
    assert "weekly (6 times)" in flag_of(result, lines[0].key).reasons[0].sentence


def test_monthly_payment_on_the_last_day_of_each_month():
    days = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
    lines = [t("a", d, f"EDF ENERGY DD REF {i}1234", "-45.00", "DD") for i, d in enumerate(days)]
    result = run([acct()], lines)
    (rec,) = result.recurrences
    assert rec.cadence == "monthly" and rec.payee == "edf energy"
    assert rec.key == "a:edf energy:monthly:out"
    sentence = flag_of(result, lines[0].key).reasons[0].sentence
    assert sentence == (
        "Regular payment: about £45.00 to 'edf energy' monthly (5 times): explain what it is"
    )


def test_monthly_payment_moved_by_a_weekend_stays_in_the_series():
    days = ["2025-12-15", "2026-01-15", "2026-02-16", "2026-03-16", "2026-04-15", "2026-05-15"]
    lines = [t("a", d, "Lambeth Lettings rent", "-650.00", "SO") for d in days]
    (rec,) = run([acct()], lines).recurrences
    assert rec.cadence == "monthly" and len(rec.txn_keys) == 6


def test_fortnightly_and_four_weekly_cadences():
    start = D("2026-01-05")
    fortnightly = [t("a", start + timedelta(days=14 * k), "Kids Club", "-30.00") for k in range(5)]
    four_weekly = [
        t("a", start + timedelta(days=28 * k), "ACME PAYROLL", "900.00", "BGC") for k in range(5)
    ]
    result = run([acct()], fortnightly + four_weekly)
    cadences = {r.payee: r.cadence for r in result.recurrences}
    assert cadences == {"kids club": "fortnightly", "acme payroll": "four-weekly"}
    pay = flag_of(result, four_weekly[0].key).reasons[0].sentence
    assert pay.startswith("Regular money in: about £900.00 from 'acme payroll' every four weeks")


def test_amounts_within_tolerance_form_a_series():
    days = ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"]
    amounts = ["-9.99", "-10.49", "-9.99", "-10.49"]
    lines = [t("a", d, "Streamflix subscription", a) for d, a in zip(days, amounts, strict=True)]
    (rec,) = run([acct()], lines).recurrences
    assert rec.typical_amount == M("-10.24")  # the median, 10.24 to the penny (half up)


def test_amounts_outside_tolerance_are_not_one_series():
    days = ["2026-01-10", "2026-02-10", "2026-03-10"]
    lines = [
        t("a", d, "Corner Cafe", a)
        for d, a in zip(days, ["-10.00", "-30.00", "-55.00"], strict=True)
    ]
    assert run([acct()], lines).recurrences == ()


def test_one_odd_amount_drops_out_and_the_rest_stay_regular():
    days = ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10", "2026-05-10"]
    amounts = ["-45.00", "-45.00", "-120.00", "-45.00", "-45.00"]
    lines = [t("a", d, "EDF ENERGY", a) for d, a in zip(days, amounts, strict=True)]
    result = run([acct()], lines)
    (rec,) = result.recurrences
    assert len(rec.txn_keys) == 4 and lines[2].key not in rec.txn_keys
    assert kinds(result, lines[2].key) == set()


def test_two_payments_are_not_a_series():
    lines = [t("a", d, "EDF ENERGY", "-45.00") for d in ("2026-03-10", "2026-04-10")]
    result = run([acct()], lines)
    assert result.recurrences == () and result.flags == ()


def test_irregular_dates_are_not_a_series():
    lines = [t("a", d, "EDF ENERGY", "-45.00") for d in ("2026-01-10", "2026-01-30", "2026-03-25")]
    assert run([acct()], lines).recurrences == ()


def test_same_payee_in_and_out_are_separate_groups():
    days = ["2026-01-10", "2026-02-10", "2026-03-10"]
    outs = [t("a", d, "Vinted", "-20.00") for d in days]
    ins = [t("a", d, "Vinted", "20.00") for d in ("2026-01-20", "2026-02-20")]
    (rec,) = run([acct()], outs + ins).recurrences
    assert rec.key.endswith(":out") and len(rec.txn_keys) == 3


def test_own_transfers_are_left_out_of_recurrences():
    days = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
    lines = []
    for d in days:
        lines.append(t("a", d, "To savings", "-100.00"))
        lines.append(t("b", d, "From current", "100.00"))
    result = run(two_accounts(), lines)
    assert result.recurrences == ()
    assert len(result.transfers) == 4
    assert all(f.kinds == {FlagKind.OWN_TRANSFER} for f in result.flags)


def test_normalise_payee_strips_dates_references_card_numbers_and_codes():
    assert normalise_payee("EDF ENERGY DD REF 12345 01/05") == "edf energy"
    assert normalise_payee("CARD PAYMENT TO TESCO STORES 3345 ON 01 MAY") == "tesco stores"
    assert normalise_payee("Streamflix.com ****1234 12MAR26") == "streamflix com"
    assert normalise_payee("SO Lambeth Lettings ref: AB12345") == "lambeth lettings"
    assert normalise_payee("O2 UK 07700900123") == "o2 uk"


# ---- the other flags ---------------------------------------------------------------------------


def test_large_is_strictly_over_the_threshold():
    lines = [
        t("a", "2026-03-01", "Bright Sofa Co", "-250.00", key="at"),
        t("a", "2026-03-02", "Bright Sofa Co", "-250.01", key="over"),
    ]
    result = run([acct()], lines)
    assert kinds(result, "at") == set()
    assert kinds(result, "over") == {FlagKind.LARGE}
    reason = flag_of(result, "over").reasons[0]
    assert reason.sentence == "Over £250 paid out: say what it was for."
    assert reason.rule == RULE_DOMESTIC_ABUSE


def test_cautious_threshold_of_50_flags_what_250_does_not():
    line = t("a", "2026-03-01", "Bright Sofa Co", "-80.00", key="x")
    assert kinds(run([acct()], [line]), "x") == set()
    cautious = run([acct()], [line], threshold=thresholds(FIGURES, APP)["cautious"])
    assert kinds(cautious, "x") == {FlagKind.LARGE}
    reason = flag_of(cautious, "x").reasons[0]
    assert reason.rule == RULE_NRPF and "Over £50" in reason.sentence
    assert cautious.threshold == M("50.00")
    assert "cautious rule of thumb" in cautious.warnings[0]


def test_threshold_sentence_follows_the_figure():
    line = t("a", "2026-03-01", "Bright Sofa Co", "-280.00", key="x")
    changed = figures_with(threshold="275.50")
    result = review([acct()], [line], APP, changed, WORDS)
    assert flag_of(result, "x").reasons[0].sentence.startswith("Over £275.50 paid out")


def test_cash_withdrawn_and_paid_in():
    lines = [
        t("a", "2026-03-01", "LNK HIGH ST 01MAR", "-20.00", key="atm_word"),
        t("a", "2026-03-02", "High Street", "-20.00", "ATM", key="atm_code"),
        t("a", "2026-03-03", "Counter credit", "35.00", key="paid_in"),
        t("a", "2026-03-04", "Cashew Nut Shop", "-20.00", key="not_cash"),
    ]
    result = run([acct()], lines)
    assert kinds(result, "atm_word") == {FlagKind.CASH}
    assert kinds(result, "atm_code") == {FlagKind.CASH}
    assert (
        flag_of(result, "atm_word").reasons[0].sentence
        == "Cash withdrawn: say what it was spent on."
    )
    assert flag_of(result, "paid_in").reasons[0].sentence == "Cash paid in: say where it came from."
    assert kinds(result, "not_cash") == set()


def test_money_from_a_person_needs_a_letter():
    lines = [
        t("a", "2026-03-01", "KWAME MENSAH", "40.00", "FPI", key="fpi"),
        t("a", "2026-03-02", "Kwame Mensah", "40.00", key="name"),
        t("a", "2026-03-02", "gift from kwame", "40.00", key="gift"),
        t("a", "2026-03-02", "Rent from lodger", "40.00", key="lowercase_words"),
        t("a", "2026-03-03", "BANK TRANSFER FROM K MENSAH", "40.00", key="phrase"),
        t("a", "2026-03-03", "Kofi / birthday money", "40.00", "FASTER PAYMENT", key="type_words"),
        t("a", "2026-03-04", "ACME LTD", "40.00", "FPI", key="company"),
        t("a", "2026-03-05", "SALARY ACME", "40.00", "BGC", key="wages"),
        t("a", "2026-03-06", "DWP UC", "40.00", "BGC", key="benefit"),
        t("a", "2026-03-07", "Tesco refund", "40.00", key="refund"),
        t("a", "2026-03-08", "Kwame Mensah", "-40.00", key="out"),
    ]
    result = run([acct()], lines)
    for key in ("fpi", "name", "phrase", "gift", "type_words"):
        assert FlagKind.FROM_PERSON in kinds(result, key), key
    for key in ("company", "wages", "benefit", "refund", "out", "lowercase_words"):
        assert FlagKind.FROM_PERSON not in kinds(result, key), key
    sentence = next(r for r in flag_of(result, "fpi").reasons).sentence
    assert "money from friends or family as money they could lend you" in sentence
    assert "letter from the person" in sentence


def test_large_payment_out_shortly_before_the_application():
    lines = [
        t("a", "2026-05-25", "Bright Sofa Co", "-900.00", key="close"),
        t("a", "2026-04-20", "Bright Sofa Co", "-900.00", key="earlier"),
        t("a", "2026-05-25", "Bright Sofa Co", "900.00", key="money_in"),
        t("a", "2026-05-26", XFER_OUT, "-700.00", key="transfer"),
        t("b", "2026-05-26", XFER_IN, "700.00", key="transfer_in"),
    ]
    rent = [t("a", f"2026-{m:02d}-20", "Lambeth Lettings", "-650.00", "SO") for m in (3, 4, 5)]
    result = run(two_accounts(), lines + rent)
    assert kinds(result, "close") == {FlagKind.LARGE, FlagKind.BALANCE_REDUCTION}
    assert kinds(result, rent[-1].key) == {FlagKind.REGULAR, FlagKind.LARGE}  # the rent, as usual
    assert kinds(result, "earlier") == {FlagKind.LARGE}
    assert FlagKind.BALANCE_REDUCTION not in kinds(result, "money_in")
    assert FlagKind.BALANCE_REDUCTION not in kinds(result, "transfer")
    reason = [r for r in flag_of(result, "close").reasons if r.kind == FlagKind.BALANCE_REDUCTION]
    assert "reduce the balance" in reason[0].sentence and reason[0].rule == RULE_FEE_WAIVER


def test_one_flag_per_line_with_every_reason():
    line = t("a", "2026-05-30", "ATM WITHDRAWAL", "-400.00", "ATM", key="x")
    (f,) = run([acct()], [line]).flags
    assert [r.kind for r in f.reasons] == [
        FlagKind.LARGE,
        FlagKind.BALANCE_REDUCTION,
        FlagKind.CASH,
    ]


def test_flags_are_in_date_then_account_then_statement_order_and_unflagged_lines_absent():
    lines = [
        t("b", "2026-03-02", "ATM", "-10.00", "ATM", key="b2"),
        t("a", "2026-03-02", "ATM", "-10.00", "ATM", key="a2_first"),
        t("a", "2026-03-02", "ATM", "-11.00", "ATM", key="a2_second"),
        t("b", "2026-03-01", "ATM", "-12.00", "ATM", key="b1"),
        t("a", "2026-03-01", "Corner Cafe", "-3.00", key="plain"),
    ]
    result = run(two_accounts(), lines)
    assert [f.txn.key for f in result.flags] == ["b1", "a2_first", "a2_second", "b2"]
    assert all(f.reasons for f in result.flags)
    assert all(f.reasons[0].rule.startswith("Reference 003, ") for f in result.flags)


def test_lines_outside_the_window_are_not_flagged_but_counted():
    lines = [
        t("a", "2025-11-01", "ATM", "-900.00", "ATM", key="old"),
        t("a", "2026-06-03", "ATM", "-900.00", "ATM", key="on_the_day"),
        t("a", "2025-12-03", "ATM", "-10.00", "ATM", key="first_day"),
    ]
    result = run([acct()], lines)
    assert [f.txn.key for f in result.flags] == ["first_day"]
    assert any(w.startswith("2 statement lines are outside the 6 months") for w in result.warnings)


# ---- income and outgoings ----------------------------------------------------------------------


def test_income_and_outgoings_per_month_and_the_average_to_the_penny():
    lines = [
        t("a", "2026-01-15", "ACME PAYROLL", "1000.00", "BGC"),
        t("a", "2026-02-15", "ACME PAYROLL", "1000.01", "BGC"),
        t("a", "2026-01-02", "Lambeth Lettings rent", "-650.00", "SO"),
        t("a", "2026-01-03", "TESCO STORES 3345", "-23.45", "DEB"),
        t("a", "2026-01-04", "Sainsbury's S/MKT", "-10.05", "DEB"),
        t("a", "2026-01-05", "ATM HIGH ST", "-20.00", "ATM"),
        t("a", "2026-01-06", "Corner Cafe", "-3.00"),
        t("a", "2026-01-07", "Bright Sofa Co", "-0.03"),
        t("a", "2026-01-08", "DWP UC", "300.00", "BGC"),
        t("a", "2026-01-09", "Mystery", "12.00"),
        t("a", "2026-02-01", XFER_OUT, "-100.00"),  # an own transfer: left out
        t("b", "2026-02-01", XFER_IN, "100.00"),
        t("a", "2025-11-30", "ACME PAYROLL", "999.00", "BGC"),  # before the window
    ]
    ie = run(two_accounts(), lines).income_expenditure
    assert [m.month for m in ie.months] == [D(f"{y}-{m:02d}-01") for y, m in
                                            [(2025, 12), (2026, 1), (2026, 2), (2026, 3),
                                             (2026, 4), (2026, 5), (2026, 6)]]  # fmt: skip
    jan = ie.months[1]
    assert jan.income == {"wages": M("1000.00"), "benefits": M("300.00"), "support": 0,
                          "loan": 0, "refund": 0, "other_income": M("12.00")}  # fmt: skip
    assert jan.essential == {"rent": M("650.00"), "utilities": 0, "food": M("33.50"),
                             "travel": 0, "children": 0}  # fmt: skip
    assert jan.other == {"other_out": M("3.03"), "cash_out": M("20.00")}
    assert ie.months[2].income["wages"] == M("1000.01")
    assert ie.months[2].total_essential == 0 and ie.months[2].total_other == 0
    assert ie.months[0].total_income == 0  # empty months are there, with zeros
    avg = ie.average
    assert avg.month == D("2025-12-01")
    assert avg.income["wages"] == M("333.34")  # 2000.01 / 6 = 333.335, half up
    assert avg.other["other_out"] == M("0.51")  # 3.03 / 6 = 0.505, half up
    assert avg.essential["food"] == M("5.58")  # 33.50 / 6 = 5.5833...
    assert str(avg.income["benefits"]) == "50.00"


def test_the_clients_category_wins_over_the_automatic_one():
    line = t("a", "2026-01-09", "Kwame Mensah", "120.00", key="x")
    assert category_of(line, WORDS) == "other_income"
    support = Explanation("From my brother", category="support")
    assert category_of(line, WORDS, support) == "support"
    ie = run([acct()], [line], explanations={"x": support}).income_expenditure
    assert ie.months[1].income["support"] == M("120.00")
    assert ie.months[1].income["other_income"] == 0
    moved = run([acct()], [line], explanations={"x": Explanation("Mine", "own_transfer")})
    assert moved.income_expenditure.months[1].total_income == 0


def test_automatic_categories_from_the_vocabulary():
    def cat(description, amount, code=""):
        return category_of(t("a", "2026-01-01", description, amount, code), WORDS)

    assert cat("THAMES WATER", "-30.00") == "utilities"
    assert cat("Council Tax Lambeth", "-90.00") == "utilities"
    assert cat("TFL TRAVEL CH", "-5.00") == "travel"
    assert cat("Oakfield School uniform", "-25.00") == "children"
    assert cat("Cash withdrawal Tesco", "-20.00") == "cash_out"
    assert cat("ACME PAY", "900.00") == "wages"
    assert cat("Paypal", "900.00") == "other_income"  # "pay" is a whole word only
    assert cat("Bank fees", "-5.00") == "other_out"  # "ee" is not in "fees"
    assert cat("ASDA refund", "12.00") == "refund"


def test_adding_a_shop_is_a_data_change():
    doc = {"categories": {"food": ["pinewood grocers"]}}
    words = vocabulary_from_toml(doc)
    line = t("a", "2026-01-01", "PINEWOOD GROCERS 22", "-8.00")
    assert category_of(line, words) == "food" and category_of(line, WORDS) == "other_out"


def test_vocabulary_errors_name_the_list():
    with pytest.raises(VocabularyError, match=r"\[categories\] groceries: not a list"):
        vocabulary_from_toml({"categories": {"groceries": ["x"]}})
    with pytest.raises(VocabularyError, match=r"\[detect\] cash_words must be a list"):
        vocabulary_from_toml({"detect": {"cash_words": "atm"}})
    with pytest.raises(VocabularyError, match=r"\[words\]"):
        vocabulary_from_toml({"words": {}})


# ---- the household -----------------------------------------------------------------------------


def test_household_members_without_accounts_are_listed():
    result = run([acct()], [], household=["  amina   YUSUF ", "Kofi Yusuf", "Kofi Yusuf", ""])
    assert result.holders_without_accounts == ("Kofi Yusuf",)


def test_transactions_of_an_unknown_account_are_an_error_naming_it():
    with pytest.raises(ValueError, match=r"transaction z:1: its account 'z' is not in the list"):
        run([acct()], [t("z", "2026-03-01", "Payment", "-1.00", key="z:1")])


def test_account_listed_twice_is_an_error():
    with pytest.raises(ValueError, match=r"account a: listed twice"):
        run([acct(), acct()], [])


# ---- running balances --------------------------------------------------------------------------


def test_balance_mismatch_finds_the_first_row_that_does_not_follow():
    rows = [(M("-10.00"), M("90.00")), (M("5.00"), M("95.00")), (M("-2.00"), M("92.00")),
            (M("-1.00"), M("91.00"))]  # fmt: skip
    assert balance_mismatch(rows, opening=M("100.00")) == 2
    assert balance_mismatch(rows[:2], opening=M("100.00")) is None
    assert balance_mismatch(rows[:2], opening=M("99.00")) == 0


def test_balance_mismatch_without_opening_trusts_the_first_balance():
    rows = [(M("-10.00"), M("500.00")), (M("5.00"), M("505.00"))]
    assert balance_mismatch(rows) is None
    assert balance_mismatch([(M("1"), None), (M("2"), M("7.00")), (M("3"), M("11.00"))]) == 2


def test_rows_without_a_balance_are_carried():
    rows = [(M("-10.00"), None), (M("-5.00"), None), (M("20.00"), M("105.00"))]
    assert balance_mismatch(rows, opening=M("100.00")) is None
    assert balance_mismatch(rows, opening=M("101.00")) == 2
    assert balance_mismatch([(M("1.00"), None)], opening=M("5")) is None
    assert balance_mismatch([]) is None


# ---- the checks made quicker give the same results (issue 15) -----------------------------------
# The recurrence and transfer searches were quadratic when many lines share a payee or an amount:
# a 40,000-line statement took minutes. These are the searches as they were, word for word, to
# compare against on small inputs.


def _old_match_transfers(lines: Sequence, window_days: int) -> list[tuple]:
    """Greedy one-to-one matching of out lines to in lines of the same amount in another account
    within `window_days`: by reference first, then pairs where a side looks like a transfer,
    then the closest dates, then the earliest, then statement order. O(n log n) for lines of
    distinct amounts: the in lines are indexed by amount and date."""
    ins: dict = {}
    for line in lines:
        if line.txn.amount > 0:
            ins.setdefault(line.txn.amount, []).append(line)
    days_of = {amount: [i.day for i in bucket] for amount, bucket in ins.items()}
    candidates = []
    for out in lines:
        if out.txn.amount >= 0:
            continue
        bucket = ins.get(-out.txn.amount)
        if not bucket:
            continue
        days = days_of[-out.txn.amount]
        lo = bisect_left(days, out.day - window_days)
        hi = bisect_right(days, out.day + window_days)
        for inn in bucket[lo:hi]:
            if inn.txn.account == out.txn.account:
                continue
            by_reference = inn.txn.account in out.refs or out.txn.account in inn.refs
            if not S._pair_ok(out, inn, by_reference):  # issue 17: both must look like transfers
                continue
            rank = 0 if by_reference else (1 if out.looks_transfer or inn.looks_transfer else 2)
            apart = abs(inn.day - out.day)
            candidates.append(
                (rank, apart, min(inn.day, out.day), out.order, inn.order, out, inn, by_reference)
            )
    candidates.sort(key=lambda c: c[:5])
    used: set[int] = set()
    matches = []
    for *_, out, inn, by_reference in candidates:
        if out.order in used or inn.order in used:
            continue
        used.add(out.order)
        used.add(inn.order)
        matches.append((out, inn, by_reference))
    return matches


def _old_chains(lines: Sequence, cadence: str, s) -> list:
    """Series of `cadence` among lines of one payee (date order): each line joins the open chain
    whose next expected day is nearest (for monthly and four-weekly, the next but one too: one
    payment may be missed), when its amount is within tolerance of the chain's median;
    otherwise it starts a chain. Anchored on the first payment, so a four-weekly payment drifts
    out of a monthly chain."""
    s = s.for_cadence(cadence)  # issue 17: weekly keeps to a day, and may miss two weeks
    tol = s.day_tolerance
    steps = S.STEPS[cadence]
    every = S.CADENCE_DAYS.get(cadence)
    active: list = []
    finished: list = []
    for seq, line in enumerate(lines):
        day = line.day
        if any(day > chain.expect[-1][0] + tol for chain in active):
            finished.extend(c for c in active if day > c.expect[-1][0] + tol)
            active = [c for c in active if day <= c.expect[-1][0] + tol]
        amount = abs(line.txn.amount)
        best = None
        for chain in active:
            if day <= chain.lines[-1].day or abs(amount - chain.median) > chain.tolerance:
                continue
            for expected, k in chain.expect:
                diff = abs(day - expected)
                drift = s.anchor_tolerance
                if drift is not None and abs(day - chain.lines[0].day - every * k) > drift:
                    continue
                if diff <= tol:
                    key = (diff, k, -len(chain.lines), chain.seq)
                    if best is None or key < best[0]:
                        best = (key, chain, k)
        if best is None:
            chain = S._Chain(line, amount, seq, s)
            active.append(chain)
        else:
            _, chain, k = best
            chain.add(line, amount, k, s)
        if s.anchor_tolerance is not None:  # issue 17: a week after the last payment
            chain.expect = [(chain.lines[-1].day + every * step, chain.k + step) for step in steps]
        else:
            chain.expect = sorted(
                (expected, chain.k + step)
                for step in steps
                for expected in S._expected_days(chain.anchor, cadence, chain.k + step, tol)
            )
    return finished + active


def _settings(**changes):
    return replace(S._Settings.read(FIGURES, APP, None), **changes)


def _payee_lines(drawn):
    """One payee's lines, date order: (days after 1 December 2025, amount) pairs."""
    drawn = sorted(drawn, key=lambda pair: pair[0])
    return [
        S._Line(
            Txn(f"a:{n}", "a", D("2025-12-01") + timedelta(days=day), "PINEWOOD CAFE", -M(amount)),
            n,
            0,
            "pinewood cafe",
            True,
        )
        for n, (day, amount) in enumerate(drawn)
    ]


def _chain_orders(chains):
    return sorted(tuple(line.order for line in chain.lines) for chain in chains)


AMOUNTS = st.sampled_from(["4.50", "4.60", "5.00", "9.99", "10.00", "10.50", "11.00", "48.00",
                           "50.00", "52.00", "650.00", "0.00"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 150), AMOUNTS), max_size=60),
    st.sampled_from(S.CADENCES),
    st.integers(0, 4),
    st.sampled_from([0, 10, 50, 100, 150]),
    st.sampled_from(["0.00", "2.00", "7.50"]),
)
def test_recurrence_chains_are_those_of_the_old_search(drawn, cadence, days, percent, floor):
    s = _settings(day_tolerance=days, amount_percent=M(percent), amount_floor=M(floor))
    lines = _payee_lines(drawn)
    assert _chain_orders(S._chains(lines, cadence, s)) == _chain_orders(
        _old_chains(lines, cadence, s)
    )


def test_recurrence_chains_of_a_busy_shop_are_those_of_the_old_search():
    rnd = random.Random(15)
    drawn = [(rnd.randrange(183), f"{rnd.randrange(100, 1500) / 100:.2f}") for _ in range(1500)]
    drawn += [(d, "15.00") for d in range(0, 183, 7)] + [(d, "650.00") for d in range(2, 183, 30)]
    lines = _payee_lines(drawn)
    s = _settings()
    for cadence in S.CADENCES:
        assert _chain_orders(S._chains(lines, cadence, s)) == _chain_orders(
            _old_chains(lines, cadence, s)
        )


def test_a_line_looks_only_at_the_series_that_could_take_it(monkeypatch):
    """The search was quadratic: each line was compared with every open series of its payee
    (those started in the last month or two). Now a line is compared only with the series
    expecting a payment within the day tolerance whose median is near its amount. Counted, not
    timed: a busy shop's 1,500 lines in 6 months."""
    looked = Counter()

    class CountedChain(S._Chain):
        __slots__ = ("_tolerance",)

        @property
        def tolerance(self):
            looked["times"] += 1
            return self._tolerance

        @tolerance.setter
        def tolerance(self, value):
            self._tolerance = value

    monkeypatch.setattr(S, "_Chain", CountedChain)
    rnd = random.Random(15)
    drawn = [(rnd.randrange(183), f"{rnd.randrange(100, 9000) / 100:.2f}") for _ in range(1500)]
    lines = _payee_lines(drawn)
    per_line = {}
    for name, search in (("old", _old_chains), ("new", S._chains)):
        looked.clear()
        for cadence in S.CADENCES:
            search(lines, cadence, _settings())
        per_line[name] = looked["times"] / len(lines)
    assert per_line["old"] > 300, per_line  # every open series of the payee, for each cadence
    # issue 17: weekly may miss two weeks and vary 25 per cent, so it looks at a few more (was 15)
    assert per_line["new"] < 25, per_line  # a few for each cadence


TRANSFER = st.tuples(
    st.integers(0, 2),
    st.integers(0, 8),
    st.sampled_from(["20.00", "50.00", "50.01", "100.00"]),
    st.sampled_from([1, -1]),
    st.sampled_from(["Payment", "TFR TO A/C 5678", "TRANSFER FROM 40-11-62", "KWAME MENSAH"]),
)


def _household_lines(drawn):
    return [
        Txn(
            f"{'abc'[acc]}:{n}", "abc"[acc], APP - timedelta(days=20 + day), text, M(amount) * sign
        )  # fmt: skip
        for n, (acc, day, amount, sign, text) in enumerate(drawn)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(TRANSFER, max_size=40))
def test_transfer_matching_is_that_of_the_old_search(drawn):
    txns = _household_lines(drawn)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S, "_match_transfers", _old_match_transfers)
        old = review(THREE, txns, APP, FIGURES, WORDS)
    assert review(THREE, txns, APP, FIGURES, WORDS).transfers == old.transfers


LINE_TEXTS = ["PINEWOOD CAFE", "EDF ENERGY DD", "TFR TO A/C 5678", "KWAME MENSAH", "CASH ATM",
              "ACME PAYROLL", "Lambeth Lettings rent", "PUREGYM"]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(0, 190),
            AMOUNTS,
            st.sampled_from([1, -1]),
            st.sampled_from(LINE_TEXTS),
        ),
        max_size=80,
    )
)
def test_the_whole_review_is_that_of_the_old_searches(drawn):
    txns = _household_lines(drawn)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S, "_match_transfers", _old_match_transfers)
        patch.setattr(
            S, "_chains", lambda lines, cadence, s, bands=None: _old_chains(lines, cadence, s)
        )
        old = review(THREE, txns, APP, FIGURES, WORDS)
    assert review(THREE, txns, APP, FIGURES, WORDS) == old


def test_a_busy_household_reviews_as_with_the_old_searches():
    rnd = random.Random(3)
    drawn = [
        (
            rnd.randrange(3),
            rnd.randrange(190),
            f"{rnd.randrange(100, 3000) / 100:.2f}",
            rnd.choice([1, -1, -1]),
            rnd.choice(LINE_TEXTS),
        )  # fmt: skip
        for _ in range(1500)
    ]
    # Issue 17: random amounts seldom pair two transfer-looking lines, so add real transfers.
    for _ in range(20):
        amount = f"{rnd.randrange(100, 3000) / 100:.2f}"
        day = rnd.randrange(190)
        drawn.append((0, day, amount, -1, "TFR TO A/C 5678"))
        drawn.append((1, day + rnd.randrange(2), amount, 1, "TRANSFER FROM 40-11-62"))
    txns = _household_lines(drawn)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S, "_match_transfers", _old_match_transfers)
        patch.setattr(
            S, "_chains", lambda lines, cadence, s, bands=None: _old_chains(lines, cadence, s)
        )
        old = review(THREE, txns, APP, FIGURES, WORDS)
    new = review(THREE, txns, APP, FIGURES, WORDS)
    assert new == old and new.recurrences and new.transfers


WORDY = st.sampled_from(
    ["TFR TO A/C 5678", "TRANSFER FROM 40-11-62", "KWAME MENSAH", "CASH ATM 12/05",
     "ACME PAYROLL", "FASTER PAYMENT AMA OWUSU", "Lambeth Lettings rent", "DWP UC",
     "a/c 9012 savings", "PINEWOOD CAFE"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            WORDY,
            st.sampled_from(["", "FPI", "ATM", "TFR", "DD"]),
            st.sampled_from(["-20.00", "20.00", "0.00", "-650.00"]),
        ),  # fmt: skip
        max_size=30,
    )
)
def test_what_the_words_say_is_worked_out_once_and_the_same_as_each_time(drawn):
    """A long statement repeats descriptions, so what they say is worked out once for each
    description and type code (and account): the same, line by line, as working it out."""
    txns = [
        Txn(f"{'abc'[a]}:{n}", "abc"[a], APP - timedelta(days=30), text, M(amount), None, code)
        for n, (a, text, code, amount) in enumerate(drawn)
    ]
    order = {"a": 0, "b": 1, "c": 2}
    lines = S._prepared_lines(txns, range(len(txns)), THREE, order, WORDS, FROM, TO)
    words = S._Words(WORDS)
    patterns = S._account_patterns(THREE, WORDS)
    for line in lines:
        txn = line.txn
        fresh = S._Line(txn, line.order, order[txn.account], S._match_text(txn), True)
        if any(ch.isdigit() for ch in txn.description):
            fresh.refs = frozenset(
                k for k, p in patterns if k != txn.account and p.search(fresh.text)
            )
        assert (line.text, line.refs) == (fresh.text, fresh.refs)
        assert line.looks_transfer == S._looks_like_transfer(fresh, WORDS)
        assert words.cash(line) == S._is_cash(txn, fresh.text, WORDS)
        assert words.category(line) == S._auto_category(txn, fresh.text, WORDS)
        assert words.person(line) == S._looks_like_person(fresh, WORDS)
        assert words.payee(txn.description) == normalise_payee(txn.description)


def test_statement_words_may_say_when_they_were_checked():
    from datetime import date as _date

    from desktop.rules.statements import VocabularyError, vocabulary_from_toml

    vocabulary_from_toml({"checked_on": _date(2026, 12, 1), "categories": {}})
    with pytest.raises(VocabularyError, match="checked_on must be a date"):
        vocabulary_from_toml({"checked_on": "yesterday"})
