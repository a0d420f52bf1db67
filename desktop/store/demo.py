"""Clearly fictional demo clients for `make demo` (and the search benchmark's bulk data).

Every surname is a word for "not real" (Example, Sample, Specimen...) and every status summary
starts with "FICTIONAL", so nobody mistakes a demo record for a client.
"""

from __future__ import annotations

import datetime as dt
import random

from desktop.rules.history import parse_history
from desktop.store import repository
from desktop.store.repository import ClientDetails, HouseholdEntry

D = dt.date.fromisoformat

DEMO_PASSPHRASE = "demo passphrase only"

_DEMO_CASES: list[dict] = [
    {
        "details": dict(
            full_name="Amara Example",
            other_names="Amara E.",
            nationality="Nigerian",
            languages="English, Yoruba",
            phone="07700 900001",
            home_office_ref="X1000001",
            date_of_birth="1988-03-14",
            status_summary="FICTIONAL. Student then Skilled Worker; asking about ILR.",
        ),
        "history": {
            "permissions": [
                {
                    "category": "student",
                    "from": "2015-09-01",
                    "to": "2018-10-19",
                    "granted_on": "2015-08-10",
                },
                {
                    "category": "skilled_worker",
                    "from": "2018-10-20",
                    "to": "2026-10-19",
                    "granted_on": "2018-10-20",
                },
            ],
            "applications": [
                {
                    "kind": "initial",
                    "made": "2018-09-01",
                    "decided": "2018-10-20",
                    "outcome": "granted",
                },
            ],
            "absences": [
                {"left": "2019-12-18", "returned": "2020-01-06", "reason": "family visit"},
                {"left": "2022-07-01", "returned": "2022-08-15", "reason": "wedding"},
                {"left": "2024-04-02", "returned": "2024-04-20", "reason": "holiday"},
            ],
            "question": {"route": "long_residence", "application_date": "2025-09-01"},
        },
        "household": [("Tobi Example", "son", "2016-06-02")],
    },
    {
        "details": dict(
            full_name="Bashir Sample",
            nationality="Sudanese",
            languages="Arabic",
            interpreter_needed=True,
            home_office_ref="X1000002",
            date_of_birth="1995-11-30",
            status_summary="FICTIONAL. Refugee permission, settlement due.",
        ),
        "history": {
            "permissions": [
                {"category": "refugee", "from": "2021-12-01", "to": "2026-11-30"},
            ],
            "applications": [
                {
                    "kind": "asylum",
                    "made": "2020-02-10",
                    "decided": "2021-12-01",
                    "outcome": "granted",
                },
            ],
            "question": {"route": "settlement_protection", "application_date": "2026-11-01"},
        },
    },
    {
        "details": dict(
            full_name="Carmen Specimen",
            nationality="Colombian",
            languages="Spanish, English",
            home_office_ref="X1000003",
            date_of_birth="1979-07-07",
            status_summary="FICTIONAL. Discretionary leave since 2014.",
        ),
        "history": {
            "permissions": [
                {"category": "discretionary_leave", "from": "2014-03-01", "to": "2016-08-31"},
                {"category": "discretionary_leave", "from": "2016-09-01", "to": "2019-02-28"},
                {"category": "discretionary_leave", "from": "2019-03-01", "to": "2021-08-31"},
                {"category": "discretionary_leave", "from": "2021-09-01", "to": "2024-02-29"},
                {"category": "discretionary_leave", "from": "2024-03-01", "to": "2026-08-31"},
            ],
            "question": {
                "route": "settlement_discretionary_leave",
                "application_date": "2026-08-10",
            },
        },
    },
    {
        "details": dict(
            full_name="Dawit Placeholder",
            other_names="Dawit P.",
            nationality="Eritrean",
            languages="Tigrinya",
            interpreter_needed=True,
            home_office_ref="X1000004",
            date_of_birth="2001-01-20",
            status_summary="FICTIONAL. Asylum claim refused; appeal pending.",
        ),
        "history": {
            "applications": [
                {
                    "kind": "asylum",
                    "made": "2024-05-02",
                    "decided": "2026-10-30",
                    "outcome": "refused",
                    # The letter went out late: its deadline is 14 days after it was sent.
                    "appeal_by": "2026-11-16",
                    "appeal_lodged": "2026-11-10",
                },
            ],
            "permissions": [
                {"category": "immigration_bail", "from": "2024-05-02", "to": "2027-05-01"},
            ],
        },
    },
    {
        "details": dict(
            full_name="Elif Fictitious",
            nationality="Turkish",
            languages="Turkish, English",
            home_office_ref="X1000005",
            date_of_birth="1990-02-28",
            status_summary="FICTIONAL. Partner route, 5 years; fee waiver with bank statements.",
        ),
        "household": [("Deniz Fictitious", "daughter", "2015-09-01")],
        "statements": True,
        "history": {
            "permissions": [
                {
                    "category": "partner_5y",
                    "from": "2021-06-01",
                    "to": "2024-02-14",
                    "conditions": ["no_recourse_to_public_funds"],
                },
                {
                    "category": "partner_5y",
                    "from": "2024-02-15",
                    "to": "2026-11-14",
                    "conditions": ["no_recourse_to_public_funds"],
                },
            ],
            "absences": [
                {"left": "2023-01-05", "returned": "2023-03-20", "reason": "caring for a parent"},
            ],
            "question": {"route": "settlement_partner_5y", "application_date": "2026-06-01"},
        },
    },
    {
        "details": dict(
            full_name="Farid Pretend",
            nationality="Afghan",
            languages="Dari, Pashto",
            interpreter_needed=True,
            home_office_ref="X1000006",
            date_of_birth="1985-09-09",
            status_summary="FICTIONAL. ILR since 2022; asking about citizenship.",
        ),
        "history": {
            "permissions": [
                {"category": "refugee", "from": "2017-03-01", "to": "2022-02-19"},
                {"category": "ilr", "from": "2022-02-20", "to": None},
            ],
            "absences": [
                {"left": "2023-05-01", "returned": "2023-05-29", "reason": "visit family"},
            ],
            "question": {"route": "naturalisation_6_1", "application_date": "2026-12-01"},
        },
    },
    {
        "details": dict(
            full_name="Grace Madeup",
            nationality="Zimbabwean",
            languages="English",
            home_office_ref="X1000007",
            date_of_birth="1970-12-25",
            status_summary="FICTIONAL. 10-year private life route; extension pending.",
        ),
        "history": {
            "permissions": [
                {"category": "private_life_10y", "from": "2016-05-01", "to": "2018-10-19"},
                {"category": "private_life_10y", "from": "2018-10-20", "to": "2021-04-09"},
                {"category": "private_life_10y", "from": "2021-04-10", "to": "2023-09-30"},
                {"category": "private_life_10y", "from": "2023-10-01", "to": "2026-03-31"},
            ],
            "applications": [
                {"kind": "extension", "made": "2026-03-20"},
            ],
            "question": {"route": "settlement_10y_route", "application_date": "2026-05-01"},
        },
    },
    {
        "details": dict(
            full_name="Hana Testperson",
            nationality="Ukrainian",
            languages="Ukrainian, Russian",
            home_office_ref="X1000008",
            date_of_birth="1999-04-01",
            status_summary="FICTIONAL. Ukraine scheme; planning a trip.",
        ),
        "history": {
            "permissions": [
                {"category": "ukraine_scheme", "from": "2022-05-01", "to": "2025-04-19"},
                {"category": "ukraine_scheme", "from": "2025-04-20", "to": "2026-10-19"},
            ],
            "applications": [
                {"kind": "extension", "made": "2026-10-01"},
            ],
            "absences": [
                {
                    "left": "2027-03-02",
                    "returned": "2027-03-20",
                    "reason": "visit",
                    "planned": True,
                },
            ],
        },
    },
]


def _history_json(case: dict) -> dict:
    return {
        "format": "dropin-desk.history/1",
        "person": {},
        "permissions": [],
        "applications": [],
        "absences": [],
        "custody": [],
        **case["history"],
    }


def fill_demo(store, adviser: str = "Demo adviser", casework: bool = True) -> list[int]:
    """The demo clients (`casework`: with their fictional matters, visits and consents)."""
    ids = []
    with store.session() as session:
        repository.use_adviser(session, adviser)
        for case in _DEMO_CASES:
            details = dict(case["details"])
            details["date_of_birth"] = D(details["date_of_birth"])
            history = parse_history(_history_json(case))
            client_id = repository.import_history(
                session, history, adviser, ClientDetails(**details)
            )
            members = [
                HouseholdEntry(name=n, relationship_to_client=r, date_of_birth=D(b))
                for n, r, b in case.get("household", [])
            ]
            if members:
                repository.set_household(session, client_id, members, adviser)
            repository.add_note(
                session, client_id, adviser, "Fictional demo client: practise on this record."
            )
            if case.get("statements"):
                _add_demo_statements(session, client_id, adviser)
            ids.append(client_id)
        if casework:
            _add_demo_casework(session, ids, adviser)
    return ids


#: (category, title, days ago opened, days ago closed or None, outcome, referral source) per
#: demo client, in the order of _DEMO_CASES (issue 22: matters, visits, reminders, statistics).
_DEMO_MATTERS = (
    ("settlement", "ILR (long residence)", 200, None, None, "Self-referred"),
    ("fee_waiver", "Fee waiver for FLR(FP)", 120, 20, "limited_leave_granted", "Local authority"),
    ("partner", "Partner extension", 40, None, None, "Another advice agency"),
    ("appeal", "Appeal against refusal", 75, None, None, "Solicitor"),
    ("partner", "Partner settlement", 300, 90, "permanent_leave_granted", "Self-referred"),
    ("citizenship", "Naturalisation", 30, None, None, "Community group"),
    ("asylum", "Asylum claim", 15, None, None, "Refugee charity"),
    ("advice_only", "Advice about travel", 10, 10, "advice_only", "Self-referred"),
)


def _add_demo_casework(session, ids: list[int], adviser: str) -> None:
    """Fictional casework for the demo clients: a matter each, visits, consents, a complaint
    not yet acknowledged and a subject access request, so the Casework tab, the board's
    casework reminders and Tools > Statistics have something to show."""
    from desktop.store import casework as cw

    today = dt.date.today()

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    cw.set_adviser_level(session, adviser, 1, 0, adviser)
    for n, (client_id, spec) in enumerate(zip(ids, _DEMO_MATTERS, strict=False)):
        category, title, opened, closed, outcome, source = spec
        cw.set_referral_source(session, client_id, source, adviser)
        matter = cw.add_matter(
            session,
            client_id,
            cw.MatterEntry(
                category=category,
                opened=ago(opened),
                title=title,
                adviser=adviser,
                closed=ago(closed) if closed is not None else None,
                outcome=outcome,
                decision_on=ago(closed + 2) if outcome and outcome != "advice_only" else None,
            ),
            adviser,
        )
        for k, days in enumerate(range(opened, -1, -45)):
            cw.add_visit(
                session,
                client_id,
                cw.VisitEntry(
                    on=ago(days),
                    adviser=adviser,
                    how=("in_person", "phone", "email")[k % 3],
                    minutes=(45, 20, 10)[k % 3],
                    matter_id=matter,
                    asked="Fictional demo question about the application.",
                    advice="Fictional demo advice: what to gather and when to apply.",
                    next_steps="Bring the documents on the checklist.",
                ),
                adviser,
            )
        if n % 3 != 2:  # some clients have no consent recorded: an attention item
            cw.add_consent(
                session,
                client_id,
                cw.ConsentEntry(scope="records", given_on=ago(opened), adviser=adviser),
                adviser,
            )
    if len(ids) > 1:
        cw.add_complaint(
            session,
            ids[1],
            cw.ComplaintEntry(
                received_on=ago(3), summary="Fictional demo complaint.", adviser=adviser
            ),
            adviser,
        )
    if len(ids) > 2:
        cw.add_access_request(
            session, ids[2], cw.AccessRequestEntry(asked_on=ago(12), adviser=adviser), adviser
        )


def _add_demo_statements(session, client_id: int, adviser: str) -> None:
    from desktop.store import statements

    application = dt.date.today() + dt.timedelta(days=7)
    statements.set_check_settings(
        session, client_id, statements.CheckSettings(application, "standard"), adviser
    )
    for details, statement in demo_statements(application):
        account = statements.add_account(session, client_id, details, adviser)
        statements.add_statement(session, account, statement, "csv", adviser)


_FIRST = [
    "Ada",
    "Bram",
    "Chidi",
    "Dana",
    "Emre",
    "Fatima",
    "Goran",
    "Hui",
    "Ines",
    "Jamal",
    "Kofi",
    "Lena",
    "Mehmet",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tariq",
]
_LAST = [
    "Example",
    "Sample",
    "Specimen",
    "Placeholder",
    "Fictitious",
    "Madeup",
    "Pretend",
    "Testperson",
    "Dummy",
    "Mockup",
]


def bulk_summaries(count: int, seed: int = 1):
    """Fictional ClientSummary rows for benchmarks, with no database involved."""
    from desktop.store.search import ClientSummary

    rng = random.Random(seed)
    out = []
    for i in range(1, count + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
        out.append(
            ClientSummary(
                i,
                f"{first} {last} {i}",
                f"{first[0]}. {last}",
                dob,
                f"X{rng.randrange(10**7):07d}",
                "Fictional",
            )
        )
    return out


# ---- fee-waiver bank statements for one demo client ---------------------------------------------


def demo_statements(application: dt.date, seed: int = 7):
    """Six months of made-up statements for a household of two accounts plus a child's savings:
    wages, rent, bills, weekly shopping, cash, a gift from a friend, a monthly move to savings
    (matched), a transfer to an account not listed and a large payment just before the
    application. Returns [(AccountDetails, ParsedStatement)]. Everything is fictional."""
    from decimal import Decimal

    from desktop.importers.bank_csv import ParsedRow, ParsedStatement
    from desktop.store.statements import AccountDetails

    rng = random.Random(seed)
    start = application - dt.timedelta(days=190)
    end = application - dt.timedelta(days=3)
    current: list[tuple[dt.date, str, str, str]] = []
    savings: list[tuple[dt.date, str, str, str]] = []
    child: list[tuple[dt.date, str, str, str]] = []
    day = start
    while day <= end:
        if day.day == 25:
            current.append((day, "PAYROLL MERIDIAN CARE LTD", "1184.20", "BGC"))
        if day.day == 1:
            current.append((day, "ROSE HOUSING ASSOCIATION RENT", "-650.00", "SO"))
            current.append((day, "TFR TO SAVINGS 09-01-28 11904477", "-50.00", "TFR"))
            savings.append((day, "TRANSFER FROM CURRENT ACCOUNT", "50.00", "TFR"))
        if day.day == 6:
            current.append((day, "BRIGHTWATER ENERGY", "-62.00", "DD"))
        if day.day == 14:
            current.append((day, "LEEDSTOWN COUNCIL TAX", "-98.00", "DD"))
        if day.day == 20:
            current.append((day, "LEBARA MOBILE", "-10.00", "DD"))
        if day.weekday() == 5:
            spend = Decimal(rng.randrange(2800, 6400)) / 100
            current.append((day, "TESCO STORES 2231", f"-{spend}", "POS"))
        if day.weekday() == 0:
            current.append((day, "FIRST BUS WEEKLY TICKET", "-19.50", "POS"))
        if day.day == 10 and day.month % 2 == 0:
            current.append((day, "CASH WITHDRAWAL LINK ATM", "-40.00", "ATM"))
        if day.day == 28 and day.month % 3 == 0:
            child.append((day, "POCKET MONEY FROM MUM", "5.00", "TFR"))
        day += dt.timedelta(days=1)
    current.append((start + dt.timedelta(days=40), "S OKAFOR", "300.00", "FPI"))
    current.append((start + dt.timedelta(days=95), "TFR 20-45-77 81234567", "-200.00", "FPO"))
    current.append((end - dt.timedelta(days=6), "CURRYS ONLINE", "-389.00", "DEB"))
    current.sort(key=lambda line: line[0])

    def statement(lines, opening: str, source: str) -> ParsedStatement:
        balance = Decimal(opening)
        rows = []
        for number, (on, text, amount, code) in enumerate(lines, start=2):
            balance += Decimal(amount)
            rows.append(ParsedRow(number, on, text, Decimal(amount), balance, code))
        return ParsedStatement(source, tuple(rows), (start, end), None)

    return [
        (
            AccountDetails("Elif Fictitious", "Monzo", "current", "04-00-75", "4821"),
            statement(current, "1412.55", "monzo.csv"),
        ),
        (
            AccountDetails("Elif Fictitious", "Nationwide", "savings", "09-01-28", "4477"),
            statement(savings, "120.00", "nationwide.csv"),
        ),
        (
            AccountDetails("Deniz Fictitious", "Nationwide", "child", "09-01-28", "3012"),
            statement(child, "35.00", "nationwide.csv"),
        ),
    ]
