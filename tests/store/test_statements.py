"""The store's bank statements: accounts, imports without duplicates, explanations, erasure."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desktop.importers.bank_csv import ParsedRow, ParsedStatement
from desktop.rules.statement_types import Explanation
from desktop.store import repository
from desktop.store import statements as st
from desktop.store.errors import NotFound
from desktop.store.models import (
    AuditEntry,
    BankTransactionRow,
    StatementPeriodRow,
    TransactionExplanationRow,
)
from desktop.store.repository import ClientDetails, HouseholdEntry

D = dt.date


def _client(store, name="Nadia Karimi"):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name=name), "Adviser A")
        repository.set_household(s, cid, [HouseholdEntry("Omid Karimi", "son")], "Adviser A")
    return cid


def _account(store, cid, **kw):
    details = st.AccountDetails(**{"holder": "Nadia Karimi", "bank": "Nationwide", **kw})
    with store.session() as s:
        return st.add_account(s, cid, details, "Adviser A")


def _row(line, day, amount, desc="TESCO STORES", balance=None):
    return ParsedRow(
        line=line,
        on=day,
        description=desc,
        amount=Decimal(amount),
        balance=None if balance is None else Decimal(balance),
    )


def _statement(rows, period=None):
    return ParsedStatement(source="test.csv", rows=tuple(rows), period=period, format_key=None)


def test_account_details_are_checked_and_tidied():
    tidy = st.AccountDetails(" Nadia ", "Monzo", sort_code="401162", last_four="1234").checked()
    assert (tidy.holder, tidy.sort_code) == ("Nadia", "40-11-62")
    for bad, field in [
        (st.AccountDetails("", "Monzo"), "Holder"),
        (st.AccountDetails("N", " "), "Bank"),
        (st.AccountDetails("N", "Monzo", sort_code="40-11-6"), "Sort code"),
        (st.AccountDetails("N", "Monzo", last_four="12a4"), "Last four"),
        (st.AccountDetails("N", "Monzo", status="closed"), "Closed on"),
        (st.AccountDetails("N", "Monzo", kind="crypto"), "Type"),
    ]:
        with pytest.raises(st.StatementDataError, match=field):
            bad.checked()


def test_import_is_whole_and_reimport_of_an_overlap_adds_only_new_lines(store):
    cid = _client(store)
    aid = _account(store, cid)
    first = [
        _row(2, D(2026, 6, 1), "-3.20", "COFFEE"),
        _row(3, D(2026, 6, 1), "-3.20", "COFFEE"),  # two identical coffees stay two
        _row(4, D(2026, 6, 20), "500.00", "SALARY ACME"),
    ]
    with store.session() as s:
        result = st.add_statement(s, aid, _statement(first), "csv", "Adviser A")
    assert (result.added, result.duplicates, result.period) == (
        3,
        0,
        (D(2026, 6, 1), D(2026, 6, 20)),
    )
    overlap = [*first[1:], _row(5, D(2026, 7, 2), "-45.00", "EDF ENERGY")]
    # The second file starts mid-way: one coffee, the salary, and a new line.
    with store.session() as s:
        again = st.add_statement(s, aid, _statement(overlap), "csv", "Adviser A")
    assert (again.added, again.duplicates) == (1, 2)
    with store.session() as s:
        inputs = st.review_inputs(s, cid)
    assert [t.description for t in inputs.txns] == ["COFFEE", "COFFEE", "SALARY ACME", "EDF ENERGY"]
    assert inputs.txns[2].amount == Decimal("500.00")
    assert inputs.accounts[0].periods == (
        (D(2026, 6, 1), D(2026, 6, 20)),
        (D(2026, 6, 1), D(2026, 7, 2)),
    )
    assert inputs.household == ("Nadia Karimi", "Omid Karimi")


def test_a_bad_line_adds_nothing(store):
    cid = _client(store)
    aid = _account(store, cid)
    rows = [_row(2, D(2026, 6, 1), "-3.20"), _row(3, D(2026, 9, 1), "-1.00")]
    with pytest.raises(st.StatementDataError, match=r"line 3: 01/09/2026 is outside"):
        with store.session() as s:
            st.add_statement(
                s, aid, _statement(rows, (D(2026, 6, 1), D(2026, 6, 30))), "paper", "A"
            )
    with pytest.raises(st.StatementDataError, match="line 2, amount"):
        with store.session() as s:
            st.add_statement(s, aid, _statement([_row(2, D(2026, 6, 1), "-3.205")]), "csv", "A")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(BankTransactionRow)) == 0
        assert s.scalar(select(func.count()).select_from(StatementPeriodRow)) == 0


def test_explanations_for_a_series_and_clearing(store):
    cid = _client(store)
    aid = _account(store, cid)
    rows = [_row(i + 2, D(2026, m, 3), "-45.00", "EDF ENERGY") for i, m in enumerate((4, 5, 6))]
    with store.session() as s:
        st.add_statement(s, aid, _statement(rows), "csv", "Adviser A")
        ids = st.series_ids(t.key for t in st.review_inputs(s, cid).txns)
        written = st.save_explanation(
            s, cid, ids, Explanation("Gas and electricity", category="utilities"), "Adviser A"
        )
    assert written == 3
    with store.session() as s:
        inputs = st.review_inputs(s, cid)
        assert {e.text for e in inputs.explanations.values()} == {"Gas and electricity"}
        assert len(inputs.explanations) == 3
        st.save_explanation(s, cid, ids[:1], Explanation("  "), "Adviser A")
    with store.session() as s:
        assert len(st.review_inputs(s, cid).explanations) == 2
    with pytest.raises(st.StatementDataError, match="Repayment date"):
        with store.session() as s:
            st.save_explanation(
                s,
                cid,
                ids,
                Explanation("x", loan_or_gift="gift", repayment_date=D(2027, 1, 1)),
                "A",
            )
    other = _client(store, "Someone Else")
    with pytest.raises(NotFound):
        with store.session() as s:
            st.save_explanation(s, other, ids, Explanation("not mine"), "A")


def test_removing_a_statement_removes_its_lines_and_their_explanations(store):
    cid = _client(store)
    aid = _account(store, cid)
    with store.session() as s:
        res = st.add_statement(s, aid, _statement([_row(2, D(2026, 6, 1), "-300.00")]), "csv", "A")
        ids = st.series_ids(t.key for t in st.review_inputs(s, cid).txns)
        st.save_explanation(s, cid, ids, Explanation("Rent"), "A")
    with store.session() as s:
        st.delete_period(s, res.period_id, "A")
    with store.session() as s:
        inputs = st.review_inputs(s, cid)
        assert inputs.txns == () and inputs.accounts[0].periods == ()
        assert s.scalar(select(func.count()).select_from(TransactionExplanationRow)) == 0


def test_declared_quiet_statement_counts_as_coverage(store):
    cid = _client(store)
    aid = _account(store, cid, kind="savings", status="dormant")
    with store.session() as s:
        st.declare_period(s, aid, D(2026, 5, 1), D(2026, 10, 31), "A")
    with pytest.raises(st.StatementDataError, match="is after"):
        with store.session() as s:
            st.declare_period(s, aid, D(2026, 5, 2), D(2026, 5, 1), "A")
    with store.session() as s:
        assert st.review_inputs(s, cid).accounts[0].periods == ((D(2026, 5, 1), D(2026, 10, 31)),)


def test_settings_round_trip_and_erasure_takes_everything(store):
    cid = _client(store)
    aid = _account(store, cid)
    with store.session() as s:
        st.add_statement(s, aid, _statement([_row(2, D(2026, 6, 1), "-3.20")]), "csv", "A")
        st.set_check_settings(s, cid, st.CheckSettings(D(2026, 11, 20), "cautious"), "A")
    with store.session() as s:
        assert st.check_settings(s, cid) == st.CheckSettings(D(2026, 11, 20), "cautious")
        with pytest.raises(st.StatementDataError, match="Threshold"):
            st.set_check_settings(s, cid, st.CheckSettings(None, "reckless"), "A")
    with store.session() as s:
        repository.delete_client(s, cid, "A")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(BankTransactionRow)) == 0
        assert st.check_settings(s, cid) == st.CheckSettings()


def test_audit_names_no_bank_holder_or_amount(store):
    cid = _client(store)
    aid = _account(store, cid, bank="Barclays", last_four="9876")
    with store.session() as s:
        st.add_statement(
            s, aid, _statement([_row(2, D(2026, 6, 1), "-321.09", "JOHN SMITH")]), "csv", "A"
        )
        st.update_account(s, aid, st.AccountDetails("Nadia Karimi", "Barclays UK"), "A")
        summaries = " ".join(s.scalars(select(AuditEntry.summary)).all())
    for secret in ("Barclays", "9876", "321", "JOHN", "Nadia"):
        assert secret not in summaries
    assert "1 line(s) added" in summaries and "bank" in summaries


def test_the_subject_access_copy_holds_the_statements_and_reads_back(store):
    from desktop.importers.history_json import export_case, parse_case

    cid = _client(store)
    aid = _account(store, cid, last_four="4821")
    with store.session() as s:
        st.add_statement(
            s, aid, _statement([_row(2, D(2026, 6, 1), "-300.00", "RENT")]), "csv", "A"
        )
        ids = st.series_ids(t.key for t in st.review_inputs(s, cid).txns)
        st.save_explanation(s, cid, ids, Explanation("Rent", "rent"), "A")
        full = export_case(s, cid, full=True)
        plain = export_case(s, cid, full=False)
    record = full["client_record"]["bank_statements"]
    (account,) = record["accounts"]
    assert (account["bank"], account["last_four"]) == ("Nationwide", "4821")
    assert account["statements"] == [{"from": "2026-06-01", "to": "2026-06-01", "source": "csv"}]
    assert account["lines"][0]["amount"] == "-300.00"
    assert account["lines"][0]["explanation"]["text"] == "Rent"
    assert "client_record" not in plain
    assert parse_case(full).details.full_name == "Nadia Karimi"
