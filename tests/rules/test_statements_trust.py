"""Issue 17: a fee-waiver sheet the Home Office can rely on (desktop/rules/statements.py).

Real transfers only, undeclared accounts caught, weekly shops seen as weekly, part-months shown
as part-months, and never "final" while anything is missing. Two fictional households:

* Nadia Testcase: Barclays current and Monzo current, a weekly shop at Lidl with missed weeks,
  a monthly council-tax direct debit that moves for weekends, and a hidden Nationwide savings
  account ("TO NATIONWIDE SAVINGS") she has not declared.
* Elif Fictitious: NatWest current and Santander current, a British Gas direct debit and an
  Amazon refund of the same amount a day apart (a coincidence, not a transfer), real own
  transfers between the two, and a Monzo current account with no statements at all.

Fictional sort codes and numbers throughout. Application date 3 June 2026 unless a test says
otherwise: statements must cover 3 December 2025 to 2 June 2026.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from desktop.assess import load_figures, statement_vocabulary
from desktop.rules import statements as S
from desktop.rules.statement_types import Account, Explanation, FlagKind, Readiness, Txn

D = date.fromisoformat
M = Decimal
FIGURES = load_figures()
WORDS = statement_vocabulary()
APP = D("2026-06-03")
FROM, TO = D("2025-12-03"), D("2026-06-02")
FULL = ((FROM, TO),)
_count = itertools.count()


def account(key, holder, bank, *, kind="current", sort_code="", last_four="", periods=FULL):
    return Account(key, holder, bank, kind, sort_code, last_four, "open", None, periods)


def t(acc, on, description, amount, type_code="", key=None) -> Txn:
    on = D(on) if isinstance(on, str) else on
    return Txn(key or f"{acc}:{next(_count)}", acc, on, description, M(amount), None, type_code)


def run(accounts, txns, on=APP, **kw):
    return S.review(accounts, txns, on, FIGURES, WORDS, **kw)


def flag_of(result, key):
    found = [f for f in result.flags if f.txn.key == key]
    return found[0] if found else None


def kinds(result, key):
    f = flag_of(result, key)
    return set() if f is None else set(f.kinds)


# ---- the households ----------------------------------------------------------------------------

NADIA = "Nadia Testcase"
BARCLAYS = account("bar", NADIA, "Barclays", sort_code="20-45-77", last_four="3141")
MONZO_N = account("mon", NADIA, "Monzo", sort_code="04-00-04", last_four="2718")

ELIF = "Elif Fictitious"
NATWEST = account("nw", ELIF, "NatWest", sort_code="60-12-34", last_four="1111")
SANTANDER = account("san", ELIF, "Santander", sort_code="09-01-55", last_four="2222")
MONZO_E = account("mz", ELIF, "Monzo", sort_code="04-00-75", last_four="4821", periods=())


# ---- 1. readiness ------------------------------------------------------------------------------


def test_readiness_is_final_only_when_everything_is_explained_and_covered():
    lines = [t("bar", "2026-03-05", "ATM HIGH ST", "-20.00", "ATM", key="cash")]
    result = run([BARCLAYS], lines)
    ready = result.readiness({})
    assert ready == Readiness(False, ("1 of 1 flagged line is not explained yet.",), 0, 1)
    assert not result.is_final({})
    done = {"cash": Explanation("Food shopping at the market")}
    assert result.readiness(done) == Readiness(True, (), 1, 1)
    assert result.is_final(done)


def test_an_account_with_no_statements_is_never_final_and_says_why():
    result = run([NATWEST, MONZO_E], [])
    ready = result.readiness({})
    assert not ready.final and not result.is_final({})
    assert (ready.explained, ready.flagged) == (0, 0)
    assert ready.reasons == (
        "Monzo current ••4821 (Elif Fictitious): no statements from 3 December 2025 to "
        "2 June 2026 (182 days).",
    )


# ---- 2. transfers: only lines that look like transfers ----------------------------------------


def test_british_gas_and_an_amazon_refund_of_the_same_amount_are_not_a_transfer():
    gas = t("nw", "2026-03-10", "BRITISH GAS", "-120.00", "DD", key="gas")
    refund = t("san", "2026-03-11", "AMAZON REFUND", "120.00", key="refund")
    result = run([NATWEST, SANTANDER], [gas, refund])
    assert result.transfers == ()
    assert FlagKind.OWN_TRANSFER not in kinds(result, "gas") | kinds(result, "refund")
    assert flag_of(result, "gas") is None and flag_of(result, "refund") is None
    march = next(m for m in result.income_expenditure.months if m.month == D("2026-03-01"))
    assert march.essential["utilities"] == M("120.00")  # counted, not dropped as a transfer
    assert march.income["refund"] == M("120.00")
    # over the threshold, each is flagged as its own merits say, not as a transfer
    big_gas = t("nw", "2026-03-10", "BRITISH GAS", "-320.00", "DD", key="gas")
    big_refund = t("san", "2026-03-11", "AMAZON REFUND", "320.00", key="refund")
    result = run([NATWEST, SANTANDER], [big_gas, big_refund])
    assert result.transfers == ()
    assert kinds(result, "gas") == {FlagKind.LARGE} and kinds(result, "refund") == {FlagKind.LARGE}
    assert flag_of(result, "gas").suggested is None


def test_real_own_transfers_still_match():
    pairs = [
        # (out account, out text, out code, in account, in text, in code)
        ("nw", "SANTANDER ELIF FICTITIOUS", "FPO", "san", "FROM ELIF FICTITIOUS", "FPI"),
        ("nw", "E FICTITIOUS 09-01-55", "SO", "san", "BANK CREDIT", ""),
        ("san", "TRANSFER TO A/C 1111", "", "nw", "FASTER PAYMENT RECEIVED", ""),
        ("san", "To Elif Fictitious", "", "nw", "FICTITIOUS E", "BGC"),
        ("nw", "ONLINE TRANSFER", "TFR", "san", "INTERNET TRANSFER", ""),
    ]
    for n, (oa, ot, oc, ia, it, ic) in enumerate(pairs):
        out = t(oa, "2026-03-10", ot, "-75.00", oc, key="out")
        inn = t(ia, "2026-03-11", it, "75.00", ic, key="in")
        result = run([NATWEST, SANTANDER], [out, inn])
        assert len(result.transfers) == 1, pairs[n]
        assert kinds(result, "out") == {FlagKind.OWN_TRANSFER}, pairs[n]
        assert kinds(result, "in") == {FlagKind.OWN_TRANSFER}, pairs[n]


def test_a_direct_debit_is_not_matched_even_to_a_transfer_looking_line():
    gas = t("nw", "2026-03-10", "BRITISH GAS", "-60.00", "DD", key="gas")
    inn = t("san", "2026-03-10", "FASTER PAYMENT RECEIVED", "60.00", key="in")
    assert run([NATWEST, SANTANDER], [gas, inn]).transfers == ()
    # ... unless it names the other account (a credit card paid by direct debit from current)
    card = account("cc", ELIF, "Barclaycard", kind="credit card", last_four="7777")
    pay = t("nw", "2026-03-10", "BARCLAYCARD", "-60.00", "DD", key="pay")
    credit = t("cc", "2026-03-11", "PAYMENT RECEIVED THANK YOU", "60.00", key="credit")
    assert len(run([NATWEST, card], [pay, credit]).transfers) == 1


# ---- 3. undeclared accounts --------------------------------------------------------------------


def test_nationwide_savings_is_possibly_an_undeclared_account_not_only_over_250():
    line = t("bar", "2026-05-03", "NADIA TESTCASE / TO NATIONWIDE SAVINGS", "-400.00", key="nw")
    result = run([BARCLAYS, MONZO_N], [line])
    assert FlagKind.UNDECLARED_ACCOUNT in kinds(result, "nw")
    assert FlagKind.LARGE in kinds(result, "nw")
    sentence = next(
        r.sentence for r in flag_of(result, "nw").reasons if r.kind == FlagKind.UNDECLARED_ACCOUNT
    )
    assert "possibly an account not declared" in sentence
    # explained, it is still not final: the account is not on the declaration
    explained = {"nw": Explanation("Moved to my Nationwide savings account")}
    ready = result.readiness(explained)
    assert not ready.final and (ready.explained, ready.flagged) == (1, 1)
    assert ready.reasons == (
        "Possibly an account not declared: 'NADIA TESTCASE / TO NATIONWIDE SAVINGS' -£400.00 "
        "on 3 May 2026.",
    )
    # declared with statements, the line matches its other side and the sheet can be final
    nationwide = account("nws", NADIA, "Nationwide", kind="savings", last_four="9999")
    arrives = t("nws", "2026-05-03", "TRANSFER IN", "400.00", key="arr")
    declared = run([BARCLAYS, MONZO_N, nationwide], [line, arrives])
    assert kinds(declared, "nw") == {FlagKind.OWN_TRANSFER, FlagKind.LARGE}
    assert declared.readiness({}).final


def test_own_name_and_own_products_with_no_matching_line_are_flagged():
    for n, (text, amount, code) in enumerate(
        [
            ("N TESTCASE SAVINGS", "-50.00", ""),
            ("Savings Pot", "-30.00", ""),
            ("TO CASH ISA", "-100.00", "SO"),
            ("NADIA TESTCASE", "200.00", "FPI"),  # from her own name: an account somewhere
            ("Vault top up", "-20.00", ""),
        ]
    ):
        line = t("mon", "2026-04-01", text, amount, code, key=f"x{n}")
        result = run([BARCLAYS, MONZO_N], [line])
        assert FlagKind.UNDECLARED_ACCOUNT in kinds(result, f"x{n}"), text
        assert FlagKind.FROM_PERSON not in kinds(result, f"x{n}"), text


def test_shops_and_named_declared_accounts_are_not_undeclared():
    shop = t("mon", "2026-04-01", "SPACE NK LONDON", "-30.00", "POS", key="shop")
    friend = t("mon", "2026-04-01", "KWAME MENSAH", "40.00", "FPI", key="friend")
    result = run([BARCLAYS, MONZO_N], [shop, friend])
    assert FlagKind.UNDECLARED_ACCOUNT not in kinds(result, "shop") | kinds(result, "friend")
    # "to savings" with a savings account declared names that account: an unmatched transfer
    halifax = account("hx", NADIA, "Halifax", kind="savings", last_four="5555")
    line = t("bar", "2026-04-01", "TFR TO SAVINGS", "-60.00", key="s")
    assert kinds(run([BARCLAYS, halifax], [line]), "s") == {FlagKind.UNMATCHED_TRANSFER}


def test_undeclared_account_named_in_an_explanation():
    accounts = [BARCLAYS, MONZO_N]
    named = S.undeclared_account_named
    assert named("Moved to my Nationwide savings account", accounts, WORDS) == "Nationwide savings"
    assert named("Put into my Halifax ISA", accounts, WORDS) == "Halifax ISA"
    assert named("Sent to my Lloyds account", accounts, WORDS) == "Lloyds account"
    assert named("My Monzo pot for the rent", accounts, WORDS) == "Monzo pot"  # current only
    assert named("Food shopping at the market", accounts, WORDS) is None
    assert named("Paid back to my brother at Barclays account", accounts, WORDS) is None
    monzo_savings = account("ms", NADIA, "Monzo", kind="savings")
    assert named("My Monzo pot for the rent", accounts + [monzo_savings], WORDS) is None


def test_accounts_for_declaration_lists_declared_and_named_accounts():
    line = t("bar", "2026-05-03", "NADIA TESTCASE / TO NATIONWIDE SAVINGS", "-400.00", key="nw")
    cash = t("bar", "2026-05-04", "ATM", "-20.00", "ATM", key="cash")
    result = run([BARCLAYS, MONZO_N], [line, cash])
    explanations = {
        "nw": Explanation("Moved to my Nationwide savings account"),
        "cash": Explanation("Put in my nationwide savings too"),
    }
    assert S.accounts_for_declaration(result, explanations, WORDS) == (
        "Barclays current ••3141 (Nadia Testcase)",
        "Monzo current ••2718 (Nadia Testcase)",
        "Nationwide savings (named in the explanation of the line of 3 May 2026; not declared yet)",
    )
    assert S.accounts_for_declaration(result, {}, WORDS) == (
        "Barclays current ••3141 (Nadia Testcase)",
        "Monzo current ••2718 (Nadia Testcase)",
    )


def test_pair_facts_are_worked_out_once_and_the_same_as_each_time():
    txns = [
        t(acc, "2026-04-01", text, amount, code)
        for acc in ("bar", "mon")
        for text, amount, code in [
            ("NADIA TESTCASE", "-20.00", "FPO"),
            ("TO MONZO", "-20.00", ""),
            ("BRITISH GAS", "-20.00", "DD"),
            ("TO BARCLAYS CURRENT", "-20.00", ""),
            ("Savings Pot", "20.00", ""),
        ]
    ] * 2
    accounts = [BARCLAYS, MONZO_N]
    order = {"bar": 0, "mon": 1}
    names = S._own_names_pattern([NADIA])
    lines = S._prepared_lines(txns, range(len(txns)), accounts, order, WORDS, FROM, TO, names)
    banks = S._AccountWords(accounts, lambda a: a.bank)
    kinds_ = S._AccountWords(accounts, lambda a: a.kind)
    for line in lines:
        fresh = S._Line(line.txn, line.order, order[line.txn.account], line.text, True)
        fresh.refs, fresh.looks_transfer = line.refs, line.looks_transfer
        S._facts_for_pairs(fresh, WORDS, names, banks, kinds_)
        got = [getattr(line, n) for n in ("transferish", "not_transfer", "own_name", "product",
                                          "banks", "kinds_named", "any_bank")]  # fmt: skip
        want = [getattr(fresh, n) for n in ("transferish", "not_transfer", "own_name", "product",
                                            "banks", "kinds_named", "any_bank")]  # fmt: skip
        assert got == want, line.txn.description
    assert lines[0].own_name and lines[1].banks == ("mon",) and lines[2].not_transfer
    assert lines[3].banks == () and lines[8].banks == ("bar",)


# ---- 4. recurring payments ---------------------------------------------------------------------

# Nadia's weekly shop at Lidl: Saturdays, sometimes the Friday or Sunday, with weeks missed
# (one week in January, two in a row in February, one in April), amounts of a real shop.
LIDL = [
    ("2025-12-05", "47.10"), ("2025-12-13", "44.85"), ("2025-12-21", "44.85"),
    ("2025-12-28", "48.05"), ("2026-01-03", "42.75"), ("2026-01-18", "44.85"),
    ("2026-01-25", "41.20"), ("2026-01-30", "42.75"), ("2026-02-08", "41.20"),
    ("2026-02-14", "45.60"), ("2026-03-07", "44.85"), ("2026-03-14", "41.20"),
    ("2026-03-20", "41.20"), ("2026-03-29", "41.20"), ("2026-04-05", "43.99"),
    ("2026-04-10", "41.20"), ("2026-04-26", "43.99"), ("2026-05-01", "48.05"),
    ("2026-05-09", "43.99"), ("2026-05-16", "43.99"), ("2026-05-23", "48.05"),
    ("2026-05-31", "41.20"),
]  # fmt: skip


def lidl_lines():
    return [t("bar", d, "LIDL GB LONDON", f"-{a}", "POS", key=f"lidl{n}")
            for n, (d, a) in enumerate(LIDL)]  # fmt: skip


def test_a_weekly_shop_with_missed_weeks_is_one_weekly_series():
    # Before: four "every four weeks" series of 3 to 6 lines, and 2 lines not flagged at all.
    lines = lidl_lines()
    result = run([BARCLAYS], lines)
    (rec,) = result.recurrences
    assert rec.cadence == "weekly" and rec.payee == "lidl gb london"
    assert set(rec.txn_keys) == {x.key for x in lines}
    for line in lines:
        assert flag_of(result, line.key).series == rec.key
    sentence = flag_of(result, "lidl0").reasons[0].sentence
    assert "weekly (22 times)" in sentence and "monthly" not in sentence


def test_a_monthly_bill_that_moves_for_weekends_is_monthly():
    # Council tax on the 1st, paid on the Monday when the 1st is a weekend.
    days = ["2025-12-01", "2026-01-02", "2026-02-02", "2026-03-02", "2026-04-01", "2026-05-01",
            "2026-06-01"]  # fmt: skip
    lines = [t("bar", d, "LAMBETH COUNCIL TAX", "-142.00", "DD", key=f"ct{n}")
             for n, d in enumerate(days)]  # fmt: skip
    result = run([BARCLAYS], lines + lidl_lines())
    by_payee = {r.payee: r for r in result.recurrences}
    assert by_payee["lambeth council tax"].cadence == "monthly"
    assert len(by_payee["lambeth council tax"].txn_keys) == 6  # 1 December is before the window
    assert by_payee["lidl gb london"].cadence == "weekly"


def test_two_payees_with_similar_names_are_two_series():
    shop = [t("bar", D("2026-01-03") + timedelta(days=7 * k), f"TESCO STORES {2231 + k % 2}",
              "-38.50", "POS") for k in range(10)]  # fmt: skip
    phone = [t("bar", f"2026-{m:02d}-12", "TESCO MOBILE", "-15.00", "DD") for m in range(1, 6)]
    result = run([BARCLAYS], shop + phone)
    assert {(r.payee, r.cadence, len(r.txn_keys)) for r in result.recurrences} == {
        ("tesco stores", "weekly", 10),
        ("tesco mobile", "monthly", 5),
    }


def test_weekly_fortnightly_and_monthly_series_to_one_payee_are_told_apart():
    start = D("2026-01-05")  # a Monday
    weekly = [t("mon", start + timedelta(days=7 * k), "A OKAFOR", "-60.00", "FPO")
              for k in range(12) if k not in (4, 8, 9)]  # fmt: skip
    fortnightly = [t("mon", start + timedelta(days=4 + 14 * k), "A OKAFOR", "-100.00", "FPO")
                   for k in range(6)]  # fmt: skip
    monthly = [t("mon", f"2026-{m:02d}-01", "A OKAFOR", "-250.00", "FPO") for m in range(1, 6)]
    result = run([MONZO_N], weekly + fortnightly + monthly)
    found = {(r.cadence, r.typical_amount): set(r.txn_keys) for r in result.recurrences}
    assert found == {
        ("weekly", M("-60.00")): {x.key for x in weekly},
        ("fortnightly", M("-100.00")): {x.key for x in fortnightly},
        ("monthly", M("-250.00")): {x.key for x in monthly},
    }


def test_shopping_on_random_days_is_not_weekly():
    days = [0, 3, 11, 12, 25, 29, 44, 46, 60, 75, 77, 90]
    lines = [t("bar", D("2026-01-01") + timedelta(days=d), "PINEWOOD CAFE", "-4.50") for d in days]
    result = run([BARCLAYS], lines)
    assert all(r.cadence != "weekly" for r in result.recurrences)


# ---- 5. income and outgoings: part-months and averages ------------------------------------------


def test_part_months_at_the_ends_are_marked_with_the_days_covered():
    ie = run([BARCLAYS], lidl_lines()).income_expenditure
    first, *middle, last = ie.months
    assert (first.month, first.days, first.days_in_month, first.part_month) == (
        D("2025-12-01"), 29, 31, True)  # fmt: skip
    assert (last.month, last.days, last.days_in_month, last.part_month) == (
        D("2026-06-01"), 2, 30, True)  # fmt: skip
    assert all(not m.part_month and m.days == m.days_in_month for m in middle)
    assert not ie.average.part_month
    # December's figures are those of 3 to 31 December only (the 5 December shop is in them)
    assert first.essential["food"] == M("47.10") + M("44.85") + M("44.85") + M("48.05")


def test_average_totals_are_a_hand_count_from_unrounded_figures():
    lines = [
        t("bar", "2026-01-15", "ACME PAYROLL", "2000.01", "BGC"),
        t("bar", "2026-02-09", "DWP UC", "1000.01", "BGC"),
        t("bar", "2026-02-10", "TESCO STORES 3345", "-100.01", "POS"),
        t("bar", "2026-02-11", "BRITISH GAS", "-50.01", "DD"),
        t("bar", "2026-02-12", "PINEWOOD CAFE", "-20.01", "POS"),
    ]
    avg = run([BARCLAYS], lines).income_expenditure.average
    # by hand: 3,000.02 in over 6 months = 500.0033 a month -> £500.00
    #          150.02 essential / 6 = 25.003 -> £25.00; 20.01 other / 6 = 3.335 -> £3.34
    #          170.03 out over 6 months = 28.338 a month -> £28.34
    #          net 2,829.99 / 6 = 471.665 -> £471.67 (half up)
    assert avg.income["wages"] == M("333.34") and avg.income["benefits"] == M("166.67")
    assert avg.total_income == M("500.00")  # was 500.01: the rounded categories added up
    assert avg.total_essential == M("25.00") and avg.total_other == M("3.34")
    assert avg.total_out == M("28.34")
    assert avg.net == (sum((x.amount for x in lines), M(0)) / 6).quantize(M("0.01"), ROUND_HALF_UP)
    assert avg.net == M("471.67")


def test_a_regular_saving_to_an_undeclared_account_is_one_reason():
    lines = [t("bar", f"2026-{m:02d}-03", "SO TO NATIONWIDE SAVINGS", "-50.00", "SO")
             for m in range(1, 6)]  # fmt: skip
    result = run([BARCLAYS], lines)
    assert all(FlagKind.UNDECLARED_ACCOUNT in kinds(result, x.key) for x in lines)
    explained = {x.key: Explanation("Saving for the children") for x in lines}
    assert result.readiness(explained).reasons == (
        "Possibly an account not declared: 'SO TO NATIONWIDE SAVINGS' -£50.00 on 3 January 2026 "
        "(and 4 more lines like it).",
    )


def test_an_explanation_naming_another_declared_account_closes_the_undeclared_flag():
    halifax = account("hx", NADIA, "Halifax", last_four="5555")
    pot = t("bar", "2026-04-01", "N TESTCASE SAVINGS", "-50.00", key="pot")
    result = run([BARCLAYS, halifax], [pot])
    assert FlagKind.UNDECLARED_ACCOUNT in kinds(result, "pot")
    assert not result.readiness({"pot": Explanation("My savings")}).final
    assert not result.readiness({"pot": Explanation("Into my Barclays account")}).final  # its own
    assert not result.readiness({"pot": Explanation("Nationwide ISA")}).final
    assert not result.readiness({"pot": Explanation("Into my Halifax ISA")}).final  # not current
    for said in ("Into my Halifax current account", "to account 5555"):
        assert result.readiness({"pot": Explanation(said)}).final, said


def test_own_savings_words_naming_a_declared_account_that_shows_nothing_are_unmatched():
    halifax = account("hx", NADIA, "Halifax", kind="savings", last_four="5555")
    line = t("bar", "2026-04-01", "N TESTCASE SAVINGS", "-50.00", key="s")
    result = run([BARCLAYS, halifax], [line])
    assert kinds(result, "s") == {FlagKind.UNMATCHED_TRANSFER}
    assert "Money moved to Halifax savings ••5555 (Nadia Testcase)" in (
        flag_of(result, "s").reasons[0].sentence
    )


def test_a_friend_called_lisa_is_not_an_account():
    line = t("mon", "2026-04-01", "LISA OKORO", "40.00", "FPI", key="lisa")
    result = run([MONZO_N], [line])
    assert kinds(result, "lisa") == {FlagKind.FROM_PERSON}
