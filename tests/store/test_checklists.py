"""The store's per-client checklists: starting from a template (snapshots that survive a template
change, newer versions' items offered), ticking items, added items, progress, erasure, audit and
the subject access copy."""

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from desktop.rules.checklists import Checklist, Item
from desktop.store import checklists as cl
from desktop.store import repository
from desktop.store.errors import NotFound
from desktop.store.models import AuditEntry, ChecklistItemRow, ClientChecklistRow
from desktop.store.repository import ClientDetails

D = dt.date
ADVISER = "Adviser A"
STARTED = D(2026, 3, 2)


def template(version=1, extra=()):
    items = (
        Item("passport", "Your passport", "Reference 003, spouse visa sheet: documents"),
        Item(
            "marriage_certificate",
            "Your marriage certificate",
            "Reference 003, spouse visa sheet: relationship",
            section="Your relationship",
        ),
        Item(
            "divorce_papers",
            "Papers ending any earlier marriage",
            "Reference 003, spouse visa sheet: relationship",
            when="married_before",
            section="Your relationship",
        ),
        Item(
            "payslips",
            "Your sponsor's last 6 months of payslips",
            "Reference 003, spouse visa sheet: money; Appendix FM-SE para 2",
            provider="sponsor",
            section="Money",
            note="Check the dates run to within 28 days of applying",
        ),
        *extra,
    )
    return Checklist(
        id="spouse_test",
        version=version,
        title="Partner visa: what to bring",
        intro="Bring these to your next appointment.",
        routes=("settlement_partner_5y",),
        circumstances={"married_before": "You or your partner were married before"},
        items=items,
        translations={},
        source_file="resources/checklists/spouse_test.toml",
    )


def _client(store, name="Leyla Fictional"):
    with store.session() as s:
        return repository.create_client(s, ClientDetails(full_name=name), ADVISER)


def _start(store, cid, circumstances=(), checklist=None, on=STARTED):
    with store.session() as s:
        return cl.start_checklist(s, cid, checklist or template(), circumstances, ADVISER, on=on)


def _lists(store, cid):
    with store.session() as s:
        return cl.lists_of(s, cid)


def test_start_without_circumstances_takes_the_always_items(store):
    cid = _client(store)
    list_id = _start(store, cid)
    (got,) = _lists(store, cid)
    assert got.id == list_id
    assert (got.template_id, got.version, got.title) == (
        "spouse_test",
        1,
        "Partner visa: what to bring",
    )
    assert got.started_on == D(2026, 3, 2) and got.circumstances == ()
    assert [i.item_id for i in got.items] == ["passport", "marriage_certificate", "payslips"]
    payslips = got.items[2]
    assert (payslips.provider, payslips.section, payslips.status, payslips.custom) == (
        "sponsor",
        "Money",
        "pending",
        False,
    )
    assert "Appendix FM-SE" in payslips.source
    assert cl.progress(got) == (0, 3)


def test_start_with_a_circumstance_adds_its_items_and_keeps_the_keys(store):
    cid = _client(store)
    _start(store, cid, ["married_before"])
    (got,) = _lists(store, cid)
    assert got.circumstances == ("married_before",)
    assert "divorce_papers" in [i.item_id for i in got.items]
    with pytest.raises(cl.ChecklistDataError, match="Circumstances: 'has_children'"):
        _start(store, cid, ["has_children"])
    assert len(_lists(store, cid)) == 1


def test_snapshots_survive_a_template_change_and_updates_offer_only_new_items(store):
    cid = _client(store)
    list_id = _start(store, cid)
    changed = template(
        version=3,
        extra=(
            Item("tb_certificate", "A TB test certificate", "Reference 003: health"),
            Item("old_decree", "Decree absolute", "Reference 003", when="married_before"),
        ),
    )
    changed = replace(
        changed,
        title="Spouse visa checklist",
        items=tuple(
            replace(i, text="Your current passport") if i.id == "passport" else i
            for i in changed.items
        ),
    )
    (before,) = _lists(store, cid)
    assert before.items[0].text == "Your passport"  # the snapshot, not the new wording
    assert before.title == "Partner visa: what to bring"
    with store.session() as s:
        new = cl.template_updates(s, list_id, changed)
        # Only the always-item: the list was started without "married_before".
        assert [i.id for i in new] == ["tb_certificate"]
        with pytest.raises(cl.ChecklistDataError, match="Checklist"):
            cl.template_updates(s, list_id, replace(changed, id="other"))
    with store.session() as s:
        assert cl.add_template_updates(s, list_id, changed, ADVISER) == 1
    (after,) = _lists(store, cid)
    assert after.version == 3
    assert [i.item_id for i in after.items][-1] == "tb_certificate"
    assert after.items[0].text == "Your passport"
    with store.session() as s:
        assert cl.template_updates(s, list_id, changed) == []


def test_received_pending_and_not_needed(store):
    cid = _client(store)
    _start(store, cid)
    passport, certificate, payslips = _lists(store, cid)[0].items
    with store.session() as s:
        cl.mark_received(s, passport.id, D(2026, 3, 5), ADVISER)
        cl.mark_received(s, certificate.id, D(2026, 3, 5), ADVISER)
        cl.mark_not_applicable(s, payslips.id, "  Sponsor is self-employed  ", ADVISER)
    got = _lists(store, cid)[0]
    assert [(i.status, i.received_on) for i in got.items] == [
        ("received", D(2026, 3, 5)),
        ("received", D(2026, 3, 5)),
        ("not_applicable", None),
    ]
    assert got.items[2].na_reason == "Sponsor is self-employed"
    assert cl.progress(got) == (2, 2)
    assert cl.progress_text(got) == "2 of 2 received (1 not needed)"
    with store.session() as s:
        cl.mark_pending(s, certificate.id, ADVISER)
        cl.mark_received(s, passport.id, D(2026, 3, 9), ADVISER)  # a new received date
        cl.mark_received(s, payslips.id, D(2026, 3, 9), ADVISER)  # not needed -> received
    got = _lists(store, cid)[0]
    assert [(i.status, i.received_on, i.na_reason) for i in got.items] == [
        ("received", D(2026, 3, 9), ""),
        ("pending", None, ""),
        ("received", D(2026, 3, 9), ""),
    ]
    assert cl.progress_text(got) == "2 of 3 received"


def test_not_needed_needs_a_reason_and_a_bad_call_changes_nothing(store):
    cid = _client(store)
    _start(store, cid)
    passport = _lists(store, cid)[0].items[0]
    for reason in ("", "   "):
        with pytest.raises(cl.ChecklistDataError, match="^Reason: say why"):
            with store.session() as s:
                cl.mark_not_applicable(s, passport.id, reason, ADVISER)
    with pytest.raises(cl.ChecklistDataError, match="^Received on"):
        with store.session() as s:
            cl.mark_received(s, passport.id, None, ADVISER)
    assert _lists(store, cid)[0].items[0].status == "pending"
    with pytest.raises(NotFound):
        with store.session() as s:
            cl.mark_received(s, 99999, D(2026, 3, 5), ADVISER)


def test_added_items_can_be_removed_template_items_cannot(store):
    cid = _client(store)
    list_id = _start(store, cid)
    with store.session() as s:
        first = cl.add_item(
            s, list_id, " Letter from the landlord ", "third_party", "Home", ADVISER
        )
        second = cl.add_item(s, list_id, "Council tax bill", "client", "", ADVISER)
    got = _lists(store, cid)[0]
    added = [i for i in got.items if i.custom]
    assert [(i.id, i.item_id, i.text, i.provider, i.section) for i in added] == [
        (first, "custom-1", "Letter from the landlord", "third_party", "Home"),
        (second, "custom-2", "Council tax bill", "client", ""),
    ]
    assert cl.progress(got) == (0, 5)
    for text, provider, field in (("", "client", "^Item"), ("Bill", "neighbour", "^Who provides")):
        with pytest.raises(cl.ChecklistDataError, match=field):
            with store.session() as s:
                cl.add_item(s, list_id, text, provider, "", ADVISER)
    with pytest.raises(cl.ChecklistDataError, match="cannot be removed; mark it not needed"):
        with store.session() as s:
            cl.remove_item(s, got.items[0].id, ADVISER)
    with store.session() as s:
        cl.remove_item(s, first, ADVISER)
        third = cl.add_item(s, list_id, "Tenancy agreement", "client", "Home", ADVISER)
    got = _lists(store, cid)[0]
    assert [i.item_id for i in got.items if i.custom] == ["custom-2", "custom-3"]
    assert got.item(third).text == "Tenancy agreement"
    assert got.item(first) is None


def test_remove_list_and_erasure_take_the_items(store):
    cid = _client(store)
    other = _client(store, "Tomas Madeup")
    first = _start(store, cid)
    _start(store, cid, ["married_before"])
    kept = _start(store, other)
    assert [c.id for c in _lists(store, cid)][0] == first
    with store.session() as s:
        cl.remove_list(s, first, ADVISER)
    assert len(_lists(store, cid)) == 1
    with store.session() as s:
        repository.delete_client(s, cid, ADVISER)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ClientChecklistRow)) == 1
        left = s.scalars(select(ChecklistItemRow.checklist_id)).all()
        assert set(left) == {kept}
        with pytest.raises(NotFound):
            cl.lists_of(s, cid)


def test_audit_names_no_item_text_reason_or_template(store):
    cid = _client(store)
    list_id = _start(store, cid, ["married_before"])
    items = _lists(store, cid)[0].items
    with store.session() as s:
        cl.mark_received(s, items[0].id, D(2026, 3, 5), ADVISER)
        cl.mark_not_applicable(s, items[1].id, "Unmarried partners", ADVISER)
        cl.mark_pending(s, items[0].id, ADVISER)
        added = cl.add_item(s, list_id, "Letter from Greenfield Tenants", "client", "Home", ADVISER)
        cl.remove_item(s, added, ADVISER)
        cl.remove_list(s, list_id, ADVISER)
        entries = s.execute(
            select(AuditEntry.action, AuditEntry.summary).where(AuditEntry.client_id == cid)
        ).all()
    summaries = " ".join(summary for _action, summary in entries)
    for secret in (
        "passport",
        "Passport",
        "marriage",
        "Unmarried",
        "Greenfield",
        "Home",
        "spouse",
        "married_before",
        "Leyla",
    ):
        assert secret not in summaries
    assert f"checklist {list_id}: item received" in summaries
    assert f"checklist {list_id}: item marked not needed" in summaries
    assert [a for a, _ in entries if a.startswith("checklist.")] == [
        "checklist.start",
        "checklist.received",
        "checklist.not_needed",
        "checklist.pending",
        "checklist.item_add",
        "checklist.item_remove",
        "checklist.remove",
    ]


def test_marking_an_item_as_it_already_is_writes_no_audit_row(store):
    cid = _client(store)
    _start(store, cid)
    passport, certificate, _payslips = _lists(store, cid)[0].items
    with store.session() as s:
        cl.mark_received(s, passport.id, D(2026, 3, 5), ADVISER)
        cl.mark_received(s, passport.id, D(2026, 3, 5), ADVISER)
        cl.mark_pending(s, certificate.id, ADVISER)
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.client_id == cid)).all()
    assert actions.count("checklist.received") == 1
    assert "checklist.pending" not in actions


def test_the_subject_access_record_holds_every_list_and_item(store):
    cid = _client(store)
    list_id = _start(store, cid, ["married_before"])
    items = _lists(store, cid)[0].items
    with store.session() as s:
        cl.mark_received(s, items[0].id, D(2026, 3, 5), ADVISER)
        cl.mark_not_applicable(s, items[2].id, "First marriage", ADVISER)
        cl.add_item(s, list_id, "Letter from the landlord", "third_party", "Home", ADVISER)
        record = cl.checklists_record(s, cid)
    (one,) = record
    assert json.loads(json.dumps(record)) == record  # goes into the export file as it is
    assert one["template"] == "spouse_test" and one["template_version"] == 1
    assert one["started_on"] == "2026-03-02" and one["circumstances"] == ["married_before"]
    by_item = {i["item"]: i for i in one["items"]}
    assert by_item["passport"]["received_on"] == "2026-03-05"
    assert by_item["passport"]["status"] == "received"
    assert by_item["divorce_papers"]["reason_not_needed"] == "First marriage"
    assert by_item["custom-1"] == {
        "item": "custom-1",
        "text": "Letter from the landlord",
        "provider": "third_party",
        "section": "Home",
        "source": "",
        "status": "pending",
        "reason_not_needed": "",
        "received_on": None,
        "added_by_adviser": True,
    }
    with store.session() as s:
        assert cl.checklists_record(s, _client(store, "Nobody Yet")) == []
