"""Issue 22: the casework store (desktop.store.casework) - writes with their audit rows, the
checks (one line naming the field, never its value, nothing half saved), the facts the rules
read, reminders, the level check, retention, settings, advisers' levels, erasure and the
subject access copy."""

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlalchemy import text

from desktop.rules.history import Application, History, Permission
from desktop.store import case_file, repository
from desktop.store import casework as cw
from desktop.store.errors import NotFound
from desktop.store.models import AuditEntry, Base
from desktop.store.repository import ClientDetails

D = dt.date
ADVISER = "Asha Adviser"
TODAY = D(2026, 12, 7)
TABLES = (
    "matters",
    "visits",
    "letters",
    "complaints",
    "consents",
    "access_requests",
    "retention_decisions",
)
SECRET = "Zanzibar-Secret-Words"


def new_client(store, name="Ama Mensah"):
    with store.session() as s:
        return repository.create_client(s, ClientDetails(full_name=name), ADVISER)


def count(store, table):
    with store.read_session() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def audits(store, action=None):
    with store.read_session() as s:
        q = s.query(AuditEntry)
        if action:
            q = q.filter_by(action=action)
        return [(a.action, a.client_id, a.summary) for a in q.order_by(AuditEntry.id)]


def matter(**kw):
    values = dict(category="partner", opened=D(2026, 9, 1), title="Partner extension")
    values.update(kw)
    return cw.MatterEntry(**values)


def add_matter(store, cid, **kw):
    with store.session() as s:
        return cw.add_matter(s, cid, matter(**kw), ADVISER)


def full_casework(store, cid):
    """A row in every casework table for `cid`; returns the ids."""
    with store.session() as s:
        repository.save_history(
            s,
            cid,
            History(
                permissions=(Permission("student", D(2020, 1, 1), D(2022, 1, 1)),),
                applications=(Application("extension", D(2021, 12, 1)),),
            ),
            ADVISER,
        )
        app_id = cw.application_choices(s, cid)[0][0]
        perm_id = cw.permission_choices(s, cid)[0][0]
        mid = cw.add_matter(
            s,
            cid,
            matter(
                application_id=app_id,
                permission_id=perm_id,
                notes=SECRET,
                client_care_agreed_on=D(2026, 9, 2),
                client_care_how="signed",
            ),
            ADVISER,
        )
        vid = cw.add_visit(
            s,
            cid,
            cw.VisitEntry(D(2026, 9, 1), ADVISER, "in_person", 45, mid, asked=SECRET),
            ADVISER,
        )
        lid = cw.record_letter(
            s,
            cid,
            cw.LetterEntry("client_care", D(2026, 9, 2), ADVISER, mid, fields={"costs": SECRET}),
            ADVISER,
        )
        comp = cw.add_complaint(
            s, cid, cw.ComplaintEntry(D(2026, 10, 1), SECRET, ADVISER, mid), ADVISER
        )
        cons = cw.add_consent(s, cid, cw.ConsentEntry("records", D(2026, 9, 1)), ADVISER)
        req = cw.add_access_request(s, cid, cw.AccessRequestEntry(D(2026, 11, 1)), ADVISER)
        keep = cw.keep_on_review(s, cid, SECRET, D(2030, 1, 1), ADVISER, TODAY)
    return dict(
        matter=mid,
        visit=vid,
        letter=lid,
        complaint=comp,
        consent=cons,
        access_request=req,
        retention=keep,
        application=app_id,
        permission=perm_id,
    )


# ---- writes and their audit rows ----------------------------------------------------------------


def test_a_visit_is_added_read_changed_and_deleted_with_its_audit_rows(store):
    cid = new_client(store)
    with store.session() as s:
        repository.set_setting(s, repository.CENTRE_NAME_SETTING, "Riverside Drop-in")
        vid = cw.add_visit(
            s,
            cid,
            cw.VisitEntry(D(2026, 11, 2), ADVISER, "phone", 20, asked="About " + SECRET),
            ADVISER,
        )
        cw.add_visit(s, cid, cw.VisitEntry(D(2026, 11, 30), ADVISER), ADVISER)
    with store.read_session() as s:
        visits = cw.casework_of(s, cid).visits
    assert [v.on for v in visits] == [D(2026, 11, 30), D(2026, 11, 2)]  # newest first
    first = visits[1]
    assert (first.id, first.how, first.minutes, first.centre) == (
        vid,
        "phone",
        20,
        "Riverside Drop-in",
    )
    with store.session() as s:
        changed = cw.update_visit(
            s,
            vid,
            cw.VisitEntry(**{**first.entry().__dict__, "minutes": 30, "advice": SECRET}),
            ADVISER,
        )
        assert changed == ["minutes", "advice"]
        assert cw.update_visit(s, vid, cw.casework_of(s, cid).visits[1].entry(), ADVISER) == []
        cw.delete_visit(s, vid, "Ben Caseworker")
    trail = audits(store)
    assert [a[0] for a in trail if a[0].startswith("visit")] == [
        "visit.add",
        "visit.add",
        "visit.update",
        "visit.delete",
    ]
    assert (f"visit {vid} changed: minutes, advice") in [a[2] for a in trail]
    assert all(SECRET not in a[2] for a in trail)
    assert count(store, "visits") == 1
    with store.session() as s, pytest.raises(NotFound):
        cw.delete_visit(s, vid, ADVISER)


def test_every_write_names_its_action_and_never_a_value(store):
    cid = new_client(store)
    ids = full_casework(store, cid)
    with store.session() as s:
        entry = cw.get_matter(s, ids["matter"]).entry()
        closing = replace(entry, closed=D(2026, 12, 1), outcome="refused")
        cw.update_matter(s, ids["matter"], closing, ADVISER)
        cw.update_complaint(
            s,
            ids["complaint"],
            cw.ComplaintEntry(D(2026, 10, 1), SECRET, ADVISER, ids["matter"], D(2026, 10, 3)),
            ADVISER,
        )
        cw.update_consent(
            s, ids["consent"], cw.ConsentEntry("records", D(2026, 9, 1), "electronic"), ADVISER
        )
        cw.update_access_request(
            s, ids["access_request"], cw.AccessRequestEntry(D(2026, 11, 1), True), ADVISER
        )
    actions = {a[0] for a in audits(store)}
    assert {
        "matter.add",
        "matter.update",
        "visit.add",
        "letter.record",
        "complaint.add",
        "complaint.update",
        "consent.add",
        "consent.update",
        "access_request.add",
        "access_request.update",
        "retention.keep",
    } <= actions
    assert all(SECRET not in summary for _a, _c, summary in audits(store))
    (update,) = [a for a in audits(store, "matter.update")]
    assert update[2].endswith("changed: closed, outcome")


def test_a_matter_takes_its_oisc_category_and_the_centre_and_the_adviser_level(store):
    cid = new_client(store)
    with store.session() as s:
        repository.set_setting(s, repository.CENTRE_NAME_SETTING, "Riverside Drop-in")
        cw.set_adviser_level(s, ADVISER, 1, 2, "Manager")
        cw.set_adviser_level(s, "Ben Caseworker", 3, 0, "Manager")
        mid = cw.add_matter(
            s, cid, matter(category="asylum", adviser=ADVISER, adviser_level=3), ADVISER
        )
        m = cw.get_matter(s, mid)
        assert (m.oisc_category, m.adviser_level, m.centre) == (
            "asylum_protection",
            2,
            "Riverside Drop-in",
        )
        # The adviser's level changes later: the matter keeps the one it was saved with...
        cw.set_adviser_level(s, ADVISER, 1, 3, "Manager")
        cw.update_matter(
            s, mid, m.entry().__class__(**{**m.entry().__dict__, "notes": "n"}), ADVISER
        )
        assert cw.get_matter(s, mid).adviser_level == 2
        # ...until the matter's adviser (or OISC category) changes.
        entry = cw.get_matter(s, mid).entry()
        cw.update_matter(
            s, mid, cw.MatterEntry(**{**entry.__dict__, "adviser": "Ben Caseworker"}), ADVISER
        )
        assert cw.get_matter(s, mid).adviser_level == 0
        entry = cw.get_matter(s, mid).entry()
        cw.update_matter(
            s, mid, cw.MatterEntry(**{**entry.__dict__, "oisc_category": "immigration"}), ADVISER
        )
        assert cw.get_matter(s, mid).adviser_level == 3
        # An adviser with no level recorded: None (not recorded).
        other = cw.add_matter(s, cid, matter(adviser="Nobody Known"), ADVISER)
        assert cw.get_matter(s, other).adviser_level is None


def test_adviser_levels_are_kept_per_laptop_with_an_audit_row_naming_no_client(store):
    with store.session() as s:
        cw.set_adviser_level(s, "Chloe Solicitor", 4, None, "Manager")
        assert cw.adviser_levels(s)["Chloe Solicitor"] == (4, None)
        cw.set_adviser_level(s, "Chloe Solicitor", 4, None, "Manager")  # no change: no row
        for bad in (5, -1, True, "2"):
            with pytest.raises(cw.CaseworkProblem) as caught:
                cw.set_adviser_level(s, "Chloe Solicitor", bad, None, "Manager")
            assert caught.value.field == "immigration"
    assert audits(store, "adviser.level") == [("adviser.level", None, "changed: immigration")]


# ---- the checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        (dict(category="no_such_category"), "category"),
        (dict(closed=D(2026, 8, 31), outcome="refused"), "closed"),
        (dict(closed=D(2026, 10, 1)), "outcome"),
        (dict(closed=D(2026, 10, 1), outcome="no_such_outcome"), "outcome"),
        (dict(oisc_category="tax"), "oisc_category"),
        (dict(needed_level=4), "needed_level"),
        (dict(decision_on=D(2026, 10, 5), outcome_told_on=D(2026, 10, 4)), "outcome_told_on"),
        (dict(client_care_agreed_on=D(2026, 9, 2)), "client_care_how"),
        (dict(client_care_how="signed"), "client_care_agreed_on"),
        (dict(client_care_agreed_on=D(2026, 9, 2), client_care_how="shouted"), "client_care_how"),
        (dict(title="x" * 201), "title"),
        (dict(opened=D(1800, 1, 1)), "opened"),
        (dict(opened=dt.datetime(2026, 1, 1, 10, 0)), "opened"),
        (dict(application_id=999), "application_id"),
        (dict(permission_id=999), "permission_id"),
    ],
)
def test_a_bad_matter_names_the_field_and_saves_nothing(store, kw, field):
    cid = new_client(store)
    before = len(audits(store))
    with pytest.raises(cw.CaseworkProblem) as caught:
        with store.session() as s:
            cw.add_matter(s, cid, matter(notes=SECRET, **kw), ADVISER)
    problem = caught.value
    assert problem.field == field
    assert "\n" not in str(problem) and SECRET not in str(problem) and "x" * 50 not in str(problem)
    assert str(problem).startswith(cw.LABELS[field] + ":")
    assert count(store, "matters") == 0 and len(audits(store)) == before


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (cw.VisitEntry(D(2026, 1, 1), how="carrier pigeon"), "how"),
        (cw.VisitEntry(D(2026, 1, 1), minutes=1441), "minutes"),
        (cw.VisitEntry(D(2026, 1, 1), minutes=-1), "minutes"),
        (cw.VisitEntry(None), "on"),
        (cw.VisitEntry(D(2026, 1, 1), adviser="a" * 101), "adviser"),
        (cw.VisitEntry(D(2026, 1, 1), advice="a" * (cw.MAX_TEXT + 1)), "advice"),
        (cw.VisitEntry(D(2026, 1, 1), matter_id=12345), "matter_id"),
    ],
)
def test_a_bad_visit_names_the_field(store, entry, field):
    cid = new_client(store)
    with pytest.raises(cw.CaseworkProblem) as caught:
        with store.session() as s:
            cw.add_visit(s, cid, entry, ADVISER)
    assert caught.value.field == field
    assert count(store, "visits") == 0


def test_dates_in_order_and_fixed_lists_for_the_other_records(store):
    cid = new_client(store)
    cases = [
        (
            lambda s: cw.add_complaint(s, cid, cw.ComplaintEntry(D(2026, 5, 2), "   "), ADVISER),
            "summary",
        ),
        (
            lambda s: cw.add_complaint(
                s,
                cid,
                cw.ComplaintEntry(D(2026, 5, 2), "late", acknowledged_on=D(2026, 5, 1)),
                ADVISER,
            ),
            "acknowledged_on",
        ),
        (
            lambda s: cw.add_complaint(
                s, cid, cw.ComplaintEntry(D(2026, 5, 2), "late", outcome_on=D(2026, 5, 1)), ADVISER
            ),
            "outcome_on",
        ),
        (
            lambda s: cw.add_access_request(
                s, cid, cw.AccessRequestEntry(D(2026, 5, 2), answered_on=D(2026, 5, 1)), ADVISER
            ),
            "answered_on",
        ),
        (
            lambda s: cw.add_consent(s, cid, cw.ConsentEntry("everything", D(2026, 5, 2)), ADVISER),
            "scope",
        ),
        (
            lambda s: cw.add_consent(
                s, cid, cw.ConsentEntry("records", D(2026, 5, 2), "winked"), ADVISER
            ),
            "how",
        ),
        (
            lambda s: cw.add_consent(
                s,
                cid,
                cw.ConsentEntry("records", D(2026, 5, 2), withdrawn_on=D(2026, 5, 1)),
                ADVISER,
            ),
            "withdrawn_on",
        ),
        (
            lambda s: cw.add_consent(
                s, cid, cw.ConsentEntry("records", D(2026, 5, 2), period_months=0), ADVISER
            ),
            "period_months",
        ),
        (
            lambda s: cw.record_letter(s, cid, cw.LetterEntry("poem", D(2026, 5, 2)), ADVISER),
            "kind",
        ),
        (
            lambda s: cw.record_letter(
                s, cid, cw.LetterEntry("update", D(2026, 5, 2), fields={"x": object()}), ADVISER
            ),
            "fields",
        ),
        (
            lambda s: cw.record_letter(
                s, cid, cw.LetterEntry("update", D(2026, 5, 2), language="e n"), ADVISER
            ),
            "language",
        ),
        (lambda s: cw.keep_on_review(s, cid, "still acting", TODAY, ADVISER, TODAY), "review_on"),
        (lambda s: cw.keep_on_review(s, cid, " ", D(2030, 1, 1), ADVISER, TODAY), "reason"),
    ]
    for action, field in cases:
        with pytest.raises(cw.CaseworkProblem) as caught:
            with store.session() as s:
                action(s)
        assert caught.value.field == field, field
    for table in TABLES:
        assert count(store, table) == 0


def test_a_visit_letter_or_complaint_may_only_name_a_matter_of_the_same_client(store):
    cid, other = new_client(store), new_client(store, "Other Person")
    mid = add_matter(store, other)
    for add in (
        lambda s: cw.add_visit(s, cid, cw.VisitEntry(D(2026, 10, 1), matter_id=mid), ADVISER),
        lambda s: cw.record_letter(
            s, cid, cw.LetterEntry("update", D(2026, 10, 1), matter_id=mid), ADVISER
        ),
        lambda s: cw.add_complaint(
            s, cid, cw.ComplaintEntry(D(2026, 10, 1), "x", matter_id=mid), ADVISER
        ),
    ):
        with pytest.raises(cw.CaseworkProblem) as caught:
            with store.session() as s:
                add(s)
        assert caught.value.field == "matter_id"
    # A matter can link only the client's own application and permission.
    with store.session() as s:
        repository.save_history(
            s, other, History(applications=(Application("extension", D(2021, 12, 1)),)), ADVISER
        )
        app_id = cw.application_choices(s, other)[0][0]
    with pytest.raises(cw.CaseworkProblem) as caught:
        add_matter(store, cid, application_id=app_id)
    assert caught.value.field == "application_id"


def test_a_letter_keeps_its_typed_parts_and_a_consent_takes_the_period_setting(store):
    cid = new_client(store)
    with store.session() as s:
        cw.set_consent_months(s, 24)
        lid = cw.record_letter(
            s,
            cid,
            cw.LetterEntry(
                "update",
                D(2026, 10, 1),
                ADVISER,
                language="ar",
                large_print=True,
                fields={"progress": "waiting", "items": ["a", "b"]},
            ),
            ADVISER,
        )
        con = cw.add_consent(s, cid, cw.ConsentEntry("records", D(2026, 10, 1)), ADVISER)
        cw.set_consent_months(s, 6)
        # An update that leaves the period unset keeps the stored one.
        cw.update_consent(s, con, cw.ConsentEntry("records", D(2026, 10, 1), note="n"), ADVISER)
        work = cw.casework_of(s, cid)
    (letter,) = work.letters
    assert letter.id == lid and letter.fields == {"progress": "waiting", "items": ["a", "b"]}
    assert (letter.language, letter.large_print) == ("ar", True)
    assert work.consents[0].period_months == 24


# ---- the facts, reminders and the level check --------------------------------------------------------


def test_facts_count_letters_and_written_visits_of_each_matter(store):
    cid = new_client(store)
    mid = add_matter(store, cid, opened=D(2026, 6, 1))
    other = add_matter(store, cid, opened=D(2026, 7, 1), title="Fee waiver", category="fee_waiver")
    with store.session() as s:
        for on, how, m in (
            (D(2026, 6, 10), "in_person", mid),
            (D(2026, 6, 20), "email", mid),
            (D(2026, 6, 25), "letter", other),
            (D(2026, 8, 1), "phone", None),
        ):
            cw.add_visit(s, cid, cw.VisitEntry(on, ADVISER, how, matter_id=m), ADVISER)
        cw.record_letter(s, cid, cw.LetterEntry("outcome", D(2026, 7, 5), matter_id=mid), ADVISER)
        cw.record_letter(s, cid, cw.LetterEntry("update", D(2026, 7, 1)), ADVISER)  # no matter
        facts = cw.facts_of(s, cid)
        everyone = cw.all_facts(s)
    first, second = facts.matters
    assert first.id == mid and first.written == (D(2026, 6, 20), D(2026, 7, 5))
    assert first.outcome_letters == (D(2026, 7, 5),)
    assert second.written == (D(2026, 6, 25),) and second.category == "fee_waiver"
    assert facts.last_visit == D(2026, 8, 1)
    assert facts.last_change == dt.date.today()
    assert everyone[cid] == facts
    with store.session() as s, pytest.raises(NotFound):
        cw.facts_of(s, 99999)


def test_reminders_for_a_client_come_from_the_rules(store):
    cid = new_client(store)
    with store.session() as s:
        cw.set_adviser_level(s, ADVISER, 1, 1, "Manager")
    mid = add_matter(store, cid, category="asylum", opened=D(2026, 6, 1), adviser=ADVISER)
    with store.session() as s:
        cw.add_access_request(s, cid, cw.AccessRequestEntry(D(2026, 11, 20)), ADVISER)
        kinds = {d.kind: d for d in cw.reminders_for(s, cid, TODAY)}
        check = cw.level_check_for(s, mid, TODAY)
    assert {"written_update", "client_access_request", "level_check", "consent_missing"} <= set(
        kinds
    )
    assert kinds["written_update"].date == D(2026, 9, 1)
    assert kinds["written_update"].record == f"matters[{mid}]"
    assert kinds["client_access_request"].date == D(2026, 12, 20)
    assert check.ok is False and check.needed >= 2 and check.adviser_level == 1


def test_retention_due_lists_closed_records_past_the_period_until_kept(store):
    old, open_, recent = (
        new_client(store, "Old Closed"),
        new_client(store, "Still Open"),
        new_client(store, "Recent"),
    )
    add_matter(store, old, opened=D(2018, 1, 1), closed=D(2019, 3, 1), outcome="refused")
    add_matter(store, open_, opened=D(2018, 1, 1))
    add_matter(store, recent, opened=D(2024, 1, 1), closed=D(2024, 3, 1), outcome="withdrawn")
    with store.session() as s:
        due = cw.retention_due(s, TODAY)
        assert [(r.client_id, r.name, r.review_on) for r in due] == [
            (old, "Old Closed", D(2025, 3, 1))
        ]
        assert "2019-03-01" in due[0].basis and "code 57" in due[0].basis
        cw.set_retention_years(s, 8)
        assert cw.retention_due(s, TODAY) == []
        cw.set_retention_years(s, 6)
        cw.keep_on_review(s, old, "Appeal still possible", D(2027, 6, 1), ADVISER, TODAY)
        assert cw.retention_due(s, TODAY) == []
        (again,) = cw.retention_due(s, D(2027, 6, 1))
        assert (
            again.review_on == D(2027, 6, 1)
            and "Kept after the review on 2026-12-07" in again.basis
        )
        assert cw.casework_of(s, old).retention[0].reason == "Appeal still possible"


# ---- settings -----------------------------------------------------------------------------------


def test_settings_have_defaults_and_refuse_nonsense(store):
    with store.session() as s:
        assert cw.casework_settings(s) == cw.casework_settings(s).__class__(6, 12)
        cw.set_retention_years(s, 7)
        cw.set_consent_months(s, 18)
        cw.set_oisc_number(s, " F202400123 ")
        cw.set_complaints_procedure(s, "Write to the manager.")
        assert (cw.retention_years(s), cw.consent_months(s)) == (7, 18)
        assert cw.oisc_number(s) == "F202400123"
        assert cw.complaints_procedure(s) == "Write to the manager."
        for setter, bad in ((cw.set_retention_years, 0), (cw.set_consent_months, "12")):
            with pytest.raises(cw.CaseworkProblem):
                setter(s, bad)
        repository.set_setting(s, cw.RETENTION_YEARS_SETTING, "lots")
        assert cw.retention_years(s) == 6  # a spoilt value falls back to the figure


# ---- erasure and the subject access copy ----------------------------------------------------------


def test_erasing_a_client_removes_every_casework_row_and_keeps_the_other_client(store):
    cid, other = new_client(store), new_client(store, "Other Person")
    full_casework(store, cid)
    full_casework(store, other)
    with store.session() as s:
        repository.delete_client(s, cid, ADVISER)
    with store.read_session() as s:
        for table in TABLES:
            assert (
                s.execute(
                    text(f"SELECT count(*) FROM {table} WHERE client_id = :c"), {"c": cid}
                ).scalar()
                == 0
            )
            assert (
                s.execute(
                    text(f"SELECT count(*) FROM {table} WHERE client_id = :c"), {"c": other}
                ).scalar()
                == 1
            )


def test_the_subject_access_copy_holds_every_column_of_every_casework_table(store):
    cid = new_client(store)
    ids = full_casework(store, cid)
    with store.session() as s:
        key = "5eed" * 16
        repository.set_setting(s, cw.STATS_KEY_SETTING, key)
        cw.set_oisc_number(s, "F-NUMBER-1")
        out = case_file.export_case(s, cid, full=True)
        plain = case_file.export_case(s, cid, full=False)
    record = out["client_record"]["casework"]
    assert set(record) == set(TABLES)
    for table in TABLES:
        (row,) = record[table]
        columns = {c.name for c in Base.metadata.tables[table].columns} - {"uid", "client_id"}
        assert columns <= set(row), (table, columns - set(row))
    matter_row = record["matters"][0]
    assert matter_row["opened"] == "2026-09-01" and matter_row["id"] == ids["matter"]
    assert matter_row["application"].startswith("Extension of permission, made 2021-12-01")
    assert matter_row["permission"].startswith("Student")
    assert record["letters"][0]["fields"] == {"costs": SECRET}
    assert record["retention_decisions"][0]["review_on"] == "2030-01-01"
    raw = json.dumps(out)
    assert key not in raw and "F-NUMBER-1" not in raw
    assert "casework" not in json.dumps(plain)


def test_how_the_client_came_is_kept_with_an_audit_row_naming_the_field(store):
    cid = new_client(store)
    with store.session() as s:
        cw.set_referral_source(s, cid, " gp_surgery ", ADVISER)
        cw.set_referral_source(s, cid, "gp_surgery", ADVISER)  # unchanged: no second row
        assert cw.client_referral_source(s, cid) == "gp_surgery"
        with pytest.raises(cw.CaseworkProblem) as caught:
            cw.set_referral_source(s, cid, "x" * 101, ADVISER)
        assert caught.value.field == "referral_source"
    assert audits(store, "client.update") == [("client.update", cid, "changed: referral_source")]
