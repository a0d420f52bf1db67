"""The printed annotation sheet: every flagged line with its explanation (or a box to write
one), per-page totals that add up, the DRAFT mark until every line is explained, the
declaration and the client's copy of what is still missing. Fictional people and shops."""

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from desktop.printing.annotation_sheet import (
    ADVISER_HEADING,
    PAGE_SIZE,
    WHY_DRAFT,
    build_annotation_sheet,
    draft_mark,
    money,
    why_flagged,
)
from desktop.printing.common import uk_date
from desktop.rules.statement_types import (
    CATEGORIES,
    Account,
    Coverage,
    Explanation,
    Flag,
    FlagKind,
    FlagReason,
    IncomeExpenditure,
    MonthSummary,
    Recurrence,
    StatementReview,
    Txn,
)

D = Decimal
APP = date(2026, 4, 15)
MADE = date(2026, 4, 1)
FROM = date(2025, 10, 15)
TO = date(2026, 4, 14)
END_BY = date(2026, 3, 18)
RULE = "Reference 003, fee waiver sheet: Bank statements"

MONZO = Account(
    "monzo", "Amina Testperson", "Monzo", "current", "40-11-62", "1234", periods=((FROM, TO),)
)
NATIONWIDE = Account(
    "nw",
    "Amina Testperson",
    "Nationwide",
    "savings",
    "09-01-28",
    "9876",
    periods=((FROM, date(2026, 2, 28)),),
)
CHILD = Account(
    "kid",
    "Sami Testperson",
    "Starling",
    "child",
    "",
    "5555",
    status="dormant",
    periods=((FROM, TO),),
)
OLD = Account(
    "old",
    "Amina Testperson",
    "Example Building Society",
    "savings",
    status="closed",
    closed_on=date(2025, 12, 1),
    periods=((FROM, date(2025, 12, 1)),),
)


def reason(kind: FlagKind) -> FlagReason:
    return FlagReason(kind, f"Sentence for {kind}.", RULE)


def cover(account: Account, missing=(), sentences=()) -> Coverage:
    missing = tuple(missing)
    days = sum((b - a).days + 1 for a, b in missing)
    covered = tuple((max(a, FROM), min(b, TO)) for a, b in account.periods)
    return Coverage(
        account.key,
        account.label(),
        FROM,
        TO,
        END_BY,
        covered,
        missing,
        days,
        covered[-1][1] if covered else None,
        not missing,
        tuple(sentences),
    )


def month(first: date, wages="1450.00", support="200.00", rent="650.00", food="310.55"):
    return MonthSummary(
        first,
        {"wages": D(wages), "support": D(support)},
        {"rent": D(rent), "food": D(food)},
        {"other_out": D("120.10")},
    )


MONTHS = tuple(month(date(2025 + (m > 12), (m - 1) % 12 + 1, 1)) for m in range(10, 17))
AVERAGE = month(date(2025, 10, 1))


def shop_lines(count: int) -> list[Txn]:
    """Monzo lines: every third is money in, the rest out; a running balance."""
    out, balance = [], D("1200.00")
    for i in range(count):
        amount = D("450.00") if i % 3 == 0 else -(D("260.00") + D(i) / 4)
        balance += amount
        out.append(
            Txn(
                f"monzo:{i}",
                "monzo",
                date(2025, 10, 16) + timedelta(days=i),
                f"Corner Shop {i:03d}",
                amount,
                balance,
                "DEB",
            )
        )
    return out


def sample(count: int = 12, explain: int | None = None):
    """(review, txns, explanations): `count` flagged Monzo lines, a matched transfer into the
    Nationwide savings account (which has a gap), a dormant child account with nothing flagged,
    and a closed account. `explain`: how many Monzo lines the client explained (default all)."""
    lines = shop_lines(count)
    flags = []
    for t in lines:
        kinds = [FlagKind.LARGE]
        if t.amount > 0:
            kinds.append(FlagKind.REGULAR)
        flags.append(
            Flag(t, tuple(reason(k) for k in kinds), series="s1" if t.amount > 0 else None)
        )
    t_out = Txn("monzo:t", "monzo", date(2026, 1, 5), "To savings", D("-500.00"), D("10.00"))
    t_in = Txn("nw:t", "nw", date(2026, 1, 6), "From current", D("500.00"), D("510.00"))
    gift = Txn("nw:g", "nw", date(2026, 1, 20), "Omar Testperson", D("300.00"), D("810.00"), "FPI")
    flags.append(
        Flag(
            t_out,
            (reason(FlagKind.OWN_TRANSFER),),
            match="nw:t",
            suggested=Explanation("Transfer to my Nationwide savings", "own_transfer", auto=True),
        )
    )
    flags.append(
        Flag(
            t_in,
            (reason(FlagKind.OWN_TRANSFER),),
            match="monzo:t",
            suggested=Explanation("Transfer from my Monzo current", "own_transfer", auto=True),
        )
    )
    flags.append(Flag(gift, (reason(FlagKind.LARGE), reason(FlagKind.FROM_PERSON))))
    flags.sort(key=lambda f: (f.txn.on, f.txn.account))
    txns = [*lines, t_out, t_in, gift]
    gap = (date(2026, 3, 1), END_BY)
    coverage = (
        cover(MONZO),
        cover(
            NATIONWIDE,
            [gap],
            ["Nationwide savings ••9876 (Amina Testperson): statements end on 28 February 2026."],
        ),
        cover(CHILD),
        cover(OLD),
    )
    review = StatementReview(
        APP,
        D("250"),
        (MONZO, NATIONWIDE, CHILD, OLD),
        coverage,
        tuple(flags),
        (),
        (Recurrence("s1", "monzo", "corner shop", "monthly", D("450.00"), ()),),
        IncomeExpenditure(MONTHS, AVERAGE),
        ("Yusuf Testperson",),
        (),
    )
    explain = count if explain is None else explain
    explanations = {
        t.key: Explanation(f"Food for the family, week {i}", "food")
        for i, t in enumerate(lines[:explain])
    }
    explanations[gift.key] = Explanation(
        "Help with rent from my brother",
        "support",
        counterparty="Omar Testperson",
        relationship="brother",
        loan_or_gift="loan",
        repayment_date=date(2026, 9, 1),
    )
    return review, txns, explanations


def build(review, txns, explanations, **kw) -> bytes:
    kw.setdefault("client_name", "Amina Testperson")
    kw.setdefault("made_on", MADE)
    kw.setdefault("adviser", "Sam Adviser")
    return build_annotation_sheet(review, txns, explanations, **kw)


def page_texts(pdf: bytes) -> list[str]:
    # reportlab writes "•" as byte 0x7F (bullet in its WinAnsi vector, as pdftotext reads it);
    # pypdf reads that byte as DEL.
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [" ".join(p.extract_text().replace("\x7f", "•").split()) for p in pages]


def short(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


# ---- the whole sheet -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_sheet():
    """Enough Monzo lines to run over several pages; five left unexplained."""
    review, txns, explanations = sample(count=60, explain=55)
    pdf = build(review, txns, explanations)
    return review, txns, explanations, pdf, page_texts(pdf)


def test_pages_are_landscape_a4(long_sheet):
    *_, pdf, _texts = long_sheet
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)
    assert PAGE_SIZE[0] > PAGE_SIZE[1]


def test_every_flagged_line_is_printed_with_its_explanation(long_sheet):
    review, _txns, explanations, _pdf, texts = long_sheet
    whole = " ".join(texts)
    for flag in review.flags:
        t = flag.txn
        row = re.search(
            re.escape(short(t.on))
            + r" "
            + re.escape(t.description)
            + r" "
            + re.escape(money(abs(t.amount)))
            + r" "
            + re.escape(money(t.balance)),
            whole,
        )
        assert row, f"no row for {t.key}"
        e = explanations.get(t.key)
        if e is not None:
            assert e.text in whole
        elif flag.suggested is not None:
            assert f"{flag.suggested.text} (matched by the app)" in whole


def test_unexplained_lines_get_a_box_to_write_in(long_sheet):
    review, _txns, explanations, pdf, texts = long_sheet
    unexplained = [f for f in review.flags if f.txn.key not in explanations and not f.suggested]
    assert len(unexplained) == 5
    prompts = sum(
        t.count("What was this payment for?") + t.count("Where did this money come from?")
        for t in texts
    )
    regular = sum(t.count("What is this regular payment?") for t in texts)
    assert prompts + regular == 5


def test_page_totals_add_up_the_rows_on_each_page(long_sheet):
    review, txns, _e, _pdf, texts = long_sheet
    by_number = {int(t.description[-3:]): t for t in txns if t.description.startswith("Corner")}
    totalled = [t for t in texts if "Total on this page" in t and "Corner Shop" in t]
    assert len(totalled) >= 3  # the Monzo table runs over three pages or more
    seen = 0
    for text in totalled:
        numbers = [int(n) for n in re.findall(r"Corner Shop (\d{3})", text)]
        rows = [by_number[n] for n in numbers]
        extra = [t for t in txns if t.account == "monzo" and t.description == "To savings"]
        rows += [t for t in extra if f"{short(t.on)} {t.description}" in text]
        m = re.search(r"Total on this page \((\d+) lines?\) (£[\d,]+\.\d\d) (£[\d,]+\.\d\d)", text)
        assert m, text[-300:]
        assert int(m.group(1)) == len(rows)
        money_in = sum((t.amount for t in rows if t.amount > 0), D(0))
        money_out = sum((-t.amount for t in rows if t.amount < 0), D(0))
        assert (m.group(2), m.group(3)) == (money(money_in), money(money_out))
        seen += len(rows)
    monzo = [f.txn for f in review.flags if f.txn.account == "monzo"]
    assert seen == len(monzo)
    # the last part also gives the account's totals
    all_in = sum((t.amount for t in monzo if t.amount > 0), D(0))
    all_out = sum((-t.amount for t in monzo if t.amount < 0), D(0))
    assert (
        f"Total of all flagged lines in this account ({len(monzo)} lines) "
        f"{money(all_in)} {money(all_out)}" in totalled[-1]
    )


def test_each_page_of_a_table_repeats_the_header(long_sheet):
    *_, texts = long_sheet
    for text in texts:
        if "Total on this page" in text:
            assert "Date Description Money in Money out Balance Why flagged Explanation" in text


def test_each_account_starts_a_page_with_its_heading_and_coverage(long_sheet):
    *_, texts = long_sheet
    starts = {}
    for number, text in enumerate(texts):
        for m in re.finditer(r"Account (\d) of 4", text):
            starts.setdefault(int(m.group(1)), number)
    assert sorted(starts) == [1, 2, 3, 4]
    assert len(set(starts.values())) == 4  # four different pages
    nationwide = texts[starts[2]]
    assert "Holder Amina Testperson" in nationwide
    assert "Sort code 09-01-28" in nationwide
    assert "Account number ••9876" in nationwide
    assert "Statements held 15 Oct 2025 to 28 Feb 2026" in nationwide
    assert "Required period 15 October 2025 to 14 April 2026" in nationwide
    assert "Statements missing: 1 March 2026 to 18 March 2026 (18 days)" in nationwide
    assert "statements end on 28 February 2026" in nationwide
    child = texts[starts[3]]
    assert "No transactions need explaining" in child
    assert "Statements: complete" in child
    assert "Status Dormant" in child
    assert "Status Closed on 1 December 2025" in texts[starts[4]]


def test_why_flagged_and_extra_detail(long_sheet):
    review, _t, _e, _pdf, texts = long_sheet
    whole = " ".join(texts)
    assert "Over £250; Regular (monthly)" in whole
    assert "Over £250; Money from a person" in whole
    assert "From: Omar Testperson (brother) · Loan, to be repaid by 1 Sep 2026" in whole
    assert "Category: Support from family, friends or charities" in whole
    assert "Matching line: Monzo current ••1234 (Amina Testperson), 5 Jan 2026" in whole
    gift = next(f for f in review.flags if f.txn.key == "nw:g")
    assert why_flagged(gift, review) == "Over £250; Money from a person"


def test_draft_on_every_page_while_a_line_is_unexplained(long_sheet):
    review, _t, explanations, _pdf, texts = long_sheet
    done, total = review.progress(explanations)
    assert (done, total) == (total - 5, total)
    mark = draft_mark(done, total)
    for text in texts:
        assert mark in text


def complete(review: StatementReview) -> StatementReview:
    """The same review with every account's statements covering the whole period."""
    return replace(review, coverage=tuple(cover(a) for a in review.accounts))


def test_no_draft_mark_once_everything_is_explained():
    review, txns, explanations = sample(count=8)
    review = complete(review)
    assert review.is_final(explanations)
    texts = page_texts(build(review, txns, explanations))
    assert all("draft" not in t.lower() for t in texts)
    # and one line short of that, it is a draft again
    one_short = dict(explanations)
    del one_short["monzo:3"]
    texts = page_texts(build(review, txns, one_short))
    total = len(review.flags)
    assert all(f"DRAFT — {total - 1} of {total} explained" in t for t in texts)


def test_income_and_expenditure_summary(long_sheet):
    *_, texts = long_sheet
    page = next(t for t in texts if "Monthly average" in t)
    assert "Oct 2025 Nov 2025 Dec 2025 Jan 2026 Feb 2026 Mar 2026 Apr 2026 Monthly average" in page
    for label in CATEGORIES.values():
        if label != CATEGORIES["own_transfer"]:
            assert label in page
    assert "Transfer between own accounts" not in page
    # 1,650.00 in; 960.55 essential; 120.10 other; 1,080.65 out; 569.35 left, in all 8 columns
    assert "Total income" + " £1,650.00" * 8 in page
    assert "Total essential outgoings" + " £960.55" * 8 in page
    assert "Total outgoings" + " £1,080.65" * 8 in page
    assert "Income minus outgoings" + " £569.35" * 8 in page


def test_declaration_lists_every_account_and_has_lines_to_sign(long_sheet):
    *_, texts = long_sheet
    page = next(t for t in texts if "Declaration" in t and "I confirm that" in t)
    assert "The explanations on this sheet are true and complete" in page
    assert "including accounts that are closed, dormant" in page
    assert "children's accounts" in page
    for account in (MONZO, NATIONWIDE, CHILD, OLD):
        assert account.label() in page
    assert "Starling child ••5555 (Sami Testperson): dormant" in page
    assert "closed on 1 December 2025" in page
    assert "Yusuf Testperson holds no account of any kind" in page
    assert "Signature" in page and "Date" in page and "Name Amina Testperson" in page
    assert "Prepared with: Sam Adviser on 1 April 2026" in page


def test_client_copy_says_what_is_still_missing(long_sheet):
    review, _t, explanations, _pdf, texts = long_sheet
    start = next(i for i, t in enumerate(texts) if "What is still missing" in t)
    copy = " ".join(texts[start:])
    assert "Get Nationwide statements from 1 March 2026 to 18 March 2026" in copy
    assert "5 of 63 flagged lines still need an explanation" in copy
    for flag in review.flags:
        t = flag.txn
        if t.account != "monzo":
            continue
        sign = "+" if t.amount > 0 else ""
        listed = f"{short(t.on)} Monzo current ••1234 {sign}{money(t.amount)} {t.description}"
        if t.key in explanations or flag.suggested:
            assert t.description not in copy
        else:
            assert listed in copy
    assert "Omar Testperson: £300.00 in all (1 payment: £300.00 on 20 Jan 2026)" in copy
    assert "Yusuf Testperson" in copy
    assert "The declaration on this sheet, signed and dated" in copy


def test_a_letter_already_held_is_not_asked_for_again():
    review, txns, explanations = sample(count=3)
    explanations["nw:g"] = replace(explanations["nw:g"], document="letter from brother, 3 April")
    copy = " ".join(page_texts(build(review, txns, explanations)))
    assert "Omar Testperson: £300.00" not in copy
    assert "Letters from people who gave you money None needed." in copy
    assert "The documents you mentioned: letter from brother, 3 April" in copy
    assert "Evidence: letter from brother, 3 April" in copy


def test_letters_group_payments_from_one_person():
    review, txns, explanations = sample(count=3)
    more = []
    for i, day in enumerate((date(2026, 2, 2), date(2026, 3, 2))):
        t = Txn(f"nw:p{i}", "nw", day, f"OMAR TESTPERSON REF {i}{i}4", D("75.50"), None, "FPI")
        more.append(Flag(t, (reason(FlagKind.FROM_PERSON),)))
    review = replace(review, flags=review.flags + tuple(more))
    explanations.pop("nw:g")
    copy = " ".join(page_texts(build(review, txns + [f.txn for f in more], explanations)))
    # one person under different references: one letter, all three payments
    assert (
        "Omar Testperson: £451.00 in all (3 payments: £300.00 on 20 Jan 2026, "
        "£75.50 on 2 Feb 2026, £75.50 on 2 Mar 2026)" in copy
    )
    assert "OMAR TESTPERSON REF" not in copy.split("Letters from people")[1]


# ---- pieces ----------------------------------------------------------------------------------


def test_money_is_pounds_and_pence_from_decimal():
    assert money(D("1234.5")) == "£1,234.50"
    assert money(D("-12")) == "-£12.00"
    assert money(D("0.005")) == "£0.01"
    assert money(D("1000000")) == "£1,000,000.00"
    with pytest.raises(TypeError):
        money(12.5)


def test_nothing_flagged_and_no_accounts_still_make_a_sheet():
    review, _txns, _e = sample(count=0)
    empty = replace(
        review, accounts=(), coverage=(), flags=(), holders_without_accounts=(), recurrences=()
    )
    texts = page_texts(build(empty, [], {}, adviser=""))
    whole = " ".join(texts)
    assert "No accounts are listed." in whole
    assert "draft" not in whole.lower()
    assert "Payments still to explain None: every flagged line is explained." in whole
    assert f"Prepared with: ______________________________ on {uk_date(MADE)}" in whole


def test_long_free_text_is_shortened_not_a_layout_error():
    review, txns, explanations = sample(count=3)
    explanations["monzo:1"] = Explanation("word " * 3000, document="x" * 5000)
    texts = page_texts(build(review, txns, explanations, client_name="N" * 500))
    assert any("…" in t for t in texts)


def test_metadata_holds_no_client_data_and_output_is_reproducible():
    review, txns, explanations = sample(count=3)
    first = build(review, txns, explanations)
    assert first == build(review, txns, explanations)
    meta = PdfReader(io.BytesIO(first)).metadata
    assert "Amina" not in " ".join(str(v) for v in meta.values())


def test_letters_outside_the_fonts_are_spelled_out():
    review, txns, explanations = sample(count=3)
    texts = page_texts(build(review, txns, explanations, client_name="Łucja Żak"))
    assert "Lucja Zak" in texts[0]


# ---- from the real checks --------------------------------------------------------------------


def test_sheet_from_the_real_review():
    statements = pytest.importorskip("desktop.rules.statements")
    from desktop.assess import load_figures, statement_vocabulary

    accounts = [
        replace(MONZO, periods=((date(2025, 10, 1), date(2026, 4, 10)),)),
        replace(NATIONWIDE, periods=((date(2025, 10, 1), date(2026, 4, 10)),)),
    ]
    txns = []
    for m in range(6):
        first = date(2025, 10 + m, 1) if m < 3 else date(2026, m - 2, 1)
        txns.append(Txn(f"monzo:r{m}", "monzo", first, "Example Lettings Rent", D("-650.00")))
        txns.append(
            Txn(f"monzo:w{m}", "monzo", first + timedelta(days=2), "Greenleaf Cafe", D("-4.20"))
        )
    txns.append(Txn("monzo:big", "monzo", date(2026, 2, 11), "Made-up Motors", D("-900.00")))
    txns.append(Txn("monzo:tx", "monzo", date(2026, 2, 20), "Transfer to savings", D("-120.00")))
    txns.append(Txn("nw:tx", "nw", date(2026, 2, 21), "Transfer from current", D("120.00")))
    review = statements.review(
        accounts, txns, APP, figures=load_figures(), vocabulary=statement_vocabulary()
    )
    keys = {f.txn.key for f in review.flags}
    assert "monzo:big" in keys
    assert "monzo:w0" not in keys  # small and irregular
    texts = page_texts(build(review, txns, {}))
    whole = " ".join(texts)
    for flag in review.flags:
        assert short(flag.txn.on) in whole
        assert flag.txn.description in whole
        assert money(abs(flag.txn.amount)) in whole
    done, total = review.progress({})
    assert draft_mark(done, total) in texts[0]
    explained = {f.txn.key: Explanation("Explained") for f in review.flags}
    assert all("draft" not in t.lower() for t in page_texts(build(review, txns, explained)))


def test_details_show_before_the_explanation_is_written():
    review, txns, explanations = sample(count=3)
    explanations["nw:g"] = Explanation("", counterparty="Omar Testperson", relationship="brother")
    texts = page_texts(build(review, txns, explanations))
    whole = " ".join(texts)
    assert "Who sent it, how do you know them, and is it a gift or a loan?" in whole
    assert "From: Omar Testperson (brother)" in whole
    assert not review.is_final(explanations)


def test_no_client_name_leaves_the_line_to_write_it():
    review, txns, explanations = sample(count=3)
    texts = page_texts(build(review, txns, explanations, client_name="  "))
    whole = " ".join(texts)
    assert "Client Not given" in texts[0]
    assert "signed and dated by the client" in whole
    assert "For the client to take home" in whole


def test_an_unexplained_series_gets_one_writing_box_and_the_rest_point_to_it():
    review, txns, explanations = sample(9, explain=0)
    text = " ".join(page_texts(build(review, txns, explanations)))
    series_days = [f.txn.on for f in review.flags if f.series == "s1"]
    assert len(series_days) == 3
    # The first line of the series keeps its box; the two later ones say where it is.
    assert text.count(f"Same as {short(series_days[0])} (the same regular payment)") == 2
    # Every line that is not in the series still has a box of its own.
    loose = [f for f in review.flags if f.series is None and f.suggested is None]
    assert text.count("Same as") == 2 and len(loose) > 0


# ---- never final when incomplete (issue 17) --------------------------------------------------

MISSING_ALL = Account("hsbc", "Amina Testperson", "HSBC", "current", "40-47-01", "4821")


def test_an_account_with_no_statements_makes_every_page_draft_and_page_one_says_why():
    """Every line explained, but one account has no statements at all: never final."""
    review, txns, explanations = sample(count=6)
    review = complete(review)
    review = replace(
        review,
        accounts=(*review.accounts, MISSING_ALL),
        coverage=(*review.coverage, cover(MISSING_ALL, [(FROM, TO)])),
    )
    ready = review.readiness(explanations)
    assert ready.explained == ready.flagged and not ready.final
    texts = page_texts(build(review, txns, explanations))
    mark = draft_mark(ready.explained, ready.flagged, 1)
    assert mark.endswith(f"{ready.flagged} of {ready.flagged} explained, 1 other point open")
    assert all(mark in t for t in texts)
    assert WHY_DRAFT in texts[0]
    for why in ready.reasons:
        assert " ".join(why.split()) in texts[0]
    assert "HSBC current ••4821 (Amina Testperson): no statements from" in texts[0]
    assert "(182 days)" in texts[0]
    assert "Final" not in texts[0]
    declaration = next(t for t in texts if "I confirm that" in t)
    assert "Do not sign yet" in declaration
    summary = next(t for t in texts if "Monthly average" in t)
    assert "Not complete: statements are missing for HSBC current ••4821" in summary


def test_a_gap_in_one_account_is_listed_as_a_reason():
    review, txns, explanations = sample(count=6)  # Nationwide ends on 28 February
    texts = page_texts(build(review, txns, explanations))
    ready = review.readiness(explanations)
    assert ready.reasons and all(draft_mark(ready.explained, ready.flagged, 1) in t for t in texts)
    gap = "Nationwide savings ••9876 (Amina Testperson): no statements from 1 March 2026"
    assert gap in texts[0]


def test_an_open_undeclared_account_keeps_the_sheet_a_draft_even_when_explained():
    review, txns, explanations = sample(count=6)
    review = complete(review)
    hidden = Txn(
        "monzo:h", "monzo", date(2026, 2, 3), "TO NATIONWIDE SAVINGS", D("-400.00"), None, "FPO"
    )
    flag = Flag(hidden, (reason(FlagKind.LARGE), reason(FlagKind.UNDECLARED_ACCOUNT)))
    review = replace(review, flags=(*review.flags, flag))
    explanations[hidden.key] = Explanation("Put aside for the fee", "other_out")
    ready = review.readiness(explanations)
    assert ready.explained == ready.flagged and not ready.final
    texts = page_texts(build(review, [*txns, hidden], explanations))
    assert all(draft_mark(ready.explained, ready.flagged, 1) in t for t in texts)
    assert WHY_DRAFT in texts[0]
    assert (
        "Possibly an account not declared: 'TO NATIONWIDE SAVINGS' -£400.00 on 3 February 2026."
        in texts[0]
    )
    assert "Possibly an account not declared" in " ".join(texts[1:])  # why the line is flagged


def test_a_complete_sheet_has_no_draft_anywhere_and_no_reasons():
    review, txns, explanations = sample(count=6)
    review = complete(review)
    assert review.readiness(explanations).final
    texts = page_texts(build(review, txns, explanations))
    assert all("draft" not in t.lower() for t in texts)
    assert WHY_DRAFT not in " ".join(texts)
    assert "Do not sign yet" not in " ".join(texts)
    assert "Not complete" not in " ".join(texts)
    assert "Final: every flagged line is explained and the statements are complete" in texts[0]


# ---- notes for the adviser never go to the Home Office ----------------------------------------


def test_notes_for_the_adviser_are_on_a_last_page_of_their_own():
    review, txns, explanations = sample(count=6)
    note = "Amina Testperson's brother also sends money by Western Union: ask about it"
    review = replace(complete(review), warnings=(note,))
    texts = page_texts(build(review, txns, explanations))
    last = texts[-1]
    assert ADVISER_HEADING in last and "take it out before the sheet is sent" in last
    assert "Western Union" in last
    for page in texts[:-1]:
        assert "Western Union" not in page
        assert "Notes for the adviser" not in page
        assert ADVISER_HEADING not in page
    # and with no notes there is no adviser's page
    plain = page_texts(build(replace(review, warnings=()), txns, explanations))
    assert len(plain) == len(texts) - 1
    assert all(ADVISER_HEADING not in t for t in plain)


# ---- the declaration lists every account the explanations name -------------------------------


def test_the_declaration_lists_an_account_an_explanation_names():
    review, txns, explanations = sample(count=6)
    review = complete(review)
    explanations["monzo:1"] = Explanation("Moved to my Barclays ISA", "other_out")
    texts = page_texts(build(review, txns, explanations))
    declaration = next(t for t in texts if "I confirm that" in t)
    for account in review.accounts:
        assert account.label() in declaration
    assert (
        "Barclays ISA (named in the explanation of the line of 17 October 2025; not declared"
        in (declaration)
    )
    # and the sheet is not final until that account is added
    assert "An explanation names an account not declared: Barclays ISA" in texts[0]
    assert all("DRAFT" in t for t in texts)
    # an explanation naming a declared account adds nothing
    explanations["monzo:1"] = Explanation("Food", "food")
    texts = page_texts(build(review, txns, explanations))
    assert all("Barclays" not in t for t in texts)
    assert all("draft" not in t.lower() for t in texts)


# ---- part-months and averages from unrounded figures ------------------------------------------


def test_part_months_at_the_ends_are_marked_and_the_average_is_from_unrounded_figures():
    review, txns, explanations = sample(count=6)
    months = list(MONTHS)
    months[0] = replace(months[0], days=17, days_in_month=31)  # 15 to 31 October
    months[-1] = replace(months[-1], days=14, days_in_month=30)  # 1 to 14 April
    whole = (30, 31, 31, 28, 31)  # November to March
    months[1:-1] = [
        replace(m, days=d, days_in_month=d) for m, d in zip(months[1:-1], whole, strict=True)
    ]
    # a hand count of the period: essential 960.554 and other 120.104 a month, unrounded
    average = replace(AVERAGE, exact=(D("1650.004"), D("960.554"), D("120.104")))
    review = replace(review, income_expenditure=IncomeExpenditure(tuple(months), average))
    texts = page_texts(build(review, txns, explanations))
    page = next(t for t in texts if "Monthly average" in t)
    assert "Oct 2025 part: 17 of 31 days Nov 2025" in page
    assert "Mar 2026 Apr 2026 part: 14 of 30 days Monthly average" in page
    assert page.count("part:") == 2  # the whole months are not marked
    assert "A month marked part is only partly inside the period" in page
    # the average's totals come from the unrounded figures, not the rounded categories
    assert "Total outgoings" + " £1,080.65" * 7 + " £1,080.66" in page
