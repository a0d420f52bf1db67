import datetime as dt
from dataclasses import replace

import pytest

from desktop.importers.history_json import export_case, import_case, parse_case
from desktop.rules.history import history_to_dict, parse_history
from desktop.store import repository
from desktop.store.errors import NotFound
from desktop.store.repository import ClientDetails, HouseholdEntry

CASE = {
    "format": "dropin-desk.history/1",
    "person": {"name": "Test Person", "date_of_birth": "1990-05-01"},
    "permissions": [
        {
            "category": "student",
            "from": "2014-09-01",
            "to": "2016-08-31",
            "granted_on": "2014-08-20",
            "conditions": ["no_recourse_to_public_funds"],
        },
        {"category": "ilr", "from": "2020-01-01", "to": None, "granted_on": None},
    ],
    "applications": [
        {
            "kind": "extension",
            "made": "2016-08-20",
            "decided": "2016-12-01",
            "outcome": "granted",
            "late_reason_accepted": None,
            "fee_waiver_requested": None,
            "fee_waiver_decided": None,
            "fee_waiver_outcome": None,
            "appeal_lodged": None,
            "appeal_decided": None,
            "appeal_outcome": None,
        },
        {"kind": "fee_waiver_only", "made": None, "fee_waiver_requested": "2019-01-03"},
    ],
    "absences": [
        {
            "left": "2020-01-10",
            "returned": "2020-02-01",
            "reason": "visit family",
            "exceptional": False,
            "planned": False,
        }
    ],
    "custody": [{"from": "2016-01-01", "to": "2016-12-31"}],
    "question": {"route": "long_residence", "application_date": "2024-09-01"},
}


def test_import_then_export_returns_the_same_history(store):
    with store.session() as s:
        cid = import_case(s, parse_case(CASE), "Tester")
    with store.read_session() as s:
        exported = export_case(s, cid, full=False)
    assert exported == history_to_dict(parse_history(CASE))


REFUSED_WITH_DEADLINE = {
    "kind": "asylum",
    "made": "2021-03-01",
    "decided": "2022-06-10",
    "outcome": "refused",
    "appeal_by": "2022-07-08",
    "appeal_lodged": "2022-07-05",
}


def test_appeal_deadline_survives_import_export_and_save(store):
    case = dict(CASE, applications=[*CASE["applications"], REFUSED_WITH_DEADLINE])
    with store.session() as s:
        cid = import_case(s, parse_case(case), "Tester")
    with store.read_session() as s:
        exported = export_case(s, cid, full=False)
        history = repository.load_history(s, cid)
    assert exported == history_to_dict(parse_history(case))
    assert exported["applications"][2]["appeal_by"] == "2022-07-08"
    assert [a["appeal_by"] for a in exported["applications"][:2]] == [None, None]
    assert history.applications[2].appeal_by == dt.date(2022, 7, 8)
    # Changing only the deadline is saved (and audited) like any other field.
    later = replace(history.applications[2], appeal_by=dt.date(2022, 7, 22))
    changed = replace(history, applications=(*history.applications[:2], later))
    with store.session() as s:
        repository.save_history(s, cid, changed, "Tester")
    with store.read_session() as s:
        assert repository.load_history(s, cid).applications[2].appeal_by == dt.date(2022, 7, 22)
        assert repository.audit_of(s, cid)[-1].summary == "changed: applications"


def test_full_export_carries_details_household_notes_and_audit(store):
    with store.session() as s:
        cid = import_case(s, parse_case(CASE), "Tester")
        repository.set_household(
            s, cid, [HouseholdEntry("Kid", "daughter", dt.date(2015, 1, 2))], "Tester"
        )
        repository.add_note(s, cid, "Tester", "Came in about ILR")
    with store.read_session() as s:
        full = export_case(s, cid, full=True)
    record = full["client_record"]
    assert record["details"]["full_name"] == "Test Person"
    assert record["household"] == [
        {"name": "Kid", "relationship": "daughter", "date_of_birth": "2015-01-02"}
    ]
    assert record["case_notes"][0]["text"] == "Came in about ILR"
    assert [a["action"] for a in record["audit_trail"]] == [
        "client.create",
        "client.import",
        "household.update",
        "note.add",
    ]
    # A full export imports again as a new client with the same details and household.
    with store.session() as s:
        again = import_case(s, parse_case(full), "Tester")
    with store.read_session() as s:
        assert repository.household_of(s, again)[0].name == "Kid"
        assert export_case(s, again, full=False) == export_case(s, cid, full=False)


def test_update_client_audits_field_names_not_values(store):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="A Person"), "Ann")
    with store.session() as s:
        changed = repository.update_client(
            s, cid, ClientDetails(full_name="A Person", phone="0123 456"), "Bob"
        )
    assert changed == ["phone"]
    with store.read_session() as s:
        last = repository.audit_of(s, cid)[-1]
    assert (last.adviser, last.action, last.summary) == ("Bob", "client.update", "changed: phone")
    assert "0123" not in last.summary


def test_save_history_replaces_records_in_one_go(store):
    with store.session() as s:
        cid = import_case(s, parse_case(CASE), "Tester")
    with store.read_session() as s:
        history = repository.load_history(s, cid)
    shorter = history.__class__(
        person=history.person,
        permissions=history.permissions[:1],
        applications=(),
        absences=history.absences,
        custody=(),
        question=None,
    )
    with store.session() as s:
        repository.save_history(s, cid, shorter, "Tester")
    with store.read_session() as s:
        again = repository.load_history(s, cid)
        assert again.permissions == history.permissions[:1]
        assert again.applications == () and again.custody == () and again.question is None
        assert repository.audit_of(s, cid)[-1].action == "history.update"


def test_delete_client_erases_everything_but_keeps_an_audit_line(store):
    with store.session() as s:
        cid = import_case(s, parse_case(CASE), "Tester")
        repository.add_note(s, cid, "Tester", "note")
    with store.session() as s:
        repository.delete_client(s, cid, "Tester")
    with store.read_session() as s:
        with pytest.raises(NotFound):
            repository.get_client(s, cid)
        assert repository.list_summaries(s) == []
        assert [a.action for a in repository.audit_of(s, cid)][-1] == "client.delete"
        from sqlalchemy import func, select

        from desktop.store.models import AbsenceRow, CaseNote

        assert s.scalar(select(func.count()).select_from(CaseNote)) == 0
        assert s.scalar(select(func.count()).select_from(AbsenceRow)) == 0


def test_advisers_are_listed_most_recent_first(store):
    from sqlalchemy import select

    from desktop.store.models import Adviser

    with store.session() as s:
        repository.use_adviser(s, "Ann")
        repository.use_adviser(s, "Bob")
    with store.session() as s:
        ann = s.scalars(select(Adviser).where(Adviser.name == "Ann")).one()
        ann.last_used = dt.datetime(2020, 1, 1)
    with store.read_session() as s:
        assert repository.adviser_names(s) == ["Bob", "Ann"]


def test_erasing_a_client_takes_their_unsaved_details_draft_too(store):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Draft Testperson"), "A")
        repository.set_setting(s, f"{repository.DETAILS_DRAFT_PREFIX}{cid}", '{"notes": "x"}')
        repository.set_setting(s, f"{repository.DETAILS_DRAFT_PREFIX}{cid + 1}", "other")
    with store.session() as s:
        repository.delete_client(s, cid, "A")
    with store.session() as s:
        assert repository.get_setting(s, f"{repository.DETAILS_DRAFT_PREFIX}{cid}") is None
        assert repository.get_setting(s, f"{repository.DETAILS_DRAFT_PREFIX}{cid + 1}") == "other"


def test_save_history_keeps_the_advisers_status_checks_and_the_board_reads_them(store):
    # Issue 16: "checked: no permission" is a status check saved with the history; a save that
    # only adds one must not be skipped as "nothing changed", and the board's one-pass reader
    # must see it as the client page does.
    from desktop.rules.history import StatusCheck

    with store.session() as s:
        cid = import_case(s, parse_case(CASE), "Tester")
    with store.read_session() as s:
        history = repository.load_history(s, cid)
    check = StatusCheck(dt.date(2026, 11, 2), "no_permission")
    with store.session() as s:
        repository.save_history(s, cid, replace(history, status_checks=(check,)), "Tester")
    with store.read_session() as s:
        assert repository.load_history(s, cid).status_checks == (check,)
        last = repository.audit_of(s, cid)[-1]
        assert last.action == "history.update" and "status_checks" in last.summary
        source = repository.history_sources(s, cid)[cid]
        assert source.status_checks == [("2026-11-02", "no_permission")]
        assert source.records()[-1] == (("2026-11-02", "no_permission"),)
    with store.session() as s:
        repository.save_history(s, cid, history, "Tester")  # taken out again
    with store.read_session() as s:
        assert repository.load_history(s, cid).status_checks == ()
        assert repository.history_sources(s, cid)[cid].status_checks == []
